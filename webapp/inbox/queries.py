"""The inbox lists: work items ready for a role (待我处理), done by a person (我已处理), their counts per kind, and
where each of a person's claims waits (我发起的).

A list pages over the work items alone, in the order of an index of its scope (models/workflow.py): the claim
filters read the claim's values each row keeps (WorkItem.subject_*), and only the page's rows fetch their claims.
Counts stop at COUNT_CAP: beyond it the page says "more than 10,000" instead of counting a province's rows."""
from sqlalchemy import and_, func, literal, select, union_all
from sqlalchemy.orm import joinedload, selectinload

from models import Claim, Membership, WorkItem, db

from ..claims.queries import filter_claims
from .. import pagination
from ..pagination import COUNT_CAP, RowPage
from ..permissions import work_item_scope, work_item_scope_parts

CLAIM = 'claim'


def open_for(m: Membership):
    """SQL condition: the open work items this role may act on (待我处理)."""
    return and_(WorkItem.completed_at.is_(None), work_item_scope(m))


def done_by(m: Membership):
    """SQL condition: the work items this person completed (我已处理)."""
    return WorkItem.completed_by_id == m.user_id


def shown(count: int):
    """A count as the page shows it: beyond COUNT_CAP, '10,000+'."""
    return f'{COUNT_CAP:,}+' if count > COUNT_CAP else count


def count_up_to(query) -> int:
    """How many rows *query* (a select of work items, or of their ids) has, counting no further than COUNT_CAP + 1;
    only its first column is selected, so that the scope's index alone answers."""
    return pagination.count_up_to(query.with_only_columns(query.selected_columns[0]), COUNT_CAP + 1)


def open_parts(m: Membership) -> list:
    """open_for(m) as conditions no row meets two of (permissions.work_item_scope_parts), each an index range."""
    return [and_(WorkItem.completed_at.is_(None), part) for part in work_item_scope_parts(m)]


def _ids(parts: list, *conditions):
    """The ids of the work items meeting one of *parts* and *conditions*: each part read from its own index (UNION
    ALL), where one OR of them would visit every row (a bitmap of both indexes, then the table)."""
    selects = [select(WorkItem.id).where(part, *conditions) for part in parts]
    return union_all(*selects) if len(selects) > 1 else selects[0]


def todo_count(m: Membership):
    """The navigation's number of open items (shown)."""
    return shown(pagination.count_up_to(_ids(open_parts(m)), COUNT_CAP + 1))


def counts_by_kind(parts: list, kinds: list[str]) -> dict[str, int]:
    """Rows of each kind meeting one of *parts* (conditions no row meets two of), each counted up to COUNT_CAP + 1,
    in one statement."""
    counts = [select(literal(kind).label('kind'), select(func.count()).select_from(
        _ids(parts, WorkItem.subject_type == kind).limit(COUNT_CAP + 1).subquery())
        .scalar_subquery().label('count')) for kind in kinds]
    return dict(db.session.execute(union_all(*counts)).all()) if counts else {}


def items_of_kind(condition, kind: str, order):
    """Work items of a non-claim kind meeting *condition*, in *order*."""
    return select(WorkItem).where(condition, WorkItem.subject_type == kind).order_by(*order)


def _claim_items(condition, args):
    """Claims' work items meeting *condition* and the page's claim filters (on the values each item keeps)."""
    return filter_claims(select(WorkItem).where(condition, WorkItem.subject_type == CLAIM), args,
                         status=WorkItem.subject_status, year=WorkItem.subject_year,
                         pathway=WorkItem.subject_pathway, learner_id=WorkItem.subject_person_id)


def todo_claims(m: Membership, args):
    """待我处理 of claims: oldest first; an escalated row names the unit it comes from (its scope)."""
    return _claim_items(open_for(m), args).order_by(WorkItem.created_at, WorkItem.id) \
        .options(selectinload(WorkItem.scope_org))


def todo_claim_ids(m: Membership, args):
    """The ids of todo_claims in its order, each part of the role's scope read from its own index (UNION ALL)."""
    parts = [_claim_items(and_(WorkItem.completed_at.is_(None), part), args)
             .with_only_columns(WorkItem.id, WorkItem.created_at) for part in work_item_scope_parts(m)]
    rows = (union_all(*parts) if len(parts) > 1 else parts[0]).subquery()
    return select(rows.c.id).order_by(rows.c.created_at, rows.c.id)


def done_claims(m: Membership, args):
    """我已处理 of claims: latest first."""
    return _claim_items(done_by(m), args).order_by(WorkItem.completed_at.desc(), WorkItem.id.desc())


def with_claims(items: list[WorkItem]) -> list[tuple[WorkItem, Claim]]:
    """(work item, claim) for each item, the claims and their learners in one statement."""
    claims = {c.id: c for c in db.session.scalars(select(Claim).where(
        Claim.id.in_({i.subject_id for i in items})).options(joinedload(Claim.learner)))} if items else {}
    return [(item, claims[item.subject_id]) for item in items]


def claim_rows(query):
    """*query* (claims' work items) as (work item, claim) rows, each claim with its learner: for an export."""
    return query.add_columns(Claim).join(Claim, (WorkItem.subject_type == CLAIM) & (WorkItem.subject_id == Claim.id)) \
        .options(joinedload(Claim.learner))


def filters_apply(args) -> bool:
    """Whether *args* filter the claims (else a claim list has as many rows as its tab counted)."""
    return filter_claims(select(WorkItem.id), args).whereclause is not None


def claim_page(query, page: int, per_page: int, counted: int | None = None, ids=None) -> RowPage:
    """Page *page* of *query* (claims' work items) as (work item, claim) rows; *ids*: the same rows' ids in the same
    order, when another query reads them faster. The count stops at COUNT_CAP (`capped`), is left out when the page
    itself shows where the list ends, and is *counted* when known already (the tab's count, up to COUNT_CAP + 1)."""
    ids = query.with_only_columns(WorkItem.id) if ids is None else ids
    offset = (page - 1) * per_page
    # The page's ids first: read from the scope's index alone (the filters' columns are in it), so the rows skipped
    # and the rows filtered out are never fetched; then those rows. Two statements, not a subquery: as a subquery,
    # PostgreSQL's generic plan for the prepared statement ran the page's scan once per row of the scope.
    page_ids = db.session.scalars(ids.limit(per_page + 1).offset(offset)).all()
    items = db.session.scalars(query.where(WorkItem.id.in_(page_ids))).all() if page_ids else []
    rows, more = with_claims(items[:per_page]), len(items) > per_page
    if not more and (rows or page == 1):
        return RowPage(rows, page, per_page, offset + len(rows))
    counted = count_up_to(ids) if counted is None else counted
    listing = RowPage(rows, page, per_page, min(counted, COUNT_CAP))
    listing.capped = counted > COUNT_CAP
    return listing


def waiting_items(claim_ids: list[int]) -> dict[int, WorkItem]:
    """The open work item of each claim (where it waits now), by claim id."""
    if not claim_ids:
        return {}
    return {item.subject_id: item for item in db.session.scalars(select(WorkItem).where(
        WorkItem.subject_type == CLAIM, WorkItem.subject_id.in_(claim_ids), WorkItem.completed_at.is_(None)))}
