"""Transfer (单位调转 / 人员调出, seed 004) use cases. Each flushes and never commits; the request boundary commits.

A learner asks to move to another unit (the old unit approves the transfer out, then the new unit the transfer in),
or her unit sends her (人员调出: the new unit accepts). Only with nothing of hers pending. On approval her learner
membership moves to the new unit; her claims keep the unit they were made in and her hours stay hers. While a
transfer is open nothing new of hers may start: the other features ask webapp/guards.py.
"""
from flask_babel import gettext as _
from sqlalchemy import and_, false, or_, select

from models import Claim, Enrolment, Membership, Organisation, Supplement, TitleChange, Transfer, WorkItem, db
from models.org import UNIT
from models.people import LEARNER, UNIT_ADMIN

from .. import audit, notices
from ..catalogue import pathway_name
from ..i18n import _l
from ..locks import lock_person
from ..pagination import RowPage
from ..permissions import actionable_item, may_see, open_task, staff_query
from ..refusals import Refused
from ..registration import operations as registration
from ..subjects import apply_step, open_work_item
from ..workflow import catalog, runtime, trial

SUBJECT = PROCESS = 'transfer'
OUT_FORM, IN_FORM, ACCEPT_FORM = 'transfer_out_review', 'transfer_in_review', 'transfer_accept'
REVIEW_FORMS = (OUT_FORM, IN_FORM, ACCEPT_FORM)
BY_LEARNER, BY_UNIT = 'learner', 'unit'
ACTIONS = {  # i18n: data -- form key -> (approve, reject) as the flow log names them
    OUT_FORM: ('原单位同意转出', '原单位不同意转出'),
    IN_FORM: ('新单位同意转入', '新单位不同意转入'),
    ACCEPT_FORM: ('新单位接收', '新单位拒绝接收'),
}


class TransferError(Refused):
    """Refused; nothing changed (a message, optionally next to a form field). A fixed message is lazy (_l); one that
    names a unit, a person or a status is made with gettext when raised: a plain string, escaped where it is shown."""


def valid_id(value) -> int | None:
    """A row id from a form, or None when it cannot be one (a huge number would fail in the database)."""
    return value if isinstance(value, int) and 0 < value < 2 ** 31 else None


def search_orgs(q: str, within: int, page: int = 1, kinds=(UNIT,), exclude=()) -> RowPage:
    """The registration unit search (name, credit code or locality; 10 a page) within the province *within*, nothing
    until something is typed."""
    page = min(max(page or 1, 1), 10000)
    if not (q or '').strip():
        return RowPage([], 1, registration.PAGE_SIZE, 0)
    rows, total = registration.search_orgs(q, page, kinds=kinds, exclude=exclude, within=within)
    return RowPage(rows, page, registration.PAGE_SIZE, total)


def pending_items(learner_id: int, but: int | None = None) -> list[str]:
    """What of hers is still under review: claims, supplement requests, other transfers than *but*, title changes,
    enrolments (seed 004: 无待审核信息). A refused enrolment (审核不通过) waits for her, not a reviewer: not counted.
    Plain strings in the reader's language: the page lists them, a refusal joins them."""
    items = [_('学时登记“%(title)s”（%(status)s）', title=c.title, status=c.status_label) for c in db.session.scalars(
        select(Claim).where(Claim.learner_id == learner_id, Claim.deleted_at.is_(None), Claim.supplement_id.is_(None),
                            Claim.outcome.in_((catalog.PENDING, catalog.RETURNED))).order_by(Claim.id))]
    for s in db.session.scalars(select(Supplement).where(Supplement.learner_id == learner_id,
                                                         Supplement.outcome == catalog.PENDING)):
        items.append(_('%(year)s 年度“%(pathway)s”增补申请（%(status)s）', year=s.year,
                       pathway=_(pathway_name(s.province_id, s.pathway)), status=s.status_label))
    for t in db.session.scalars(select(Transfer).where(Transfer.learner_id == learner_id, Transfer.id != (but or 0),
                                                       Transfer.outcome == catalog.PENDING)):
        items.append(_('调往“%(unit)s”的单位调转（%(status)s）', unit=t.to_unit.name, status=t.status_label))
    for change in db.session.scalars(select(TitleChange).where(TitleChange.learner_id == learner_id,
                                                               TitleChange.outcome == catalog.PENDING)):
        items.append(_('职称变更为“%(title)s”（%(status)s）', title=_(change.new_title), status=change.status_label))
    for e in db.session.scalars(select(Enrolment).where(Enrolment.learner_id == learner_id,
                                                        Enrolment.outcome == catalog.PENDING)):
        items.append(_('%(year)s 年度报名（%(status)s）', year=e.year, status=e.status_label))
    return items


def listing(items: list[str]) -> str:
    """Pending items as one part of a sentence."""
    return _('；').join(items)


def learner_membership(user_id: int, unit_id: int) -> Membership | None:
    return db.session.scalar(select(Membership).where(Membership.user_id == user_id, Membership.role == LEARNER,
                                                      Membership.org_id == unit_id))


