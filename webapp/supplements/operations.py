"""Supplement (增补, seed 000) use cases. Each flushes and never commits; the request boundary commits.

A request names a pathway of the supplemented year whose claims were finally approved. Its entries are claims with
`supplement_id` set: they have no process of their own and follow the request's (bpmn/supplement.bpmn).
"""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select

from models import Claim, Membership, Supplement, SupplementWindow, WorkItem, db, utcnow
from models.people import LEARNER

from .. import audit, notices, timers
from ..claims import operations as claims
from ..catalogue import catalogue_for, catalogue_of, pathway_name
from ..claims.operations import ClaimError, ClaimInput
from ..dates import today
from ..formatting import format_hours
from ..guards import refuse_while_transferring
from ..i18n import _l
from ..locks import lock_person
from ..numbers import NumberRefused, TooPrecise, parse_decimal
from ..permissions import actionable_item, hr_lane_org_id, open_task
from ..subjects import apply_step, open_work_item
from ..workflow import catalog, runtime, trial

SUBJECT = 'supplement'
PROCESS = 'supplement'
REQUEST_FORM, AGREE_FORM, FILL_FORM = 'supplement_request', 'supplement_unit_agree', 'supplement_fill'
REVISE_TASK = 'revise_entries'  # the filling task after 退回修改 (bpmn/supplement.bpmn)
REVIEW_FORMS = ('supplement_unit_review', 'supplement_final_review')
# What an entry shows while its request is at a given status (seed 000: a saved entry is 个人保存).
ENTRY_LABELS = {'同意': '个人保存'}  # i18n: data (status labels)


@dataclass(frozen=True)
class Window:
    opens_on: date
    closes_on: date
    year: int            # the year whose claims may be supplemented
    configured: bool     # False: the default of seed 000 (1-20 January, previous year)

    def is_open(self, day: date | None = None) -> bool:
        return self.opens_on <= (day or today()) <= self.closes_on

    def describe(self):
        return _l('%(opens)s 至 %(closes)s，增补 %(year)s 年度', opens=self.opens_on, closes=self.closes_on,
                  year=self.year)


def window_for(province_id: int) -> Window:
    """The window the province set, while it is this year's (or a later one's); otherwise seed 000's default."""
    this_year = today().year
    row = db.session.scalar(select(SupplementWindow).where(SupplementWindow.province_id == province_id))
    if row is not None and row.opens_on.year >= this_year:
        return Window(row.opens_on, row.closes_on, row.year, True)
    return Window(date(this_year, 1, 1), date(this_year, 1, 20), this_year - 1, False)


def _require_open_window(province_id: int) -> Window:
    window = window_for(province_id)
    if not window.is_open():
        raise ClaimError(_('当前不在增补开放日期内（%(window)s），不能办理增补', window=window.describe()))
    return window


def scope_resolver(s: Supplement):
    def resolve(lane: str, scope_key: str = '') -> runtime.Scope:
        if lane == 'learner':
            return runtime.Scope(user_id=s.learner_id)
        if lane == 'unit_admin':
            return runtime.Scope(org_id=s.unit_id, department_id=s.department_id)
        if lane == 'supervisor' and s.unit.supervisor is not None:
            return runtime.Scope(org_id=s.unit.supervisor.id)
        if lane == 'hr':  # as a claim's: the unit's 同级人社部门, else the province's top one, else the province
            return runtime.Scope(org_id=hr_lane_org_id(s.unit_id, s.province_id))
        return runtime.Scope(org_id=s.province_id)
    return resolve


def live_entries(s: Supplement) -> list[Claim]:
    return [e for e in s.entries if e.deleted_at is None]


def _apply(s: Supplement, step: runtime.StepResult) -> None:
    """Keep the request and its entries in step with the process."""
    apply_step(s, step)
    for entry in live_entries(s):
        entry.status_label = ENTRY_LABELS.get(step.status_label, step.status_label)
        entry.outcome = step.outcome if step.outcome in (catalog.APPROVED, catalog.REJECTED) else (
            catalog.PENDING if s.submitted_at and step.outcome == catalog.PENDING else catalog.DRAFT)


