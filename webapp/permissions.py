"""The current role (membership) and the scope rules every query and every action goes through."""
from functools import wraps

from flask import abort, g, session
from flask_login import current_user
from sqlalchemy import and_, bindparam, false, func, or_, select, true
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import BindParameter

from models import Claim, Membership, Organisation, Supplement, User, WorkItem, db
from models.org import HR as HR_ORG, UNIT
from models.people import HR_ADMIN, LEARNER, PROVINCE_ADMIN, SUPERVISOR_ADMIN, UNIT_ADMIN

from .i18n import _l
from .workflow.runtime import TaskAlreadyHandled


def current_membership() -> Membership | None:
    """The role the user acts in now (switchable in the UI); every page is scoped to it."""
    if not current_user.is_authenticated:
        return None
    key = (current_user.id, session.get('membership_id'))
    if g.get('membership_key') != key:  # cached per request (and per user, in case one context serves several)
        memberships = current_user.active_memberships
        chosen = next((m for m in memberships if m.id == session.get('membership_id')), None)
        g.membership, g.membership_key = chosen or (memberships[0] if memberships else None), key
    return g.membership


def role_required(*roles):
    """Refuse (403) unless the current role is one of *roles*."""
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            membership = current_membership()
            if membership is None or membership.role not in roles:
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator


def work_item_scope(m: Membership):
    """SQL condition: inbox rows this role may see and act on."""
    return or_(*work_item_scope_parts(m))


def work_item_scope_parts(m: Membership) -> list:
    """work_item_scope(m) as conditions no row meets two of, each an index range: a list reads each part in its
    order and merges them (UNION ALL), where one OR would have to fetch and sort every row of the scope."""
    if m.role == LEARNER:
        return [and_(WorkItem.lane == LEARNER, WorkItem.scope_user_id == m.user_id)]
    lanes = [m.role]
    if m.role == PROVINCE_ADMIN:  # units directly under the province have the province as their final reviewer
        lanes.append(SUPERVISOR_ADMIN)
        lanes.append(HR_ADMIN)  # an `hr` step of a province without a 人社部门 waits for the province (hr_org_id)
    own = and_(WorkItem.lane.in_(lanes), WorkItem.scope_org_id == m.org_id)
    if m.role == UNIT_ADMIN and m.department_id is not None:
        own = and_(own, WorkItem.scope_department_id == m.department_id)
    if m.role in (SUPERVISOR_ADMIN, PROVINCE_ADMIN):  # overdue tasks of the level below (escalation timer)
        return [own, and_(WorkItem.escalated_org_id == m.org_id, own.is_not(true()))]
    return [own]


def claim_scope(m: Membership):
    """SQL condition: claims this role may see."""
    if m.role == LEARNER:
        return Claim.learner_id == m.user_id
    if m.role == UNIT_ADMIN:
        condition = Claim.unit_id == m.org_id
        if m.department_id is not None:
            condition = and_(condition, Claim.department_id == m.department_id)
        return condition
    if m.role == SUPERVISOR_ADMIN:  # drafts are invisible above the unit (seed 000)
        return and_(Claim.reviewer_org_id == m.org_id, Claim.submitted_at.is_not(None))
    if m.role == PROVINCE_ADMIN:
        return and_(Claim.province_id == m.org_id, Claim.submitted_at.is_not(None))
    if m.role == HR_ADMIN:  # 人社 reviews (审验) the claims of its province, or of the units in its care
        return and_(Claim.province_id == m.org.province.id, in_hr_care(m, Claim.unit_id),
                    Claim.submitted_at.is_not(None))
    return false()


def province_org_ids(province_id: int):
    """SELECT of the ids of the province and every organisation under it (a recursive walk down the tree): what a
    search offers a person of that province (a person of one province never sees the other's organisations)."""
    tree = select(Organisation.id).where(Organisation.id == province_id).cte('province_tree', recursive=True)
    tree = tree.union_all(select(Organisation.id).where(Organisation.parent_id == tree.c.id))
    return select(tree.c.id)


