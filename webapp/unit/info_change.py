"""修改单位信息 (seed 004), the part the superior approves: a unit's principal admin asks to change the unit's name,
统一社会信用代码 or licence scan (营业执照或统一社会信用代码证书扫描件); its superior — a parent unit's principal
admin, the supervising department, or the province for a unit directly under it — approves or refuses
(bpmn/unit_info_change.bpmn); the requester may withdraw while it waits. On approval the organisation takes the new
values. One pending request per unit. The contact data changes at once (operations.update_info)."""
from flask_babel import gettext as _
from sqlalchemy import or_, select

from models import Membership, Organisation, Registration, UnitInfoChange, WorkItem, db
from models.org import ORG_KINDS
from models.people import PROVINCE_ADMIN, SUPERVISOR_ADMIN, UNIT_ADMIN

from .. import audit, evidence, notices
from ..i18n import _l
from ..locks import lock_organisation
from ..permissions import actionable_item, below, may_see, open_task
from ..registration.operations import RegistrationError, normalise_credit_code
from ..subjects import apply_step, open_work_item
from ..transfers.operations import checked_decision
from ..workflow import catalog, runtime, trial
from .operations import UnitError, is_principal  # the principal admin asks for a change

SUBJECT = PROCESS = 'unit_info_change'
REVIEW_FORM = 'unit_info_review'
WITHDRAW_MESSAGE = 'withdraw_unit_info'
NAME_LENGTH = 200
REASON_LENGTH = 500


def may_list(m: Membership | None) -> bool:
    """The list is for the unit's principal admin and the superiors' admins, not a department's admin."""
    return m is not None and (is_principal(m) or m.role in (SUPERVISOR_ADMIN, PROVINCE_ADMIN))


def change_scope(m: Membership):
    """SQL condition: the unit's own principal admin sees its requests; a superior (a parent unit's principal admin,
    a supervising department, the province) those it reviews."""
    if not may_list(m):
        return UnitInfoChange.id.is_(None)
    mine = UnitInfoChange.superior_id == m.org_id
    return or_(UnitInfoChange.unit_id == m.org_id, mine) if m.role == UNIT_ADMIN else mine


def can_see(m: Membership | None, c: UnitInfoChange) -> bool:
    return may_see(m, c, change_scope)


def may_see_licence(m: Membership | None, org: Organisation) -> bool:
    """The organisation's licence scan: its own unit admins, and every role above it (下属机构管理's scope)."""
    if m is None:
        return False
    return (m.role == UNIT_ADMIN and m.org_id == org.id) or below(m, org.id)


def open_item(c: UnitInfoChange) -> WorkItem | None:
    return open_work_item(SUBJECT, c.id)


def pending_of(unit_id: int) -> UnitInfoChange | None:
    return db.session.scalar(select(UnitInfoChange).where(UnitInfoChange.unit_id == unit_id,
                                                          UnitInfoChange.outcome == catalog.PENDING))


def latest_of(unit_id: int) -> UnitInfoChange | None:
    """The unit's newest request (pending or decided): the 单位信息 page shows where it stands."""
    return db.session.scalar(select(UnitInfoChange).where(UnitInfoChange.unit_id == unit_id)
                             .order_by(UnitInfoChange.id.desc()).limit(1))


def may_decide(m: Membership | None, item: WorkItem | None) -> bool:
    return item is not None and actionable_item(m, item.id) is not None


def may_withdraw(m: Membership | None, c: UnitInfoChange) -> bool:
    """The requester withdraws her request while the superior has not decided."""
    return (c.outcome == catalog.PENDING and is_principal(m) and m.org_id == c.unit_id
            and m.user_id == c.requested_by_id)


def scope_resolver(c: UnitInfoChange):
    def resolve(lane: str, scope_key: str = '') -> runtime.Scope:
        return runtime.Scope(org_id=c.superior_id)
    return resolve


def _clean_name(name: str) -> str:
    name = ' '.join((name or '').split())
    if not name:
        raise UnitError(_l('请填写单位名称'), 'name')
    if len(name) > NAME_LENGTH:
        raise UnitError(_l('单位名称不能超过 %(n)s 个字', n=NAME_LENGTH), 'name')
    return name