def open_item(s: Supplement, form_key: str | None = None) -> WorkItem | None:
    return open_work_item(SUBJECT, s.id, form_key)


def may_decide(m: Membership | None, item: WorkItem | None) -> bool:
    """Whether this role acts on the open task *item* now (the detail page then shows its form)."""
    return item is not None and actionable_item(m, item.id) is not None


def _hers(m: Membership | None, s: Supplement) -> bool:
    return m is not None and m.role == LEARNER and s.learner_id == m.user_id


def may_request(m: Membership | None, s: Supplement, item: WorkItem | None) -> bool:
    """She may still cancel her request or send it to the unit."""
    return _hers(m, s) and item is not None and item.form_key == REQUEST_FORM


def may_add_entries(m: Membership | None, s: Supplement, item: WorkItem | None) -> bool:
    """She may add entries and send them (新增 / 个人上报) now."""
    return _hers(m, s) and item is not None and item.form_key == FILL_FORM and may_fill(s, item)


def eligible_pathways(m: Membership) -> dict[str, str]:
    """Pathways of the window's year with a finally approved claim and no live supplement request yet."""
    window = window_for(m.org.province.id)
    approved = set(db.session.scalars(select(Claim.pathway).where(
        Claim.learner_id == m.user_id, Claim.year == window.year, Claim.outcome == catalog.APPROVED,
        Claim.deleted_at.is_(None), Claim.supplement_id.is_(None))))
    taken = set(db.session.scalars(select(Supplement.pathway).where(
        Supplement.learner_id == m.user_id, Supplement.year == window.year, Supplement.outcome != catalog.DELETED)))
    pathways = catalogue_for(m.org.province.id).pathways
    return {code: p.label for code, p in pathways.items() if code in approved - taken}


def _own(m: Membership, s: Supplement) -> None:
    if not _hers(m, s):
        raise ClaimError(_l('只能办理本人的增补申请'))


def _require(s: Supplement, form_key: str) -> WorkItem:
    item = open_item(s, form_key)
    if item is None:
        raise ClaimError(_('该增补申请当前状态为“%(status)s”，不能执行此操作', status=s.status_label))
    return item


def request_supplement(m: Membership, pathway: str) -> Supplement:
    """增补申请 + 确定: the request exists (已申请) and can still be cancelled or sent to the unit."""
    if m.role != LEARNER:
        raise ClaimError(_l('只有专技人员可以申请增补'))
    province = m.org.province
    window = _require_open_window(province.id)
    # One request per category: a second tab (or a double click) waits here, then finds the category taken.
    lock_person(m.user_id)
    refuse_while_transferring(m.user_id, _l('申请增补'), ClaimError)
    if pathway not in eligible_pathways(m):
        raise ClaimError(_('%(year)s 年度没有可增补的“%(pathway)s”类别：只能增补已终审通过的类别，且每个类别只能申请一次',
                           year=window.year, pathway=_(claims.pathway_label(catalogue_for(province.id), pathway))),
                         'pathway')
    s = Supplement(learner_id=m.user_id, unit_id=m.org_id, department_id=m.department_id, province_id=province.id,
                   year=window.year, pathway=pathway, status_label='', outcome=catalog.DRAFT)
    db.session.add(s)
    db.session.flush()
    data = {'supplement_id': s.id, **timers.timer_data(window.closes_on)}
    instance, step = runtime.start(PROCESS, SUBJECT, s.id, data, scope_resolver(s), s.province_id)
    s.instance_id = instance.id
    _apply(s, step)
    audit.log(SUBJECT, s.id, '增补申请', m, f'{s.year} 年度“{claims.pathway_label(catalogue_for(province.id), pathway)}”')
    return s


def cancel_request(m: Membership, s: Supplement) -> None:
    """撤销增补: only before the request was sent to the unit."""
    _own(m, s)
    item = _require(s, REQUEST_FORM)
    _apply(s, runtime.complete(item.id, m.user_id, {'action': 'cancel'}, scope_resolver(s)))
    audit.log(SUBJECT, s.id, '撤销增补', m)


