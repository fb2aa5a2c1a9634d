"""报名 (seed 003 §2.2): a learner enrols for the year's training. A first enrolment, or one from another unit than
last time, goes to her unit's review; the same unit as last time passes at once. Flush, never commit."""
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from models import Enrolment, Membership, WorkItem, db
from models.people import LEARNER, UNIT_ADMIN
from models.profile import EDUCATION, IDENTITIES, POLITICAL, SPECIALTIES, TITLES

from ..i18n import _l
from ..refusals import Refused
from .. import audit, notices, timers
from ..claims import operations as claims
from ..dates import today
from ..guards import refuse_if_locked, refuse_while_transferring
from ..permissions import actionable_item, open_task
from ..subjects import apply_step, open_work_item
from ..workflow import catalog, runtime, trial

SUBJECT = PROCESS = 'enrolment'
REVIEW_FORM, EDIT_FORM = 'enrolment_review', 'enrolment_edit'
NO_TITLE = '无'  # i18n: data (the value of TITLES stored for "no title")


class EnrolmentError(Refused):
    """Refused; nothing changed. A fixed message is lazy (_l); one with values in it is made with gettext when raised:
    a plain string, escaped where it is shown."""


@dataclass(frozen=True)
class EnrolmentInput:
    identity: str
    political_status: str
    education: str
    title: str
    title_date: date | None
    specialty: str


def enrolment_year(m: Membership) -> int:
    window = claims.window_for(m.org.province.id)
    return window.year if window else today().year


def current(m: Membership) -> Enrolment | None:
    return db.session.scalar(select(Enrolment).where(Enrolment.learner_id == m.user_id,
                                                     Enrolment.year == enrolment_year(m)))


def last_enrolled(learner_id: int, before: int) -> Enrolment | None:
    return db.session.scalar(select(Enrolment).where(
        Enrolment.learner_id == learner_id, Enrolment.year < before, Enrolment.outcome == catalog.APPROVED)
        .order_by(Enrolment.year.desc()).limit(1))


def scope_resolver(e: Enrolment) -> runtime.ScopeResolver:
    return runtime.learner_and_unit(e.learner_id, e.unit_id, e.department_id)


def _check(inp: EnrolmentInput) -> None:
    for value, allowed, field, missing in ((inp.identity, IDENTITIES, 'identity', _l('请选择人员身份')),
                                           (inp.political_status, POLITICAL, 'political_status', _l('请选择政治面貌')),
                                           (inp.education, EDUCATION, 'education', _l('请选择最高学历')),
                                           (inp.title, TITLES, 'title', _l('请选择专业技术职务任职资格')),
                                           (inp.specialty, SPECIALTIES, 'specialty', _l('请选择现从事专业'))):
        if value not in allowed:
            raise EnrolmentError(missing, field)
    if inp.title != NO_TITLE and inp.title_date is None:
        raise EnrolmentError(_l('请填写取得专业技术职务任职资格的时间'), 'title_date')
    if inp.title_date and inp.title_date > today():
        raise EnrolmentError(_l('取得时间不能晚于今天'), 'title_date')


def _fill(e: Enrolment, inp: EnrolmentInput) -> None:
    for name, value in inp.__dict__.items():
        setattr(e, name, value)
    if e.title == NO_TITLE:
        e.title_date = None


def enrol(m: Membership, inp: EnrolmentInput) -> Enrolment:
    """确认报名."""
    if m.role != LEARNER:
        raise EnrolmentError(_l('只有专技人员可以报名'))
    year = enrolment_year(m)
    if current(m) is not None:
        raise EnrolmentError(_('您已提交 %(year)s 年度报名，请查看审核状态', year=year))
    _check(inp)
    refuse_while_transferring(m.user_id, _l('报名'), EnrolmentError)
    previous = last_enrolled(m.user_id, year)
    e = Enrolment(learner_id=m.user_id, year=year, unit_id=m.org_id, department_id=m.department_id,
                  status_label='', outcome=catalog.PENDING)
    _fill(e, inp)
    db.session.add(e)
    db.session.flush()
    review_needed = previous is None or previous.unit_id != m.org_id
    data = {'enrolment_id': e.id, 'review_needed': review_needed, **timers.timer_data()}
    instance, step = runtime.start(PROCESS, SUBJECT, e.id, data, scope_resolver(e), m.org.province.id)
    e.instance_id = instance.id
    apply_step(e, step, stamp_decided=True)
    why = '首次报名' if previous is None else ('单位变更' if review_needed else f'与 {previous.year} 年度同一单位，免审核')  # i18n: data
    audit.log(SUBJECT, e.id, '确认报名', m, f'{year} 年度，{m.org.name}（{why}）')
    return e


