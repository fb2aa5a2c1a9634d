"""Refusals that one feature's state imposes on other features' use cases, checked before a learner's data changes:

- while a transfer of hers is open, nothing new of hers may start (claims, supplement requests, title changes,
  enrolments): seed 004 moves her only with nothing pending;
- once she has confirmed a year's profile (信息核实, seed 003), the data printed on that year's 学时记录表 stays as
  confirmed.

They query models only and raise the caller's own refusal class (*error*), so each feature refuses in its own terms.
The fragments callers pass (*what*, *who*) go into the guard's sentence as they are: pass them lazily translated
(`_l('新增学时登记')`), so that they read in the same language as the sentence.
"""
from sqlalchemy import select

from models import ProfileConfirmation, Transfer, db

from .dates import today
from .i18n import _l
from .locks import lock_people, lock_person
from .refusals import Refused
from .workflow import catalog


def pending_transfer(learner_id: int) -> Transfer | None:
    return db.session.scalar(select(Transfer).where(Transfer.learner_id == learner_id,
                                                    Transfer.outcome == catalog.PENDING).order_by(Transfer.id))


def refuse_while_transferring(learner_id: int, what: str, error: type[Refused], who: str = _l('您')) -> None:
    """Seed 004: a transfer needs nothing pending, so nothing new may start while one is open (claims, supplement
    requests, title changes, enrolments); otherwise the new unit would take her with items waiting at the old one."""
    # The same row lock as a transfer request: a claim sent while she asks to transfer waits for one or the other.
    lock_person(learner_id)
    t = pending_transfer(learner_id)
    if t is not None:
        raise error(_l('%(who)s有单位调转申请正在办理中（调往“%(unit)s”，%(status)s），办结或撤回后才能%(what)s',
                       who=who, unit=t.to_unit.name, status=_l(t.status_label) if t.status_label else '', what=what))


def learners_transferring(learner_ids) -> set[int]:
    """Which of the learners have a transfer open: the check of refuse_while_transferring for a batch (one lock
    statement and one query for all of them)."""
    ids = sorted(set(learner_ids))
    lock_people(ids)
    return set(db.session.scalars(select(Transfer.learner_id).where(
        Transfer.learner_id.in_(ids), Transfer.outcome == catalog.PENDING))) if ids else set()


def confirmation(learner_id: int, year: int) -> ProfileConfirmation | None:
    return db.session.scalar(select(ProfileConfirmation).where(ProfileConfirmation.learner_id == learner_id,
                                                               ProfileConfirmation.year == year))


def profile_locked(learner_id: int, year: int) -> bool:
    """After confirmation (and so before any print) a year's profile data may no longer change."""
    return confirmation(learner_id, year) is not None


def locked_year(learner_id: int) -> int | None:
    """The current year when the learner has confirmed its record: until the year ends, the data printed on the
    学时记录表 (phone, 职称, enrolment) may not change, so every print of the year matches the current profile.
    A confirmed past year locks nothing: its prints show the snapshot, and the profile is today's data."""
    year = today().year
    return year if profile_locked(learner_id, year) else None


def refuse_if_locked(learner_id: int, what: str, error: type[Refused], year: int | None = None,
                     field: str | None = None) -> None:
    """Refuse a learner's change of printed data (*what*, shown next to *field*) while her record is locked (for
    *year* if given)."""
    locked = locked_year(learner_id) if year is None else (year if profile_locked(learner_id, year) else None)
    if locked is not None:
        raise error(_l('您已核实 %(year)s 年度的个人资料，学时记录表按核实时的资料打印，%(year)s 年度内不能再修改'
                       '%(what)s；如确需修改，请联系省学时办', year=locked, what=what), field)