def send_request(m: Membership, s: Supplement) -> None:
    """提交申请: the unit receives it (个人申请中)."""
    _own(m, s)
    item = _require(s, REQUEST_FORM)
    _require_open_window(s.province_id)
    refuse_while_transferring(s.learner_id, _l('提交增补申请'), ClaimError)
    _apply(s, runtime.complete(item.id, m.user_id, {'action': 'submit'}, scope_resolver(s)))
    s.requested_at = utcnow()
    audit.log(SUBJECT, s.id, '提交申请', m, '已提交至本单位')


def _actionable(m: Membership, work_item_id: int, forms) -> tuple[WorkItem, Supplement]:
    item = open_task(m, work_item_id, SUBJECT, ClaimError)
    if item.form_key not in forms:
        raise ClaimError(_l('该事项不是此类审核任务，请刷新后查看最新状态'))
    return item, db.session.get(Supplement, item.subject_id)


def decide_request(m: Membership, work_item_id: int, decision: str, reason: str | None) -> Supplement:
    """同意增补 / 拒绝增补 (with a reason the learner sees)."""
    item, s = _actionable(m, work_item_id, (AGREE_FORM,))
    reason = (reason or '').strip()
    if decision not in ('agree', 'refuse'):
        raise ClaimError(_l('请选择“同意增补”或“拒绝增补”'), 'decision')
    if decision == 'refuse' and not reason:
        raise ClaimError(_l('拒绝增补时必须填写原因'), 'comment')
    window = window_for(s.province_id)
    if decision == 'agree' and not window.is_open():
        raise ClaimError(_('增补开放日期已截止（%(window)s），同意后申请人也无法填报：'
                           '请拒绝并说明原因，或请省级学时办调整增补开放日期', window=window.describe()), 'decision')
    _apply(s, runtime.complete(item.id, m.user_id, {'decision': decision, 'comment': reason}, scope_resolver(s)))
    s.unit_decision, s.reason = decision, reason or None
    audit.log(SUBJECT, s.id, '同意增补' if decision == 'agree' else '拒绝增补', m, reason or None)
    what = f'{s.year} 年度“{pathway_name(s.province_id, s.pathway)}”增补申请'  # i18n: data — stored (notices)
    if decision == 'agree':
        _tell_learner(s, '增补申请已同意', f'单位已同意您的{what}，请在增补开放日期内新增学时并个人上报')  # i18n: data
    else:
        _tell_learner(s, '增补申请被拒绝', f'单位拒绝了您的{what}。原因：{reason}')  # i18n: data — stored (notices)
    return s


def _tell_learner(s: Supplement, subject: str, text: str) -> None:
    notices.notify([s.learner_id], text, url=notices.page('supplements.detail', supplement_id=s.id), subject=subject)


def may_fill(s: Supplement, item: WorkItem) -> bool:
    """The first filing happens inside the window; entries sent back by a reviewer (退回修改) are corrected and
    resent whenever the review comes, which is usually after the window."""
    return item.task_name == REVISE_TASK or window_for(s.province_id).is_open()


def _fill_item(s: Supplement) -> WorkItem:
    item = _require(s, FILL_FORM)
    if not may_fill(s, item):
        _require_open_window(s.province_id)  # refuses, naming the window
    return item


def add_entry(m: Membership, s: Supplement, inp: ClaimInput) -> Claim:
    """新增: an entry of the request's pathway and year, saved as 个人保存 (same form and rules as a claim)."""
    _own(m, s)
    _fill_item(s)
    catalogue = catalogue_for(s.province_id)
    inp = claims.check_input(inp, s.province_id, s, catalogue=catalogue)
    entry = Claim(learner_id=s.learner_id, unit_id=s.unit_id, department_id=s.department_id,
                  province_id=s.province_id, reviewer_org_id=s.province_id, created_by_id=m.user_id,
                  supplement=s, status_label=ENTRY_LABELS.get(s.status_label, s.status_label),
                  outcome=catalog.DRAFT, catalogue_version_id=catalogue.id,
                  category=catalogue.pathway(inp.pathway).category)
    for name, value in inp.__dict__.items():
        setattr(entry, name, value)
    entry.level = inp.level or None
    db.session.add(entry)
    db.session.flush()
    audit.log(claims.SUBJECT, entry.id, '新增增补学时', m, f'{entry.title}，申请学时 {format_hours(entry.applied_hours)}')
    audit.log(SUBJECT, s.id, '新增增补学时', m, entry.title)
    return entry