def scope_resolver(t: Transfer):
    def resolve(lane: str, scope_key: str = '') -> runtime.Scope:
        if lane == LEARNER:
            return runtime.Scope(user_id=t.learner_id)
        # Transfers are decided by the principal admin of each unit (no department scope).
        return runtime.Scope(org_id=t.to_unit_id if scope_key == 'new_unit' else t.from_unit_id)
    return resolve


def transfer_scope(m: Membership):
    """SQL condition: transfers this role may see (hers; her unit's out and in; a secondary admin her department's
    transfers out)."""
    if m.role == LEARNER:
        return Transfer.learner_id == m.user_id
    if m.role == UNIT_ADMIN:
        if m.department_id is not None:
            return and_(Transfer.from_unit_id == m.org_id, Transfer.from_department_id == m.department_id)
        return or_(Transfer.from_unit_id == m.org_id, Transfer.to_unit_id == m.org_id)
    return false()


def can_see(m: Membership | None, t: Transfer) -> bool:
    return may_see(m, t, transfer_scope)


def open_item(t: Transfer) -> WorkItem | None:
    return open_work_item(SUBJECT, t.id)


def may_decide(m: Membership | None, item: WorkItem | None) -> bool:
    """Whether this role decides the open task *item* now (the detail page then shows the decision form)."""
    return item is not None and actionable_item(m, item.id) is not None


def _move(t: Transfer, m: Membership) -> None:
    member = learner_membership(t.learner_id, t.from_unit_id)
    if member is None:
        raise TransferError(_l('该人员已不在原单位，不能完成调转'))
    if learner_membership(t.learner_id, t.to_unit_id) is not None:
        raise TransferError(_l('该人员在新单位已有专技人员身份，不能重复调入'))
    member.org, member.department = t.to_unit, None
    audit.log(SUBJECT, t.id, '调转完成', m, f'{t.from_unit.name} → {t.to_unit.name}；学时记录随本人保留')
    db.session.flush()


def _apply(t: Transfer, step: runtime.StepResult, m: Membership) -> None:
    apply_step(t, step, stamp_decided=True)
    if step.outcome == catalog.APPROVED:
        _move(t, m)


def _check_target(learner_id: int, from_unit_id: int, to_unit_id) -> Organisation:
    to_unit = db.session.get(Organisation, to_unit_id) if valid_id(to_unit_id) else None
    from_province = db.session.get(Organisation, from_unit_id).province
    if to_unit is None or to_unit.kind != UNIT or to_unit.province != from_province:  # no unit of another province
        raise TransferError(_l('请从搜索结果中选择新单位'), 'to_unit_id')
    if to_unit.id == from_unit_id:
        raise TransferError(_l('新单位不能是当前所在单位'), 'to_unit_id')
    if learner_membership(learner_id, to_unit.id) is not None:
        raise TransferError(_('已是“%(unit)s”的专技人员，无需调转', unit=to_unit.name), 'to_unit_id')
    # Two tabs (or the learner and her unit) asking at once: the second waits here, then finds the first one pending.
    lock_person(learner_id)
    pending = pending_items(learner_id)
    if pending:
        raise TransferError(_('有待审核的信息，不能办理单位调转，请先处理完毕（或撤回）：%(items)s',
                              items=listing(pending)))
    return to_unit


def _reason(reason: str | None) -> str:
    reason = (reason or '').strip()
    if not reason:
        raise TransferError(_l('请填写调转原因'), 'reason')
    if len(reason) > 500:
        raise TransferError(_l('调转原因不能超过 500 个字'), 'reason')
    return reason


def _start(member: Membership, to_unit: Organisation, reason: str, by: str, m: Membership) -> Transfer:
    t = Transfer(learner_id=member.user_id, from_unit_id=member.org_id, from_department_id=member.department_id,
                 to_unit_id=to_unit.id, initiated_by=by, initiator_id=m.user_id, reason=reason, status_label='',
                 outcome=catalog.PENDING)
    db.session.add(t)
    db.session.flush()
    instance, step = runtime.start(PROCESS, SUBJECT, t.id, {'transfer_id': t.id, 'initiated_by': by},
                                   scope_resolver(t), member.org.province.id)
    t.instance_id = instance.id
    _apply(t, step, m)
    return t


def request_transfer(m: Membership, to_unit_id, reason: str | None) -> Transfer:
    """转出申请 (调转方式一): the learner asks; the old unit reviews first."""
    if m.role != LEARNER:
        raise TransferError(_l('只有专技人员本人可以申请单位调转'))
    reason = _reason(reason)
    to_unit = _check_target(m.user_id, m.org_id, to_unit_id)
    t = _start(m, to_unit, reason, BY_LEARNER, m)
    audit.log(SUBJECT, t.id, '提交转出申请', m, f'{t.from_unit.name} → {to_unit.name}。原因：{reason}')
    db.session.flush()
    return t