def resubmit(m: Membership, e: Enrolment, inp: EnrolmentInput) -> None:
    """审核不通过 → 修改报名资料 → 确认报名 again."""
    if m.role != LEARNER or e.learner_id != m.user_id:
        raise EnrolmentError(_l('只能修改本人的报名资料'))
    item = open_edit(e)
    if item is None:
        raise EnrolmentError(_('报名当前状态为“%(status)s”，不能修改', status=e.status_label))
    # The enrolment data of a year whose 学时记录表 was confirmed is printed as confirmed.
    refuse_if_locked(e.learner_id, _l('报名资料'), EnrolmentError, year=e.year)
    _check(inp)
    refuse_while_transferring(m.user_id, _l('重新报名'), EnrolmentError)
    _fill(e, inp)
    # A refused enrolment does not block a transfer: resubmitted after one, the new unit reviews it.
    e.unit_id, e.department_id = m.org_id, m.department_id
    apply_step(e, runtime.complete(item.id, m.user_id, {'action': 'submit'}, scope_resolver(e)), stamp_decided=True)
    audit.log(SUBJECT, e.id, '修改后重新报名', m)


def review(m: Membership, work_item_id: int, decision: str, reason: str | None) -> Enrolment:
    item = open_task(m, work_item_id, SUBJECT, EnrolmentError)
    if decision not in ('approve', 'reject'):
        raise EnrolmentError(_l('请选择审核结果'), 'decision')
    reason = (reason or '').strip()
    if decision == 'reject' and not reason:
        raise EnrolmentError(_l('审核不通过时必须填写原因'), 'reason')
    e = db.session.get(Enrolment, item.subject_id)
    apply_step(e, runtime.complete(item.id, m.user_id, {'decision': decision, 'comment': reason}, scope_resolver(e)),
               stamp_decided=True)
    e.reason = reason if decision == 'reject' else None
    audit.log(SUBJECT, e.id, '审核通过' if decision == 'approve' else '审核不通过', m, reason or None)
    if decision == 'approve':
        subject, text = '报名已通过', f'您 {e.year} 年度的学员报名已通过单位审核'  # i18n: data — stored (notices)
    else:
        subject, text = '报名未通过', f'您 {e.year} 年度的学员报名未通过审核，请修改报名资料。原因：{reason}'  # i18n: data
    notices.notify([e.learner_id], text, url=notices.page('enrolment.mine'), subject=subject)
    return e


def open_review(e: Enrolment) -> WorkItem | None:
    return open_work_item(SUBJECT, e.id, REVIEW_FORM)


def open_edit(e: Enrolment) -> WorkItem | None:
    """The task of changing a refused enrolment (审核不通过 → 修改报名资料)."""
    return open_work_item(SUBJECT, e.id, EDIT_FORM)


def may_edit(e: Enrolment | None) -> bool:
    """The form is open: no enrolment for the year yet, or a refused one waiting for her changes."""
    return e is None or open_edit(e) is not None


def passed(e: Enrolment) -> bool:
    """Enrolled: the unit approved, or the same unit as last time let it pass at once."""
    return e.outcome == catalog.APPROVED


def can_see(m: Membership | None, e: Enrolment | None) -> bool:
    """Her own enrolment, and those of her unit's (her department's) learners for its admins."""
    if m is None or e is None:
        return False
    return e.learner_id == m.user_id or (m.role == UNIT_ADMIN and e.unit_id == m.org_id and (
        m.department_id is None or m.department_id == e.department_id))


def may_decide(m: Membership | None, item: WorkItem | None) -> bool:
    """Whether this role decides the open review *item* now."""
    return item is not None and actionable_item(m, item.id) is not None


# The data this code gives the enrolment process: each published version is tried on it (trial.py).
trial.declare_process(PROCESS, lambda: {'enrolment_id': (1,), 'review_needed': (True, False),
                                        **trial.one_each(timers.timer_data()), 'action': ('submit',),
                                        **trial.reviewed('approve', 'reject')})