def submit_entries(m: Membership, s: Supplement) -> None:
    """个人上报: every entry goes to the unit together; the credit table's hours are kept beside each entry."""
    _own(m, s)
    item = _fill_item(s)
    refuse_while_transferring(s.learner_id, _l('上报增补学时'), ClaimError)
    entries = live_entries(s)
    if not entries:
        raise ClaimError(_l('请先“新增”至少一条增补学时，再个人上报'))
    for entry in entries:
        pathway = catalogue_of(entry).pathway(entry.pathway)
        estimate = claims.estimate_hours(pathway, entry.level, entry.quantity, entry.rank,
                                         entry.start_date, entry.end_date, province_id=s.province_id)
        entry.table_hours = estimate['hours']
        entry.submitted_at = utcnow()
    s.submitted_at = utcnow()
    _apply(s, runtime.complete(item.id, m.user_id, {'action': 'submit'}, scope_resolver(s)))
    total = sum((e.applied_hours for e in entries), Decimal(0))
    audit.log(SUBJECT, s.id, '个人上报', m, f'{len(entries)} 条，申请学时 {format_hours(total)}')


def annual_cap(s: Supplement) -> Decimal | None:
    pathway = catalogue_for(s.province_id).pathway(s.pathway)
    return pathway.cap if pathway is not None else None


def remaining_allowance(s: Supplement) -> Decimal | None:
    """What the pathway's annual cap leaves for the supplemented year; None when it has no cap."""
    cap = annual_cap(s)
    if cap is None:
        return None
    return max(Decimal(0), cap - claims.approved_hours(s.learner_id, s.pathway, s.year))


DECISION_LABELS = {'approve': '通过', 'reject': '不通过', 'return': '退回修改'}  # i18n: data (flow log)


def _too_many_hours(entry: Claim, final: bool, before: Decimal):
    if final:
        return _('“%(title)s”的登记学时应大于 0 且不超过 %(hours)s', title=entry.title, hours=format_hours(before))
    return _('“%(title)s”的审核学时应大于 0 且不超过 %(hours)s', title=entry.title, hours=format_hours(before))


def _not_hours(entry: Claim, final: bool, problem: NumberRefused):
    if isinstance(problem, TooPrecise):
        if final:
            return _('“%(title)s”的登记学时最多保留 %(places)s 位小数', title=entry.title, places=problem.scale)
        return _('“%(title)s”的审核学时最多保留 %(places)s 位小数', title=entry.title, places=problem.scale)
    return None


def _reviewed_hours(s: Supplement, final: bool, given: dict | None) -> dict[int, Decimal]:
    """Each entry's hours as the reviewer approves them (审核学时 by the unit, 登记学时 by the 学时办): what she typed,
    or else what the step before gave; never more than that, never 0 or less, never below 0.1."""
    hours = {}
    for entry in live_entries(s):
        before = (entry.reviewed_hours or entry.applied_hours) if final else entry.applied_hours
        raw = str((given or {}).get(entry.id) or '').strip()
        try:
            value = parse_decimal(raw) if raw else before
        except NumberRefused as exc:
            raise ClaimError(_not_hours(entry, final, exc) or _too_many_hours(entry, final, before), 'hours') from None
        if value <= 0 or value > before:
            raise ClaimError(_too_many_hours(entry, final, before), 'hours')
        hours[entry.id] = value
    return hours


