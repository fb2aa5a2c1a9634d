"""The lists the certificate pages show: the unit admin's staff with their progress (filter and export), the years to
choose from, and a learner's certificates and hour-record prints."""
from collections.abc import Iterator

from sqlalchemy import select

from models import Certificate, HourRecordPrint, Membership, User, db

from ..claims import operations as claims_ops
from ..dates import today
from ..i18n import _l
from ..permissions import staff_query
from .operations import Progress, progress

StaffRows = list[tuple[Membership, Progress]]
STAFF_COLUMNS = (_l('姓名'), _l('身份证号'), _l('部门'), _l('总学时'), _l('专业科目'), _l('公需科目'), _l('是否达标'))


def years(learner_id: int | None = None) -> list[int]:
    """The last five years, and every year the learner has hours in; newest first."""
    current = today().year
    found = set(range(current - 4, current + 1))
    if learner_id is not None:
        found |= {t['year'] for t in claims_ops.yearly_totals(learner_id)}
    return sorted(found, reverse=True)


def staff_progress(m: Membership, year: int, only_unmet: bool = False) -> tuple[StaffRows, int, int]:
    """Every staff member with her progress; returns (rows, number met, number not met)."""
    rows = [(lm, progress(lm.user_id, year)) for lm in db.session.scalars(staff_query(m).order_by(User.name, User.id))]
    met = sum(p.met for _, p in rows)
    unmet = len(rows) - met
    if only_unmet:
        rows = [(lm, p) for lm, p in rows if not p.met]
    return rows, met, unmet


def staff_export(rows: StaffRows, year: int) -> tuple[str, list[str], Iterator[list]]:
    """The staff list as a spreadsheet (file name, column headers, rows), in the reader's language."""
    met, unmet = str(_l('达标')), str(_l('未达标'))
    return (str(_l('%(year)s年度人员学时达标情况', year=year)), [str(column) for column in STAFF_COLUMNS], (
        [lm.user.name, lm.user.id_number, lm.department.name if lm.department else '',
         p.part('total').done, p.part('professional').done, p.part('public').done, met if p.met else unmet]
        for lm, p in rows))


def certificates_of(learner_id: int) -> list[Certificate]:
    return list(db.session.scalars(select(Certificate).where(Certificate.learner_id == learner_id)
                                   .order_by(Certificate.year.desc(), Certificate.id.desc())))


def prints_of(learner_id: int, year: int | None = None) -> list[HourRecordPrint]:
    query = select(HourRecordPrint).where(HourRecordPrint.learner_id == learner_id)
    if year is not None:
        query = query.where(HourRecordPrint.year == year)
    return list(db.session.scalars(query.order_by(HourRecordPrint.id.desc())))