def _code_taken(code: str, unit_id: int) -> bool:
    """Another organisation has the code, or a registration or another unit's request pending review asks for it."""
    return bool(db.session.scalar(select(Organisation.id).where(Organisation.credit_code == code,
                                                                Organisation.id != unit_id).limit(1))
                or db.session.scalar(select(Registration.id).where(Registration.credit_code == code,
                                                                   Registration.outcome == catalog.PENDING).limit(1))
                or db.session.scalar(select(UnitInfoChange.id).where(
                    UnitInfoChange.new_credit_code == code, UnitInfoChange.unit_id != unit_id,
                    UnitInfoChange.outcome == catalog.PENDING).limit(1)))


def _name_taken(name: str, unit_id: int) -> bool:
    return bool(db.session.scalar(select(Organisation.id).where(Organisation.name == name,
                                                                Organisation.id != unit_id).limit(1)))


def _clean_code(raw: str, unit: Organisation) -> str:
    code = (raw or '').strip().upper()
    if not code:
        raise UnitError(_l('请填写统一社会信用代码'), 'credit_code')
    if code == unit.credit_code:
        return code  # unchanged: a temporary code the platform issued stays as it is
    try:
        code = normalise_credit_code(code)  # the registration's check (python-stdnum's cn.uscc)
    except RegistrationError as exc:
        raise UnitError(exc.message, 'credit_code') from None
    if _code_taken(code, unit.id):
        raise UnitError(_l('统一社会信用代码 %(code)s 已被其他单位使用或正在审核中', code=code), 'credit_code')
    return code


def _licence(data: bytes | None) -> tuple[str, str] | None:
    if not data:
        return None
    try:
        stored, content_type = evidence.inspect_upload(data)
    except evidence.EvidenceRejected as exc:
        raise UnitError(str(exc), 'licence') from None
    return evidence.store(stored), content_type


def _described(c: UnitInfoChange) -> str:
    """What the request changes, as the flow log records it (Chinese)."""
    parts = []
    if c.new_name != c.old_name:
        parts.append(f'单位名称：{c.old_name} → {c.new_name}')  # i18n: data (flow log)
    if c.new_credit_code != c.old_credit_code:
        parts.append(f'统一社会信用代码：{c.old_credit_code or "无"} → {c.new_credit_code}')  # i18n: data (flow log)
    if c.new_licence_sha256:
        parts.append('更换营业执照扫描件')  # i18n: data (flow log)
    return '；'.join(parts)  # i18n: data (flow log)


def request_change(m: Membership, name: str, credit_code: str, licence: bytes | None,
                   reason: str | None) -> UnitInfoChange:
    """The principal admin asks for a new name, 统一社会信用代码 and/or licence scan (a new scan is required when the
    name or the code changes, and may be the only change); the unit's superior reviews it."""
    if not is_principal(m):
        raise UnitError(_l('只有本单位的主管理员（未分配部门的管理员）可以申请修改单位信息'))
    unit = m.org
    if unit.parent is None:
        raise UnitError(_l('本单位没有上级，不能办理修改，请联系省级管理员'))
    # A double submit: the second request waits for the first one's commit, then finds it pending.
    lock_organisation(unit.id)
    waiting = pending_of(unit.id)
    if waiting is not None:
        raise UnitError(_('已有一条修改单位信息的申请（%(status)s），请等待审核完成或撤回后再申请',
                          status=waiting.status_label))
    name = _clean_name(name)
    if name != unit.name and _name_taken(name, unit.id):
        raise UnitError(_l('“%(name)s”已是其他单位的名称', name=name), 'name')
    code = _clean_code(credit_code, unit)
    reason = (reason or '').strip()
    if not reason:
        raise UnitError(_l('请填写修改原因'), 'reason')
    if len(reason) > REASON_LENGTH:
        raise UnitError(_l('修改原因不能超过 500 个字'), 'reason')
    if not licence:
        if name == unit.name and code == unit.credit_code:
            raise UnitError(_l('单位名称、统一社会信用代码均未改变，也没有上传新的扫描件：没有需要审核的修改'))
        raise UnitError(_l('修改单位名称或统一社会信用代码须上传新的营业执照或统一社会信用代码证书扫描件'), 'licence')
    new_licence = _licence(licence)
    c = UnitInfoChange(unit_id=unit.id, superior_id=unit.parent_id, requested_by_id=m.user_id,
                       old_name=unit.name, new_name=name, old_credit_code=unit.credit_code, new_credit_code=code,
                       old_licence_sha256=unit.licence_sha256, old_licence_type=unit.licence_type,
                       new_licence_sha256=new_licence[0], new_licence_type=new_licence[1], reason=reason,
                       status_label='', outcome=catalog.PENDING)
    db.session.add(c)
    db.session.flush()
    data = {'unit_info_change_id': c.id, 'parent_kind': unit.parent.kind}
    instance, step = runtime.start(PROCESS, SUBJECT, c.id, data, scope_resolver(c), unit.province.id)
    c.instance_id = instance.id
    apply_step(c, step, stamp_decided=True)
    audit.log(SUBJECT, c.id, '提交修改申请', m, f'{_described(c)}。原因：{reason}')  # i18n: data (flow log)
    db.session.flush()
    return c