def review(m: Membership, work_item_id: int, decision: str, comment: str | None,
           hours: dict | None = None) -> Supplement:
    """企业审核 (unit) then 学时办审核 (province), each approving every entry's hours (*hours*: entry id → hours as
    typed; blank keeps the previous step's). Filing (省级备案) grants the entries' hours to the supplemented year,
    within that year's per-pathway cap: what exceeds it is not counted, and the log says so."""
    item, s = _actionable(m, work_item_id, REVIEW_FORMS)
    comment = (comment or '').strip()
    if decision not in DECISION_LABELS:
        raise ClaimError(_l('请选择审核结果'), 'decision')
    if decision in ('reject', 'return') and not comment:
        raise ClaimError(_l('不通过或退回修改时必须填写审核意见'), 'comment')
    final = item.grants_hours  # the step that grants 登记学时 (its task's grantsHours), whatever its form
    remark = DECISION_LABELS[decision]
    if decision == 'approve':
        approved = _reviewed_hours(s, final, hours)
    if decision == 'approve' and final:
        left = remaining_allowance(s)
        granted = Decimal(0)
        for entry in live_entries(s):
            granted_here = min(approved[entry.id], left) if left is not None else approved[entry.id]  # None: no cap
            entry.registered_hours, granted = granted_here, granted + granted_here
            left = left - granted_here if left is not None else None
        remark += f'，备案学时 {format_hours(granted)}'  # i18n: data (flow log)
        asked = sum(approved.values(), Decimal(0))
        if asked > granted:  # i18n: data (flow log)
            remark += f'（超出 {s.year} 年该类别 {format_hours(annual_cap(s))} 学时上限的 {format_hours(asked - granted)} 学时不计）'
    elif decision == 'approve':
        for entry in live_entries(s):
            entry.reviewed_hours = approved[entry.id]
        remark += f'，审核学时 {format_hours(sum(approved.values(), Decimal(0)))}'  # i18n: data (flow log)
    _apply(s, runtime.complete(item.id, m.user_id, {'decision': decision, 'comment': comment}, scope_resolver(s)))
    stage = '企业审核' if item.form_key == 'supplement_unit_review' else '学时办审核'  # i18n: data (flow log)
    audit.log(SUBJECT, s.id, stage, m, remark + (f'。意见：{comment}' if comment else ''))
    for entry in live_entries(s):
        audit.log(claims.SUBJECT, entry.id, stage, m, DECISION_LABELS[decision])
    what = f'{s.year} 年度“{pathway_name(s.province_id, s.pathway)}”增补学时'  # i18n: data — stored (notices)
    if decision == 'reject':
        _tell_learner(s, '增补学时未通过', f'您的{what}未通过{stage}。原因：{comment}')  # i18n: data — stored
    elif decision == 'return':
        _tell_learner(s, '增补学时被退回修改', f'您的{what}被退回修改，请修改后重新上报。意见：{comment}')  # i18n: data
    elif s.outcome == catalog.APPROVED:
        _tell_learner(s, '增补学时已备案', f'您的{what}已通过{stage}并备案：{remark}')  # i18n: data — stored
    return s


def fire_timers(instance) -> None:
    """`flask worker`: window closing, reminders, escalation."""
    s = db.session.scalar(select(Supplement).where(Supplement.instance_id == instance.id))
    before = s.status_label
    _apply(s, runtime.fire_timers(instance.id, scope_resolver(s)))
    if s.status_label != before:
        audit.log(SUBJECT, s.id, '状态变更', None, f'{before} → {s.status_label}（增补开放日期已截止）')


def window_changed(province_id: int) -> int:
    """The province moved its supplement window: requests and entries not yet sent follow the new closing date."""
    window = window_for(province_id)
    waiting = db.session.scalars(select(Supplement).join(WorkItem, (WorkItem.subject_type == SUBJECT)
                                                         & (WorkItem.subject_id == Supplement.id)).where(
        Supplement.province_id == province_id, Supplement.year == window.year, WorkItem.completed_at.is_(None),
        WorkItem.task_name.in_(('apply_request', 'fill_entries')))).all()
    closes_at = timers.timer_data(window.closes_on)['window_closes_at']
    for s in waiting:
        _apply(s, runtime.set_timer_data(s.instance_id, {'window_closes_at': closes_at}, scope_resolver(s)))
    return len(waiting)


timers.register(SUBJECT, fire_timers, Supplement.province_id)
# The data this code gives the supplement process: each published version is tried on it (trial.py).
trial.declare_process(PROCESS, lambda: {
    'supplement_id': (1,), **trial.one_each(timers.timer_data(today())), 'action': ('submit', 'cancel'),
    **trial.reviewed('agree', 'refuse', *DECISION_LABELS)})