def send_out(m: Membership, member_id, to_unit_id, reason: str | None) -> Transfer:
    """人员调出 (调转方式二): the unit sends a member of its staff; the new unit accepts or refuses."""
    if m.role != UNIT_ADMIN:
        raise TransferError(_l('只有单位管理员可以办理人员调出'))
    member = db.session.scalar(staff_query(m).where(Membership.id == member_id)) if valid_id(member_id) else None
    if member is None:
        raise TransferError(_l('请选择本单位（本部门）的专技人员'), 'member_id')
    reason = _reason(reason)
    to_unit = _check_target(member.user_id, member.org_id, to_unit_id)
    t = _start(member, to_unit, reason, BY_UNIT, m)
    audit.log(SUBJECT, t.id, '人员调出', m, f'{member.user.name}：{t.from_unit.name} → {to_unit.name}。原因：{reason}')
    db.session.flush()
    return t


def _actionable(m: Membership, work_item_id: int) -> tuple[WorkItem, Transfer]:
    item = open_task(m, work_item_id, SUBJECT, TransferError)
    if item.form_key not in REVIEW_FORMS:
        raise TransferError(_l('该事项不是调转审核任务，请刷新后查看最新状态'))
    return item, db.session.get(Transfer, item.subject_id)


def checked_decision(decision: str, reason: str | None) -> str:
    """同意 or 不同意 (with a reason of at most 500 characters) on a transfer or a superior change: the reason."""
    reason = (reason or '').strip()
    if decision not in ('approve', 'reject'):
        raise TransferError(_l('请选择审核结果'), 'decision')
    if decision == 'reject' and not reason:
        raise TransferError(_l('不同意时必须填写原因'), 'comment')
    if len(reason) > 500:
        raise TransferError(_l('原因不能超过 500 个字'), 'comment')
    return reason


def decide(m: Membership, work_item_id: int, decision: str, reason: str | None) -> Transfer:
    """The old unit (转出) or the new unit (转入 / 接收) approves, or refuses with a reason the learner sees."""
    item, t = _actionable(m, work_item_id)
    reason = checked_decision(decision, reason)
    if decision == 'approve' and item.form_key in (IN_FORM, ACCEPT_FORM):
        # Re-checked here: something filed before the guards existed, or by another path, must not move with her.
        pending = pending_items(t.learner_id, but=t.id)
        if pending:
            raise TransferError(_('%(name)s尚有待审核的信息，暂不能同意调入，请等待处理完毕或不同意：%(items)s',
                                  name=t.learner.name, items=listing(pending)))
    action = ACTIONS[item.form_key][0 if decision == 'approve' else 1]
    audit.log(SUBJECT, t.id, action, m, reason or None)
    if decision == 'reject':
        t.refusal_reason = reason
    _apply(t, runtime.complete(item.id, m.user_id, {'decision': decision, 'comment': reason}, scope_resolver(t)), m)
    what = f'从{t.from_unit.name}调转至{t.to_unit.name}'  # i18n: data — stored (notices)
    if decision == 'reject':
        _tell_learner(t, '调转未获同意', f'您{what}的申请未获同意（{action}）。原因：{reason}')  # i18n: data
    elif t.outcome == catalog.APPROVED:
        _tell_learner(t, '调转已完成', f'您已{what}，学时记录随本人保留')  # i18n: data — stored (notices)
    return t


def _tell_learner(t: Transfer, subject: str, text: str) -> None:
    notices.notify([t.learner_id], text, url=notices.page('transfers.detail', transfer_id=t.id), subject=subject)


def may_withdraw(m: Membership | None, t: Transfer) -> bool:
    """The initiator withdraws: the learner her own request, the old unit a member it sent out."""
    if m is None or t.outcome != catalog.PENDING:
        return False
    if t.initiated_by == BY_LEARNER:
        return m.role == LEARNER and m.user_id == t.learner_id
    return m.role == UNIT_ADMIN and m.org_id == t.from_unit_id and m.department_id in (None, t.from_department_id)


def _not_withdrawable(t: Transfer):
    return _('该调转当前状态为“%(status)s”，不能撤回', status=t.status_label)


def withdraw(m: Membership, t: Transfer) -> None:
    """撤回 while a review waits (message withdraw_transfer on every review task)."""
    if not may_withdraw(m, t):
        if t.outcome != catalog.PENDING:
            raise TransferError(_not_withdrawable(t))
        if t.initiated_by == BY_UNIT:
            raise TransferError(_l('只有发起人可以撤回该调转（由原单位发起的人员调出只能由原单位撤回）'))
        raise TransferError(_l('只有发起人可以撤回该调转'))
    step = runtime.send_message(t.instance_id, 'withdraw_transfer', scope_resolver(t), refused=_not_withdrawable(t))
    _apply(t, step, m)
    audit.log(SUBJECT, t.id, '撤回', m)
    db.session.flush()


# The data this code gives the transfer process: each published version is tried on it (trial.py).
trial.declare_process(PROCESS, lambda: {'transfer_id': (1,), 'initiated_by': (BY_LEARNER, BY_UNIT),
                                        **trial.reviewed('approve', 'reject')})