def _recheck(c: UnitInfoChange) -> None:
    """At approval: the new name and code must still be free (another unit may have taken them meanwhile)."""
    if c.new_credit_code != c.old_credit_code and db.session.scalar(select(Organisation.id).where(
            Organisation.credit_code == c.new_credit_code, Organisation.id != c.unit_id).limit(1)):
        raise UnitError(_l('统一社会信用代码 %(code)s 现已被其他单位使用，不能同意；请不同意并说明原因',
                           code=c.new_credit_code))
    if c.new_name != c.old_name and _name_taken(c.new_name, c.unit_id):
        raise UnitError(_l('“%(name)s”现已是其他单位的名称，不能同意；请不同意并说明原因', name=c.new_name))


def _change(c: UnitInfoChange, m: Membership) -> None:
    unit = c.unit
    unit.name, unit.credit_code = c.new_name, c.new_credit_code
    if c.new_licence_sha256:
        unit.licence_sha256, unit.licence_type = c.new_licence_sha256, c.new_licence_type
    audit.log(SUBJECT, c.id, '变更完成', m, _described(c))  # i18n: data (flow log)
    audit.log('organisation', unit.id, '修改单位信息', m, _described(c))  # i18n: data (the unit's own log)


def decide(m: Membership, work_item_id: int, decision: str, reason: str | None) -> UnitInfoChange:
    """The superior approves (the organisation takes the new values) or refuses with a reason the unit sees."""
    item = open_task(m, work_item_id, SUBJECT, UnitError)
    c = db.session.get(UnitInfoChange, item.subject_id)
    reason = checked_decision(decision, reason)
    lock_organisation(c.unit_id)
    if decision == 'approve':
        _recheck(c)
    audit.log(SUBJECT, c.id, '上级同意' if decision == 'approve' else '上级不同意', m,  # i18n: data (flow log)
              reason or None)
    if decision == 'reject':
        c.refusal_reason = reason
    step = runtime.complete(item.id, m.user_id, {'decision': decision, 'comment': reason}, scope_resolver(c))
    apply_step(c, step, stamp_decided=True)
    if step.outcome == catalog.APPROVED:
        _change(c, m)
    db.session.flush()
    url = notices.page('unit.info_change_detail', info_change_id=c.id)
    if decision == 'reject':
        subject = '修改单位信息未获同意'  # i18n: data — stored (notices)
        text = f'{c.old_name}修改单位信息的申请未获上级同意。原因：{reason}'  # i18n: data — stored (notices)
    elif c.outcome == catalog.APPROVED:
        subject = '修改单位信息已完成'  # i18n: data — stored (notices)
        text = f'{c.old_name}修改单位信息的申请已获上级同意：{_described(c)}'  # i18n: data — stored (notices)
    else:
        return c
    notices.notify([c.requested_by_id], text, url=url, subject=subject)
    return c


def _not_withdrawable(c: UnitInfoChange):
    return _('该申请当前状态为“%(status)s”，不能撤回', status=c.status_label)


def withdraw(m: Membership, c: UnitInfoChange) -> None:
    """撤回 while the superior's review waits (message withdraw_unit_info on the review task)."""
    if not may_withdraw(m, c):
        if c.outcome != catalog.PENDING:
            raise UnitError(_not_withdrawable(c))
        raise UnitError(_l('只有申请人可以撤回该申请'))
    step = runtime.send_message(c.instance_id, WITHDRAW_MESSAGE, scope_resolver(c), refused=_not_withdrawable(c))
    apply_step(c, step, stamp_decided=True)
    audit.log(SUBJECT, c.id, '撤回', m)  # i18n: data (flow log)
    db.session.flush()


# The data this code gives the process: each published version is tried on it (trial.py).
trial.declare_process(PROCESS, lambda: {'unit_info_change_id': (1,), 'parent_kind': tuple(ORG_KINDS),
                                        **trial.reviewed('approve', 'reject')})
