"""The inbox lists: work items ready for a role (待我处理), done by a person (我已处理), their counts per kind, and
where each of a person's claims waits (我发起的)."""
from sqlalchemy import and_, func, select
from sqlalchemy.orm import contains_eager, selectinload

from models import Claim, Membership, User, WorkItem, db

from ..claims.queries import filter_claims
from ..permissions import work_item_scope

CLAIM = 'claim'


def open_for(m: Membership):
    """SQL condition: the open work items this role may act on (待我处理)."""
    return and_(WorkItem.completed_at.is_(None), work_item_scope(m))


def done_by(m: Membership):
    """SQL condition: the work items this person completed (我已处理)."""
    return WorkItem.completed_by_id == m.user_id


def todo_count(m: Membership) -> int:
    return db.session.scalar(select(func.count(WorkItem.id)).where(open_for(m)))


def counts_by_kind(condition) -> dict[str, int]:
    return dict(db.session.execute(select(WorkItem.subject_type, func.count(WorkItem.id))
                                   .where(condition).group_by(WorkItem.subject_type)).all())


def items_of_kind(condition, kind: str, order):
    """Work items of a non-claim kind meeting *condition*, in *order*."""
    return select(WorkItem).where(condition, WorkItem.subject_type == kind).order_by(*order)


def _claim_items(condition, args):
    """(work item, claim) rows of claims' work items meeting *condition* and the page's claim filters; each claim
    with its learner (the rows show her name), from the join the filters use."""
    return filter_claims(select(WorkItem, Claim)
                         .join(Claim, (WorkItem.subject_type == CLAIM) & (WorkItem.subject_id == Claim.id))
                         .join(User, Claim.learner_id == User.id).where(condition), args) \
        .options(contains_eager(Claim.learner))


def todo_claims(m: Membership, args):
    """待我处理 of claims: oldest first; an escalated row names the unit it comes from (its scope)."""
    return _claim_items(open_for(m), args).order_by(WorkItem.created_at, WorkItem.id) \
        .options(selectinload(WorkItem.scope_org))


def done_claims(m: Membership, args):
    """我已处理 of claims: latest first."""
    return _claim_items(done_by(m), args).order_by(WorkItem.completed_at.desc())


def waiting_items(claim_ids: list[int]) -> dict[int, WorkItem]:
    """The open work item of each claim (where it waits now), by claim id."""
    if not claim_ids:
        return {}
    return {item.subject_id: item for item in db.session.scalars(select(WorkItem).where(
        WorkItem.subject_type == CLAIM, WorkItem.subject_id.in_(claim_ids), WorkItem.completed_at.is_(None)))}
