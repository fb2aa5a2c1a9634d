"""The claim lists: the learner's own (培训登记详情, 培训总体查询), the reviewers' 审核结果, the filters shared with the
inboxes, the staff a unit admin files for, the supervising-department search, and the supplement status the learner's
claim list shows (the supplement pages show it too)."""
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from models import Claim, Membership, Organisation, Supplement, User, db
from models.org import SUPERVISOR
from models.people import LEARNER, name_contains

from ..catalogue import member_province_id
from ..i18n import N_
from ..permissions import claim_scope
from ..workflow import catalog, versions

HANDLED, UNHANDLED = N_('已处理'), N_('未处理')  # the supplement status, compared by the page: translate where shown


def filter_claims(query, args, status=Claim.status_label, year=Claim.year, pathway=Claim.pathway,
                  learner_id=Claim.learner_id):
    """Apply status, year, pathway and name-or-ID-number filters: to a claim's columns, or to the copies of them
    another list pages over (the inbox's work items keep them: WorkItem.subject_*)."""
    if args.get('status'):
        query = query.where(status == args['status'])
    if args.get('year', type=int):
        query = query.where(year == args.get('year', type=int))
    if 0 < len(args.get('pathway') or '') <= 30:  # a pathway code (of any catalogue version)
        query = query.where(pathway == args['pathway'])
    q = (args.get('q') or '').strip()
    if q:
        query = query.where(learner_id.in_(learners_matching(q)))
    return query


def statuses(m) -> list[tuple[str, str]]:
    """The claim statuses the tabs and filters offer to *m* (a membership): (label, meaning) from its province's
    published claim diagram and its retired versions (a province that renames its steps, e.g. to seed 000's 个人保存 /
    个人上报 …, sees its names)."""
    return versions.status_choices('claim', member_province_id(m))


def learners_matching(q: str):
    """Ids of the people whose name contains *q* or whose ID number is *q*: a subquery, so that a list pages over its
    claims in its own order, or finds the few people first by the name index and the ID number's unique index."""
    return select(User.id).where(or_(name_contains(q), User.id_number == q.upper()))


def _listed(condition, args):
    """Undeleted claims meeting *condition* and the page's filters, newest first. Paged by ids (the scope's index
    holds the filtered columns: webapp/pagination.py) unless a name search's subquery would be run twice."""
    query = filter_claims(select(Claim).where(condition, Claim.deleted_at.is_(None)), args).order_by(Claim.id.desc()) \
        .options(selectinload(Claim.learner))  # every list shows her name
    return query if (args.get('q') or '').strip() else query.execution_options(page_by_ids=True)


def exported(query):
    """*query* (of claims, or rows with claims) loading the unit and department each exported row names, one
    statement each for all rows instead of one per unit and department."""
    return query.options(selectinload(Claim.unit), selectinload(Claim.department))


def own_claims(m: Membership, args):
    """培训登记详情: the learner's own claims."""
    return _listed(Claim.learner_id == m.user_id, args)


def reviewed_claims(m: Membership, args):
    """审核结果: the claims in this role's scope (the page shows each one's unit and department)."""
    return exported(_listed(claim_scope(m), args))


def filed_claims(m: Membership, args):
    """我发起的: the claims this person filed (a unit admin for her staff) or that are hers."""
    return _listed(or_(Claim.created_by_id == m.user_id, Claim.learner_id == m.user_id), args)


def approved_claims(learner_id: int, year: int) -> list[Claim]:
    """培训总体查询: the claims of a year whose hours count."""
    return db.session.scalars(select(Claim).where(
        Claim.learner_id == learner_id, Claim.year == year, Claim.outcome == catalog.APPROVED,
        Claim.deleted_at.is_(None)).order_by(Claim.id)).all()


def staff(m: Membership) -> list[User]:
    """The learners a unit admin may file a claim for: her unit, or only her department (secondary admin)."""
    query = select(User).join(Membership).where(Membership.role == LEARNER, Membership.org_id == m.org_id)
    if m.department_id:
        query = query.where(Membership.department_id == m.department_id)
    return db.session.scalars(query.order_by(User.name)).all()


def supervisors_matching(province_id: int, q: str, limit: int = 10) -> list[Organisation]:
    """Supervising departments of the province whose name contains *q*, by name."""
    query = select(Organisation).where(Organisation.kind == SUPERVISOR, Organisation.parent_id == province_id)
    if q:
        query = query.where(Organisation.name.contains(q))
    return db.session.scalars(query.order_by(Organisation.name).limit(limit)).all()


def handled_flag(learner_id: int) -> str | None:
    """Seed 000: 已处理 once the unit has handled every supplement request sent to it, otherwise 未处理 (None: none
    sent). Shown in the learner's claim list."""
    sent = db.session.scalars(select(Supplement).where(Supplement.learner_id == learner_id,
                                                       Supplement.requested_at.is_not(None))).all()
    if not sent:
        return None
    return UNHANDLED if any(s.unit_decision is None and s.outcome != catalog.DELETED for s in sent) else HANDLED