def may_see(m: Membership | None, subject, scope) -> bool:
    """Whether *subject* (a claim, a transfer …) is among the rows *scope*(m) lets this role see (one query)."""
    model = type(subject)
    return m is not None and db.session.query(
        db.session.query(model).filter(model.id == subject.id, scope(m)).exists()).scalar()


def can_see_claim(m: Membership, claim: Claim) -> bool:
    return may_see(m, claim, claim_scope)


# ---- the organisations below a role (下属机构) --------------------------------------------------------------------

def oversees(m: Membership | None) -> bool:
    """Whether this role looks after organisations below its own: a supervising department, the province, a
    unit's principal admin (a parent unit's sub-units), and 人社 (its province's organisations, read-only)."""
    return m is not None and (m.role in (SUPERVISOR_ADMIN, PROVINCE_ADMIN, HR_ADMIN)
                              or m.role == UNIT_ADMIN and m.department_id is None)


def oversight_root(m: Membership) -> Organisation:
    """The organisation whose sub-tree this role oversees: its own; for the top 人社部门, its province (a 人社部门
    below it oversees the units in its care instead: hr_care)."""
    return m.org.province if m.role == HR_ADMIN and hr_care(m) is None else m.org


# ---- 人社部门: the units in a 人社部门's care (同级人社部门, seed 004) ------------------------------------------------
# A unit names its 同级人社部门 at registration (organisation.hr_org_id); a sub-unit naming none inherits its parent
# unit's. The `hr` lane of a unit's claims waits at that 人社部门, else at the province's top 人社部门 (the first one
# registered directly under the province), else at the province. The top 人社部门 receives every step no other one
# does, so its staff see and act on the whole province; a 人社部门 below it (a city's 人社局 under the province's 人社厅)
# only on the units naming it or a 人社部门 below it, and their sub-units.

def _top_hr(province_id):
    return select(Organisation.id).where(Organisation.parent_id == province_id, Organisation.kind == HR_ORG) \
        .order_by(Organisation.id).limit(1)


def hr_org_id(province_id: int) -> int | None:
    """The province's top 人社部门 (the first registered under it): where an `hr` step of a diagram waits when the
    unit names none."""
    return db.session.scalar(_top_hr(province_id))


def named_hr(unit_id):
    """SELECT of the 同级人社部门 unit *unit_id* names, or inherits from the nearest parent unit naming one (walks up
    through parent units; no row when none names one)."""
    up = select(Organisation.parent_id, Organisation.hr_org_id).where(Organisation.id == unit_id) \
        .cte('hr_named_up', recursive=True)
    up = up.union_all(select(Organisation.parent_id, Organisation.hr_org_id).where(
        Organisation.id == up.c.parent_id, up.c.hr_org_id.is_(None), Organisation.kind == UNIT))
    return select(up.c.hr_org_id).where(up.c.hr_org_id.is_not(None)).limit(1)


def hr_lane_org_id(unit_id: int, province_id: int) -> int:
    """Where an `hr` step about unit *unit_id* waits: its 同级人社部门, else the province's top 人社部门, else the
    province (one statement)."""
    return db.session.scalar(select(func.coalesce(named_hr(unit_id).scalar_subquery(),
                                                  _top_hr(province_id).scalar_subquery(), province_id)))


def hr_care(m: Membership):
    """None for any role but a 人社部门 below the top one; for that, the CTE (column `id`) of the organisations in its
    care: the units naming it or a 人社部门 below it, and their sub-units naming no other (indexed: hr_org_id and
    parent_id)."""
    if m.role != HR_ADMIN:
        return None
    province = m.org.province
    if province is None or hr_org_id(province.id) == m.org_id:
        return None
    care = select(Organisation.id).where(Organisation.hr_org_id.in_(select(hr_offices(m.org_id).c.id))) \
        .cte('hr_care', recursive=True)
    return care.union_all(select(Organisation.id).where(Organisation.parent_id == care.c.id,
                                                        Organisation.hr_org_id.is_(None)))


