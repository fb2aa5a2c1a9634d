"""Superior change (更换上级部门, seed 004) use cases: a unit's principal admin asks to move the unit under another
supervising department or parent unit; the old superior approves, then the new one; then the unit's parent changes.
A superior that is a unit decides as its principal unit admin, a supervising department (or the province) as such.
机构类型 同级人社部门: she names another 人社部门 of her province instead; the 人社部门 the unit's `hr` steps go to now
(permissions.hr_lane_org_id) approves, then the new one, both in the `hr` lane; then organisation.hr_org_id changes
(claims already waiting at the old 人社部门 stay there, new `hr` steps go to the new one)."""
from flask_babel import gettext as _
from sqlalchemy import or_, select

from models import Membership, Organisation, SuperiorChange, WorkItem, db
from models.org import HR, ORG_KINDS, SUPERVISOR, UNIT
from models.people import HR_ADMIN, PROVINCE_ADMIN, SUPERVISOR_ADMIN, UNIT_ADMIN
from models.transfers import HR_OFFICE, SUPERIOR

from .. import audit, notices
from ..i18n import _l, N_
from ..locks import lock_organisation
from ..pagination import RowPage
from ..permissions import hr_lane_org_id, may_see, named_hr, open_task
from ..subjects import apply_step, open_work_item
from ..workflow import catalog, runtime, trial
from .operations import TransferError, checked_decision, search_orgs, valid_id

SUBJECT = PROCESS = 'superior_change'
OLD_FORM, NEW_FORM = 'superior_old_review', 'superior_new_review'
ACTIONS = {SUPERIOR: {OLD_FORM: ('原上级同意', '原上级不同意'), NEW_FORM: ('新上级同意', '新上级不同意')},  # i18n: data
           HR_OFFICE: {OLD_FORM: ('原人社部门同意', '原人社部门不同意'),  # i18n: data (flow log)
                       NEW_FORM: ('新人社部门同意', '新人社部门不同意')}}  # i18n: data (flow log)
PARENT_UNIT, HR_KIND = N_('上级单位'), N_('同级人社部门')
# 机构类型 (seed 004): what the page searches for; '' (上级单位或主管部门) as before the choice existed.
ORG_TYPES = {'': (SUPERVISOR, UNIT), UNIT: (UNIT,), SUPERVISOR: (SUPERVISOR,), HR_OFFICE: (HR,)}
ORG_TYPE_NAMES = {'': _l('上级单位或主管部门'), UNIT: _l('上级单位'), SUPERVISOR: _l('主管部门'), HR_OFFICE: _l('同级人社部门')}


def org_type(value: str | None) -> str:
    """The 机构类型 a request names (a query argument): one of ORG_TYPES, else ''."""
    return value if value in ORG_TYPES else ''


def is_principal(m: Membership | None) -> bool:
    return m is not None and m.role == UNIT_ADMIN and m.department_id is None and m.org.kind == UNIT


def may_list(m: Membership) -> bool:
    """The changes page is for the principal unit admins and the superiors' admins, not a department's admin."""
    return not (m.role == UNIT_ADMIN and m.department_id is not None)


def _descendant_or_self(org: Organisation, unit: Organisation) -> bool:
    while org is not None:
        if org.id == unit.id:
            return True
        org = org.parent
    return False


def _self_and_descendants(unit: Organisation) -> list[int]:
    ids, level = [unit.id], [unit.id]
    while level:
        level = list(db.session.scalars(select(Organisation.id).where(Organisation.parent_id.in_(level),
                                                                      Organisation.id.not_in(ids))))
        ids += level
    return ids


def candidates(unit: Organisation, q: str, page: int = 1, kind: str = '') -> RowPage:
    """Supervising departments and units the unit may move under (not itself, its own sub-units or its superior),
    or (机构类型 同级人社部门) the 人社部门 of its province but its current one; 10 a page: left out in the query so
    that every page is full."""
    if kind == HR_OFFICE:
        return search_orgs(q, unit.province.id, page, kinds=ORG_TYPES[kind], exclude=[current_hr_id(unit)])
    exclude = _self_and_descendants(unit) + ([unit.parent_id] if unit.parent_id else [])
    return search_orgs(q, unit.province.id, page, kinds=ORG_TYPES[org_type(kind)], exclude=exclude)


