"""下属机构管理: the organisations below a supervising department, the province or a parent unit, level by level or
searched through the whole sub-tree, each with its figures: staff, admins, items waiting and the oldest one's age,
this year's completion (from the hours counter, webapp/hours.py). The figures are read for one page of
organisations at a time (a statement per figure, grouped by organisation), so a province of 20,000 units pages as
fast as a department of ten."""
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, case, func, or_, select

from models import LearnerHours, Membership, Organisation, User, WorkItem, db, utcnow
from models.org import HR
from models.people import ADMIN_ROLES, LEARNER, UNIT_ADMIN

from ..certificates.operations import Requirement, requirement
from ..dates import today
from ..i18n import _l
from ..permissions import found_below, hr_offices
from ..workflow.catalog import ROLES

EXPORT_BATCH = 500
UNIT_COLUMNS = (_l('单位名称'), _l('类型'), _l('上级'), _l('统一社会信用代码'), _l('所在地'), _l('人数'),
                _l('管理员'), _l('待办事项'), _l('最早待办（天）'), _l('总学时达标'), _l('专业科目达标'),
                _l('公需科目达标'), _l('全部达标'), _l('达标率'))


@dataclass(frozen=True)
class UnitView:
    """A unit seen from above: what certificates.queries needs of a unit admin's membership to list the unit's
    staff and their progress (the principal's view: every department), without being anyone's role."""
    org: Organisation
    department_id: None = None
    department: None = None
    role: str = UNIT_ADMIN

    @property
    def org_id(self) -> int:
        return self.org.id


@dataclass
class Figures:
    """One organisation's figures on the list (zeros until counted)."""
    staff: int = 0
    total_met: int = 0
    professional_met: int = 0
    public_met: int = 0
    all_met: int = 0
    pending: int = 0
    oldest: datetime | None = None
    children: int = 0
    admins: list = field(default_factory=list)   # (name, is principal, login allowed)

    @property
    def rate(self) -> float | None:
        """Share of the staff who met the whole requirement, in percent (one decimal); None without staff."""
        return round(100 * self.all_met / self.staff, 1) if self.staff else None

    @property
    def waiting_days(self) -> int | None:
        return (utcnow() - self.oldest).days if self.oldest is not None else None


def requirement_of(root: Organisation) -> Requirement:
    """The annual requirement of the province above *root* (CertificateError while the table is not published)."""
    return requirement(root.province)


def units(parent_id: int, q: str = '', care=None):
    """The organisations directly below *parent_id*, or, searched by part of the name, every one below it at any
    depth: supervising departments first, then by name. With *care* (permissions.hr_care_set: a 人社部门 below the top
    one), only those in its care: at its own level (*parent_id* is the 人社部门) the units naming it or a 人社部门
    below it, and the 人社部门 below it; below a unit, its sub-units naming no other."""
    query = select(Organisation)
    if care is not None and q:
        query = query.where(Organisation.id.in_(care), Organisation.name.contains(q))
    elif care is not None:
        offices = select(hr_offices(parent_id).c.id)
        query = query.where(or_(Organisation.parent_id == parent_id, Organisation.hr_org_id.in_(offices))) \
            if db.session.get(Organisation, parent_id).kind == HR else \
            query.where(Organisation.parent_id == parent_id, Organisation.hr_org_id.is_(None))
    elif q:
        query = query.where(Organisation.id.in_(found_below(parent_id, Organisation.name.contains(q))))
    else:
        query = query.where(Organisation.parent_id == parent_id)
    return query.order_by(Organisation.kind, Organisation.name, Organisation.id)


def breadcrumbs(root: Organisation, org: Organisation, care: bool = False) -> list[Organisation]:
    """The organisations from *root* down to *org* (both included); *org* must be *root* or below it. With *care* (a
    人社部门 below the top one): from the 人社部门 to the unit naming one, then down to *org* (nothing above it)."""
    path = [org]
    while path[-1].id != root.id and path[-1].parent is not None and not (care and path[-1].hr_org_id is not None):
        path.append(path[-1].parent)
    if path[-1].id != root.id:
        path.append(root)
    return list(reversed(path))


def met_conditions(req: Requirement):
    """SQL conditions on the hours counter (joined): whether each part of *req* is met."""
    professional = func.coalesce(LearnerHours.professional, 0)
    public = func.coalesce(LearnerHours.public, 0)
    return {key: func.round(done, 1) >= float(getattr(req, key)) for key, done in (
        ('professional', professional), ('public', public), ('total', professional + public))}


