"""人员管理 lists: the staff a unit admin looks after (searchable, exported as it is searched) and how many people each
department has; the 修改单位信息 requests a role sees."""
from sqlalchemy import func, or_, select
from sqlalchemy.orm import contains_eager, selectinload

from models import Membership, UnitInfoChange, User, db
from models.people import name_contains

from ..permissions import staff_query
from . import info_change


def staff(m: Membership, q: str = ''):
    """The unit's staff (a secondary admin: her department's), by name; *q*: part of a name or a whole ID number."""
    query = staff_query(m)
    if q:
        query = query.where(or_(name_contains(q), User.id_number == q.upper()))
    # Paged by ids: the page's memberships found from the indexes alone (a unit's range of staff, each name from
    # ix_user_account_id_name), then only their rows read, not a big unit's 30,000 people's rows sorted.
    return query.order_by(User.name, User.id).options(contains_eager(Membership.user)) \
        .execution_options(page_by_ids=True)  # the rows show her


def staff_member(m: Membership, membership_id: int) -> Membership | None:
    """One of the staff *m* looks after, or None."""
    return db.session.scalar(staff_query(m).where(Membership.id == membership_id))


def department_counts(m: Membership) -> dict[int, int]:
    """department id -> how many memberships of the unit are in it."""
    return dict(db.session.execute(select(Membership.department_id, func.count(Membership.id)).where(
        Membership.org_id == m.org_id, Membership.department_id.is_not(None)).group_by(Membership.department_id)).all())


def info_changes(m: Membership):
    """The 修改单位信息 requests *m* sees (info_change.change_scope), newest first (ix_unit_info_change_superior serves a
    superior's list); each row's unit and superior loaded for the whole page at once."""
    return (select(UnitInfoChange).where(info_change.change_scope(m)).order_by(UnitInfoChange.id.desc())
            .options(selectinload(UnitInfoChange.unit), selectinload(UnitInfoChange.superior)))