def current_hr_id(unit: Organisation) -> int:
    """The 人社部门 the unit's `hr` steps wait at now: its 同级人社部门 (named or inherited), else the province's
    top 人社部门, else the province. It approves a change of the 同级人社部门 first."""
    return hr_lane_org_id(unit.id, unit.province.id)


def named_hr_name(unit: Organisation) -> str:
    """The 同级人社部门 the unit names (or inherits), as the flow log records it (Chinese)."""
    named = db.session.scalar(named_hr(unit.id))
    return db.session.get(Organisation, named).name if named else '未选择'  # i18n: data (flow log)


def kind_label(org: Organisation | None) -> str:
    """What the superior is, as the flow log records it (Chinese)."""
    return PARENT_UNIT if org is not None and org.kind == UNIT else ORG_KINDS.get(org.kind, '') if org else ''


def kind_name(org: Organisation | None) -> str:
    """What the superior is, in the reader's language (the pages)."""
    label = kind_label(org)
    return _(label) if label else ''


def scope_resolver(c: SuperiorChange):
    def resolve(lane: str, scope_key: str = '') -> runtime.Scope:
        return runtime.Scope(org_id=c.new_parent_id if scope_key == 'new_superior' else c.old_parent_id)
    return resolve


def change_scope(m: Membership):
    """SQL condition: the unit's own principal admin, and the admins of the old and the new superior (of a change of
    the 同级人社部门: of the old and the new 人社部门)."""
    if m.role == UNIT_ADMIN and m.department_id is not None:
        return SuperiorChange.id.is_(None)
    if m.role not in (UNIT_ADMIN, SUPERVISOR_ADMIN, PROVINCE_ADMIN, HR_ADMIN):
        return SuperiorChange.id.is_(None)
    mine = or_(SuperiorChange.old_parent_id == m.org_id, SuperiorChange.new_parent_id == m.org_id)
    return or_(SuperiorChange.unit_id == m.org_id, mine) if m.role == UNIT_ADMIN else mine


def can_see(m: Membership | None, c: SuperiorChange) -> bool:
    return may_see(m, c, change_scope)


def open_item(c: SuperiorChange) -> WorkItem | None:
    return open_work_item(SUBJECT, c.id)


def _apply(c: SuperiorChange, step: runtime.StepResult, m: Membership) -> None:
    apply_step(c, step, stamp_decided=True)
    if step.outcome == catalog.APPROVED and c.kind == HR_OFFICE:
        before = named_hr_name(c.unit)
        c.unit.hr_org = c.new_parent
        audit.log(SUBJECT, c.id, '更换完成', m, f'同级人社部门：{before} → {c.new_parent.name}')
        db.session.flush()
    elif step.outcome == catalog.APPROVED:
        c.unit.parent = c.new_parent
        audit.log(SUBJECT, c.id, '更换完成', m, f'上级：{c.old_parent.name if c.old_parent else "无"} → {c.new_parent.name}')
        db.session.flush()


def _checked_superior(unit: Organisation, new_parent_id) -> Organisation:
    new_parent = db.session.get(Organisation, new_parent_id) if valid_id(new_parent_id) else None
    if new_parent is None or new_parent.kind not in (SUPERVISOR, UNIT) or new_parent.province != unit.province:
        raise TransferError(_l('请从搜索结果中选择新的上级单位或主管部门'), 'new_parent_id')
    if new_parent.id == unit.parent_id:
        raise TransferError(_('“%(name)s”已是本单位的上级', name=new_parent.name), 'new_parent_id')
    if _descendant_or_self(new_parent, unit):
        raise TransferError(_l('不能选择本单位或本单位的下级单位作为上级'), 'new_parent_id')
    if unit.parent is None:
        raise TransferError(_l('本单位没有上级，不能办理更换，请联系省级管理员'))
    return new_parent


def _checked_hr(unit: Organisation, new_hr_id) -> Organisation:
    new_hr = db.session.get(Organisation, new_hr_id) if valid_id(new_hr_id) else None
    if new_hr is None or new_hr.kind != HR:
        raise TransferError(_l('请从搜索结果中选择新的同级人社部门'), 'new_parent_id')
    if new_hr.province != unit.province:
        raise TransferError(_('同级人社部门须是“%(province)s”的人社部门，请重新选择', province=unit.province.name),
                            'new_parent_id')
    if new_hr.id == current_hr_id(unit):
        raise TransferError(_('“%(name)s”已是本单位的同级人社部门', name=new_hr.name), 'new_parent_id')
    return new_hr