def _staff_figures(found: dict, org_ids: list[int], year: int, req: Requirement | None) -> None:
    """Each organisation's staff, and how many of them met each part of *req* in *year* (one grouped statement)."""
    if req is not None:
        met = met_conditions(req)
        counted = [func.coalesce(func.sum(case((condition, 1), else_=0)), 0) for condition in (
            met['total'], met['professional'], met['public'], and_(*met.values()))]
    else:
        counted = []
    staff = select(Membership.org_id, func.count(), *counted) \
        .outerjoin(LearnerHours, and_(LearnerHours.learner_id == Membership.user_id, LearnerHours.year == year)) \
        .where(Membership.role == LEARNER, Membership.org_id.in_(org_ids)).group_by(Membership.org_id)
    for org_id, count, *mets in db.session.execute(staff):
        f = found[org_id]
        f.staff = count
        if mets:
            f.total_met, f.professional_met, f.public_met, f.all_met = (int(x) for x in mets)


def figures(org_ids: list[int], year: int, req: Requirement | None, staff: bool = True) -> dict[int, Figures]:
    """Each organisation's figures (five grouped statements for the lot; four without the *staff* and their
    completion); without *req*, no completion."""
    found = defaultdict(Figures)
    if not org_ids:
        return found
    if staff:
        _staff_figures(found, org_ids, year, req)
    waiting = select(WorkItem.scope_org_id, func.count(), func.min(WorkItem.created_at)) \
        .where(WorkItem.lane.in_(list(ROLES)), WorkItem.scope_org_id.in_(org_ids), WorkItem.completed_at.is_(None)) \
        .group_by(WorkItem.scope_org_id)
    for org_id, count, oldest in db.session.execute(waiting):
        found[org_id].pending, found[org_id].oldest = count, oldest
    for parent_id, count in db.session.execute(select(Organisation.parent_id, func.count()).where(
            Organisation.parent_id.in_(org_ids)).group_by(Organisation.parent_id)):
        found[parent_id].children = count
    admins = select(Membership.org_id, User.name, Membership.department_id, Membership.login_allowed) \
        .join(User, User.id == Membership.user_id) \
        .where(Membership.role.in_(ADMIN_ROLES), Membership.org_id.in_(org_ids)).order_by(Membership.id)
    for org_id, name, department_id, allowed in db.session.execute(admins):
        found[org_id].admins.append((name, department_id is None, allowed))
    return found


def pending_by_step(org_id: int) -> list[tuple[str, str, int, datetime]]:
    """What waits at the organisation: per process and step, how many and since when (oldest first)."""
    return [tuple(r) for r in db.session.execute(
        select(WorkItem.subject_type, WorkItem.status_label, func.count(), func.min(WorkItem.created_at))
        .where(WorkItem.lane.in_(list(ROLES)), WorkItem.scope_org_id == org_id, WorkItem.completed_at.is_(None))
        .group_by(WorkItem.subject_type, WorkItem.status_label).order_by(func.min(WorkItem.created_at)))]


def units_export(parent_id: int, q: str, year: int, req: Requirement | None,
                 care=None) -> tuple[str, list[str], Iterator[list]]:
    """The list as it is searched (all its pages) as a spreadsheet, its figures read a batch of rows at a time."""
    query = units(parent_id, q, care)
    kinds = {'province': _l('省级'), 'supervisor': _l('主管部门'), 'unit': _l('用人单位'), 'hr': _l('人社部门')}

    def lines():
        offset = 0
        while True:
            batch = db.session.scalars(query.limit(EXPORT_BATCH).offset(offset)).all()
            if not batch:
                return
            found = figures([o.id for o in batch], year, req)
            parents = {o.id: o.name for o in db.session.scalars(select(Organisation).where(
                Organisation.id.in_({o.parent_id for o in batch if o.parent_id})))}
            for o in batch:
                f = found[o.id]
                yield [o.name, str(kinds.get(o.kind, o.kind)), parents.get(o.parent_id, ''), o.credit_code or '',
                       o.locality or '', f.staff, str(_l('、')).join(name for name, _p, _a in f.admins), f.pending,
                       f.waiting_days if f.waiting_days is not None else '', f.total_met, f.professional_met,
                       f.public_met, f.all_met, f'{f.rate}%' if f.rate is not None else '']
            offset += EXPORT_BATCH
    return (str(_l('%(year)s年度下属机构情况', year=year)), [str(c) for c in UNIT_COLUMNS], lines())


def current_year() -> int:
    return today().year