# A city's care is read into its ids when it has at most this many (a city's 人社局: a few thousand units): a list
# the planner counts, where PostgreSQL guesses the recursive CTE at millions of rows (JIT compiling for 200-500 ms,
# and a plan reading every claim of the care to sort them: 1.5 s at 2,000 units and 340,000 claims). The ids are
# written into the statement (a bound parameter each: 25 ms more a statement at 2,000 ids, in SQLAlchemy and psycopg).
CARE_IDS_MAX = 10_000


def id_list(ids: list[int]):
    """What `column.in_(…)` takes for a list of ids, written into the statement as literals."""
    return bindparam('care_ids', ids, expanding=True, literal_execute=True, unique=True)


def hr_care_set(m: Membership):
    """None but for a 人社部门 below the top one; for that, what `column.in_(…)` takes for the organisations in its
    care (the rows of hr_care): the list of their ids (id_list), read a level of the tree at a time (a statement a
    level: the units naming it or a 人社部门 below it, then their sub-units naming none, …), or the SELECT of hr_care
    when there are more than CARE_IDS_MAX."""
    care = hr_care(m)
    if care is None:
        return None
    level = list(db.session.scalars(select(Organisation.id).where(
        Organisation.hr_org_id.in_(select(hr_offices(m.org_id).c.id)))))
    ids = list(level)
    while level and len(ids) <= CARE_IDS_MAX:
        level = list(db.session.scalars(select(Organisation.id).where(Organisation.parent_id.in_(id_list(level)),
                                                                      Organisation.hr_org_id.is_(None))))
        ids += level
    return id_list(ids) if len(ids) <= CARE_IDS_MAX else select(care.c.id)


def hr_care_heads(m: Membership):
    """None but for a 人社部门 below the top one; for that, the ids heading its care (a list, or a SELECT for a care
    of more than CARE_IDS_MAX): the organisations in it whose parent is not (and not in the office's own sub-tree).
    Their sub-tree totals, added up, are its units' figures (the dashboards' aggregates are kept per sub-tree)."""
    inside = hr_care_set(m)
    if inside is None:
        return None
    own = select(org_subtree(m.org_id).c.id)
    heads = select(Organisation.id).where(Organisation.id.in_(inside), Organisation.id.not_in(own),
                                          or_(Organisation.parent_id.is_(None), Organisation.parent_id.not_in(inside)))
    return id_list(list(db.session.scalars(heads))) if isinstance(inside, BindParameter) else heads


def hr_offices(hr_id: int):
    """CTE (column `id`): 人社部门 *hr_id* and the 人社部门 below it."""
    tree = select(Organisation.id).where(Organisation.id == hr_id).cte('hr_offices', recursive=True)
    return tree.union_all(select(Organisation.id).where(Organisation.parent_id == tree.c.id,
                                                        Organisation.kind == HR_ORG))


def in_hr_care(m: Membership, column):
    """SQL condition on *column* (an organisation id): within this role's 人社 care (always true but for a 人社部门
    below the top one)."""
    care = hr_care_set(m)
    return true() if care is None else column.in_(care)


def in_care_of(m: Membership, org_id: int) -> bool:
    """Whether organisation *org_id* is in the care of a 人社部门 below the top one: a 人社部门 below it, or a unit
    whose 同级人社部门 (named or inherited) is it or one below it (walks up: two statements)."""
    if in_subtree(m.org_id, org_id):
        return org_id != m.org_id
    hr = db.session.scalar(named_hr(org_id))
    return hr is not None and in_subtree(m.org_id, hr)


def org_subtree(root_id: int):
    """The ids of organisation *root_id* and of every organisation below it (a recursive CTE with column `id`)."""
    tree = select(Organisation.id).where(Organisation.id == root_id).cte('org_subtree', recursive=True)
    return tree.union_all(select(Organisation.id).where(Organisation.parent_id == tree.c.id))