def request_change(m: Membership, new_parent_id, reason: str | None, kind: str = SUPERIOR) -> SuperiorChange:
    """The principal admin chooses the new superior (主管部门 or 上级单位) or, *kind* HR_OFFICE, the new 同级人社部门;
    the old one reviews first."""
    if not is_principal(m):
        raise TransferError(_l('只有单位超级管理员可以更换上级部门'))
    unit = m.org
    reason = (reason or '').strip()
    if not reason:
        raise TransferError(_l('请填写更换原因'), 'reason')
    if len(reason) > 500:
        raise TransferError(_l('更换原因不能超过 500 个字'), 'reason')
    hr = kind == HR_OFFICE
    new_parent = _checked_hr(unit, new_parent_id) if hr else _checked_superior(unit, new_parent_id)
    # A double submit: the second request waits for the first one's commit, then finds it pending.
    lock_organisation(unit.id)
    waiting = db.session.scalar(select(SuperiorChange).where(SuperiorChange.unit_id == unit.id,
                                                             SuperiorChange.outcome == catalog.PENDING))
    if waiting is not None:
        raise TransferError(_('已有一条更换上级的申请（改为“%(name)s”，%(status)s），请等待审核完成',
                              name=waiting.new_parent.name, status=waiting.status_label))
    old_id = current_hr_id(unit) if hr else unit.parent_id
    c = SuperiorChange(kind=HR_OFFICE if hr else SUPERIOR, unit_id=unit.id, old_parent_id=old_id,
                       new_parent_id=new_parent.id, requested_by_id=m.user_id, reason=reason, status_label='',
                       outcome=catalog.PENDING)
    db.session.add(c)
    db.session.flush()
    # The diagram routes each review by the kind of its side: 'hr' (the 人社 side, even the province standing in
    # for a missing 人社部门) to the hr lane.
    kinds = (HR, HR) if hr else (unit.parent.kind, new_parent.kind)
    data = {'superior_change_id': c.id, 'old_kind': kinds[0], 'new_kind': kinds[1]}
    instance, step = runtime.start(PROCESS, SUBJECT, c.id, data, scope_resolver(c), unit.province.id)
    c.instance_id = instance.id
    _apply(c, step, m)
    if hr and getattr(open_item(c), 'lane', None) != HR_ADMIN:  # a version from before the 人社 reviews
        raise TransferError(_l('本省的更换上级部门流程还没有人社部门审核环节，请联系省级管理员发布新版流程'))
    if hr:
        remark = f'同级人社部门：{named_hr_name(unit)} → {new_parent.name}'  # i18n: data (flow log)
    else:
        old, new = unit.parent, new_parent
        remark = f'{old.name}（{kind_label(old)}）→ {new.name}（{kind_label(new)}）'  # i18n: data (flow log)
    audit.log(SUBJECT, c.id, '提交更换申请', m, f'{remark}。原因：{reason}')
    db.session.flush()
    return c


def decide(m: Membership, work_item_id: int, decision: str, reason: str | None) -> SuperiorChange:
    item = open_task(m, work_item_id, SUBJECT, TransferError)
    c = db.session.get(SuperiorChange, item.subject_id)
    reason = checked_decision(decision, reason)
    audit.log(SUBJECT, c.id, ACTIONS[c.kind][item.form_key][0 if decision == 'approve' else 1], m, reason or None)
    if decision == 'reject':
        c.refusal_reason = reason
    _apply(c, runtime.complete(item.id, m.user_id, {'decision': decision, 'comment': reason}, scope_resolver(c)), m)
    what = f'{c.unit.name}的{"同级人社部门" if c.kind == HR_OFFICE else "上级部门"}更换为{c.new_parent.name}'  # i18n: data
    if decision == 'reject':
        subject, text = '更换上级部门未获同意', f'{what}的申请未获同意。原因：{reason}'  # i18n: data — stored (notices)
    elif c.outcome == catalog.APPROVED:
        subject, text = '更换上级部门已完成', f'{what}已完成'  # i18n: data — stored (notices)
    else:
        return c
    notices.notify([c.requested_by_id], text, url=notices.page('transfers.change_detail', change_id=c.id),
                   subject=subject)
    return c


# The data this code gives the superior change process: each published version is tried on it (trial.py).
trial.declare_process(PROCESS, lambda: {'superior_change_id': (1,), 'old_kind': tuple(ORG_KINDS),
                                        'new_kind': tuple(ORG_KINDS), **trial.reviewed('approve', 'reject')})
