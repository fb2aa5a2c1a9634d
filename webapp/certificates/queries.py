"""The lists the certificate pages show: the unit admin's staff with their progress (filter, pages and export), the
years to choose from, and a learner's certificates and hour-record prints."""
from collections.abc import Iterator
from decimal import Decimal

from sqlalchemy import and_, case, func, not_, select
from sqlalchemy.orm import contains_eager

from models import Certificate, HourRecordPrint, LearnerHours, Membership, User, db

from ..claims import operations as claims_ops
from ..dates import today
from ..i18n import _l
from ..pagination import RowPage
from ..permissions import staff_query, staff_user_ids
from .operations import PARTS, Part, Progress, Requirement, requirement

StaffRow = tuple[Membership, Progress]
STAFF_COLUMNS = (_l('姓名'), _l('身份证号'), _l('部门'), _l('总学时'), _l('专业科目'), _l('公需科目'), _l('是否达标'))
EXPORT_BATCH = 1000


def years(learner_id: int | None = None, totals: list[dict] | None = None) -> list[int]:
    """The last five years, and every year the learner has hours in (her yearly_totals, when read already); newest
    first."""
    current = today().year
    found = set(range(current - 4, current + 1))
    if learner_id is not None:
        found |= {t['year'] for t in (claims_ops.yearly_totals(learner_id) if totals is None else totals)}
    return sorted(found, reverse=True)


def _staff_requirement(m: Membership) -> tuple[str, Requirement]:
    """The jurisdiction and requirement of *m*'s staff: that of her unit's province (a person has one learner role
    (registration refuses a second, a transfer moves it), so her staff's learner role is in this unit, which is
    where `operations.jurisdiction` looks)."""
    province = m.org.province
    where = province.name if province is not None else ''
    return where, requirement(province)


def _hours(year: int, req: Requirement):
    """Per person: her 专业科目 and 公需科目 hours of *year* from the hours counter (`webapp/hours.py`: approved,
    undeleted claims; the platforms' records count as 公需), and whether she met *req*. Returns a function joining
    them to a statement's person ids, and the three SQL expressions."""
    professional = func.coalesce(LearnerHours.professional, 0)
    public = func.coalesce(LearnerHours.public, 0)
    # Compared at the hours' own precision (one decimal), as the page shows them: SQLite sums in floating point.
    met = and_(*(func.round(done, 1) >= float(getattr(req, key)) for key, done in (
        ('professional', professional), ('public', public), ('total', professional + public))))

    def joined(query, person_id):
        return query.outerjoin(LearnerHours, and_(LearnerHours.learner_id == person_id, LearnerHours.year == year))
    return joined, professional, public, met


def _staff_hours(m: Membership, year: int, req: Requirement, user_ids: list[int] | None = None):
    """*m*'s staff (learner memberships with their user; only *user_ids*, if given), each with her hours of *year*
    and whether she met *req* (`_hours`), in one statement. Returns the statement and its met condition."""
    joined, professional, public, met = _hours(year, req)
    query = joined(staff_query(m), Membership.user_id) \
        .add_columns(professional.label('professional'), public.label('public'), met.label('met'))
    if user_ids is not None:
        query = query.where(Membership.user_id.in_(user_ids))
    return query, met


def _staff_counts(m: Membership, year: int, req: Requirement) -> tuple[int, int]:
    """How many people *m* looks after, and how many of them met *req* in *year*: one grouped statement over their
    ids alone."""
    staff = staff_user_ids(m).subquery()
    joined, _professional, _public, met = _hours(year, req)
    return tuple(db.session.execute(joined(select(func.count(), func.coalesce(func.sum(case((met, 1), else_=0)), 0))
                                           .select_from(staff), staff.c.user_id)).one())


def _in_order(query):
    """Staff rows as the page lists them: by name."""
    return query.order_by(User.name, User.id).options(contains_eager(Membership.user))


def _row_maker(m: Membership, year: int):
    """The requirement of *m*'s staff, and a function making a result row of `_staff_hours` a (membership, progress)
    row."""
    where, req = _staff_requirement(m)

    def row(lm: Membership, professional, public, _met) -> StaffRow:
        done = {'professional': Decimal(professional or 0), 'public': Decimal(public or 0)}
        done['total'] = done['professional'] + done['public']
        return lm, Progress(lm.user_id, year, where, tuple(Part(key, label, getattr(req, key), done[key])
                                                           for key, label in PARTS))
    return req, row


def staff_progress(m: Membership, year: int, only_unmet: bool, page: int, per_page: int) -> tuple[RowPage, int, int]:
    """One page of *m*'s staff with their progress (only those who have not met the requirement, if asked), and how
    many of all her staff met it and did not. Listing everyone, the page's people come first and only their hours
    are summed; the counts (and the unmet filter) sum everyone's hours in one grouped statement."""
    req, row = _row_maker(m, year)
    everyone, met = _staff_hours(m, year, req)
    total, met_count = _staff_counts(m, year, req)
    page = max(page or 1, 1)
    offset = (page - 1) * per_page
    if only_unmet:
        listed = everyone.where(not_(met))
    else:
        user_ids = db.session.scalars(staff_query(m).with_only_columns(Membership.user_id)
                                      .order_by(User.name, User.id).limit(per_page).offset(offset)).all()
        listed, offset = _staff_hours(m, year, req, user_ids)[0], 0
    items = [row(*r) for r in db.session.execute(_in_order(listed).limit(per_page).offset(offset))]
    return RowPage(items, page, per_page, total - met_count if only_unmet else total), met_count, total - met_count


def staff_export(m: Membership, year: int, only_unmet: bool) -> tuple[str, list[str], Iterator[list]]:
    """*m*'s staff (filtered as the page is) as a spreadsheet: file name, column headers and rows, in the reader's
    language; the rows are read from the database a batch at a time."""
    req, row = _row_maker(m, year)
    everyone, met = _staff_hours(m, year, req)
    listed = _in_order(everyone.where(not_(met)) if only_unmet else everyone)
    met_text, unmet_text = str(_l('达标')), str(_l('未达标'))

    def lines():
        for r in db.session.execute(listed.execution_options(yield_per=EXPORT_BATCH)):
            lm, p = row(*r)
            yield [lm.user.name, lm.user.id_number, lm.department.name if lm.department else '',
                   p.part('total').done, p.part('professional').done, p.part('public').done,
                   met_text if p.met else unmet_text]
    return str(_l('%(year)s年度人员学时达标情况', year=year)), [str(column) for column in STAFF_COLUMNS], lines()


def certificates_of(learner_id: int) -> list[Certificate]:
    return list(db.session.scalars(select(Certificate).where(Certificate.learner_id == learner_id)
                                   .order_by(Certificate.year.desc(), Certificate.id.desc())))


def prints_of(learner_id: int, year: int | None = None) -> list[HourRecordPrint]:
    query = select(HourRecordPrint).where(HourRecordPrint.learner_id == learner_id)
    if year is not None:
        query = query.where(HourRecordPrint.year == year)
    return list(db.session.scalars(query.order_by(HourRecordPrint.id.desc())))