def found_below(root_id: int, *conditions):
    """The ids of the organisations meeting *conditions* (on Organisation) that are below *root_id* at any depth:
    walked up from each of them to *root_id* (a recursive CTE of a few rows per match), rather than the whole
    sub-tree walked down (a province's 20,000 organisations) to be matched."""
    up = select(Organisation.id, Organisation.parent_id.label('up')).where(*conditions) \
        .cte('org_found_up', recursive=True)
    parent = aliased(Organisation)
    up = up.union_all(select(up.c.id, parent.parent_id).join(parent, parent.id == up.c.up).where(up.c.up != root_id))
    return select(up.c.id).where(up.c.up == root_id)


def in_subtree(root_id: int, org_id: int) -> bool:
    """Whether organisation *org_id* is *root_id* or below it (walks up from *org_id*: one statement)."""
    up = select(Organisation.id, Organisation.parent_id).where(Organisation.id == org_id) \
        .cte('org_ancestors', recursive=True)
    up = up.union_all(select(Organisation.id, Organisation.parent_id).where(Organisation.id == up.c.parent_id))
    return bool(db.session.scalar(select(func.count()).select_from(up).where(up.c.id == root_id)))


def below(m: Membership | None, org_id: int) -> bool:
    """Whether organisation *org_id* is one this role oversees: strictly below its root (oversight_root)."""
    if not oversees(m):
        return False
    if hr_care(m) is not None:
        return in_care_of(m, org_id)
    root = oversight_root(m)
    return org_id != root.id and in_subtree(root.id, org_id)


def _staff_of(m: Membership) -> list:
    """SQL conditions on Membership: the learners a unit admin looks after: her unit, or only her department
    (secondary admin)."""
    conditions = [Membership.role == LEARNER, Membership.org_id == m.org_id]
    if m.department_id is not None:
        conditions.append(Membership.department_id == m.department_id)
    return conditions


def staff_query(m: Membership):
    """Learner memberships a unit admin looks after (with their user, to filter and order by)."""
    return select(Membership).join(User, Membership.user_id == User.id).where(*_staff_of(m))


def staff_user_ids(m: Membership):
    """The ids of the people a unit admin looks after, for sums over all of them (no join)."""
    return select(Membership.user_id).where(*_staff_of(m))


def supplement_scope(m: Membership):
    """SQL condition: supplement requests this role may see (above the unit only once sent to it)."""
    if m.role == LEARNER:
        return Supplement.learner_id == m.user_id
    if m.role == UNIT_ADMIN:
        condition = Supplement.unit_id == m.org_id
        if m.department_id is not None:
            condition = and_(condition, Supplement.department_id == m.department_id)
        return condition
    if m.role == SUPERVISOR_ADMIN:  # only through escalation of an overdue unit task
        units = select(Organisation.id).where(Organisation.parent_id == m.org_id)
        return and_(Supplement.unit_id.in_(units), Supplement.requested_at.is_not(None))
    if m.role == PROVINCE_ADMIN:
        return and_(Supplement.province_id == m.org_id, Supplement.requested_at.is_not(None))
    if m.role == HR_ADMIN:
        return and_(Supplement.province_id == m.org.province.id, in_hr_care(m, Supplement.unit_id),
                    Supplement.requested_at.is_not(None))
    return false()


def can_see_supplement(m: Membership, supplement: Supplement) -> bool:
    return may_see(m, supplement, supplement_scope)


def actionable_item(m: Membership, item_id: int) -> WorkItem | None:
    """The inbox row if this role may act on it (one query: the row and the scope check together)."""
    if m is None:
        return None
    return db.session.scalar(select(WorkItem).where(WorkItem.id == item_id, work_item_scope(m)))


def open_task(m: Membership, work_item_id: int, subject_type: str, refused: type[Exception]) -> WorkItem:
    """The inbox row of a *subject_type* this role may act on now. Not hers or unknown: *refused* (the feature's
    refusal); already done: TaskAlreadyHandled (someone else was faster)."""
    item = actionable_item(m, work_item_id)
    if item is None or item.subject_type != subject_type:
        raise refused(_l('无权处理该事项，或该事项不存在'))
    if item.completed_at is not None:
        raise TaskAlreadyHandled(_l('该事项已被他人处理，请刷新后查看最新状态'))
    return item
