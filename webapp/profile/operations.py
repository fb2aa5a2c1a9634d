"""个人信息: basic fields change at once; the professional title (专业技术职称) changes only when the unit approves
(bpmn/title_change.bpmn); name and ID number only by province staff, with the reason logged."""
import re
from datetime import date

from sqlalchemy import select
from stdnum.cn import ric

from models import Membership, TitleChange, User, WorkItem, db
from models.people import LEARNER, PROVINCE_ADMIN, UNIT_ADMIN
from models.profile import TITLES

from ..i18n import _l
from ..refusals import Refused
from .. import audit, notices, timers
from ..dates import today
from ..guards import refuse_if_locked, refuse_while_transferring
from ..permissions import actionable_item, open_task
from ..subjects import apply_step
from ..workflow import catalog, runtime, trial

SUBJECT = PROCESS = 'title_change'
REVIEW_FORM = 'title_review'
PHONE = re.compile(r'^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$')
EMAIL = re.compile(r'^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$')


class ProfileError(Refused):
    """Refused; nothing changed."""


def update_basic(user: User, phone: str, email: str, email_notifications: bool | None = None) -> None:
    """手机号, 电子邮箱 and whether notifications also go by e-mail (None: left as it is)."""
    phone, email = (phone or '').strip(), (email or '').strip()
    if phone and not PHONE.match(phone):
        raise ProfileError(_l('手机号格式不正确（11 位手机号，或区号-电话号码）'), 'phone')
    if (user.phone or '') != phone:  # the phone is printed on the 学时记录表; the e-mail is not
        refuse_if_locked(user.id, _l('手机号'), ProfileError, field='phone')
    if email and (len(email) > 120 or not EMAIL.match(email)):
        raise ProfileError(_l('电子邮箱格式不正确'), 'email')
    changes = [f'{label}：{old or "空"} → {new or "空"}' for label, old, new in  # i18n: data — the audit remark
               (('手机号', user.phone, phone), ('电子邮箱', user.email, email)) if (old or '') != new]
    user.phone, user.email = phone or None, email or None
    if email_notifications is not None and bool(email_notifications) != bool(user.email_notifications):
        user.email_notifications = bool(email_notifications)
        changes.append('邮件通知：' + ('开启' if email_notifications else '关闭'))  # i18n: data — the audit remark
    if changes:
        audit.log('user', user.id, '修改个人信息', None, '；'.join(changes))


def pending_title_change(user_id: int) -> TitleChange | None:
    return db.session.scalar(select(TitleChange).where(TitleChange.learner_id == user_id,
                                                       TitleChange.outcome == catalog.PENDING))


def scope_resolver(change: TitleChange) -> runtime.ScopeResolver:
    return runtime.learner_and_unit(change.learner_id, change.unit_id, change.department_id)


def request_title_change(m: Membership, new_title: str, title_date: date | None) -> TitleChange:
    if m.role != LEARNER:
        raise ProfileError(_l('只有专技人员可以申请变更职称'))
    user = m.user
    if new_title not in TITLES:
        raise ProfileError(_l('请选择专业技术职称'), 'title')
    if new_title == (user.title or '无'):  # i18n: data — TITLES' value for none
        raise ProfileError(_l('新职称与当前职称相同'), 'title')
    if title_date and title_date > today():
        raise ProfileError(_l('取得时间不能晚于今天'), 'title_date')
    if pending_title_change(user.id) is not None:
        raise ProfileError(_l('已有一项职称变更正在等待单位审核'))
    refuse_if_locked(user.id, _l('专业技术职称'), ProfileError)
    refuse_while_transferring(user.id, _l('申请变更职称'), ProfileError)
    change = TitleChange(learner_id=user.id, unit_id=m.org_id, department_id=m.department_id, old_title=user.title,
                         new_title=new_title, title_date=title_date, status_label='', outcome=catalog.PENDING)
    db.session.add(change)
    db.session.flush()
    instance, step = runtime.start(PROCESS, SUBJECT, change.id, {'title_change_id': change.id, **timers.timer_data()},
                                   scope_resolver(change), m.org.province.id)
    change.instance_id = instance.id
    apply_step(change, step, stamp_decided=True)
    audit.log(SUBJECT, change.id, '申请变更职称', m, f'{user.title or "无"} → {new_title}')
    return change


def review_title_change(m: Membership, work_item_id: int, decision: str, reason: str | None) -> TitleChange:
    item = open_task(m, work_item_id, SUBJECT, ProfileError)
    if decision not in ('approve', 'reject'):
        raise ProfileError(_l('请选择审核结果'), 'decision')
    reason = (reason or '').strip()
    if decision == 'reject' and not reason:
        raise ProfileError(_l('不同意时必须填写原因'), 'reason')
    change = db.session.get(TitleChange, item.subject_id)
    apply_step(change, runtime.complete(item.id, m.user_id, {'decision': decision, 'comment': reason},
                                        scope_resolver(change)), stamp_decided=True)
    if decision == 'approve':
        change.learner.title = change.new_title
    else:
        change.reason = reason
    audit.log(SUBJECT, change.id, '同意变更' if decision == 'approve' else '不同意变更', m, reason or None)
    if decision == 'approve':
        subject, text = '职称变更已通过', f'您的职称变更（{change.new_title}）已通过单位审核'  # i18n: data — stored
    else:
        subject, text = '职称变更未通过', f'您的职称变更（{change.new_title}）未获同意。原因：{reason}'  # i18n: data
    notices.notify([change.learner_id], text, url=notices.page('profile.title_change', change_id=change.id),
                   subject=subject)
    return change


def may_see(m: Membership, change: TitleChange | None) -> bool:
    """The learner herself, or her unit's admins (a secondary admin: for her department only)."""
    return change is not None and (change.learner_id == m.user_id or (
        m.role == UNIT_ADMIN and change.unit_id == m.org_id
        and (m.department_id is None or m.department_id == change.department_id)))


def decidable(m: Membership, item: WorkItem | None) -> WorkItem | None:
    """The change's open review task (*item*) when *m* may decide it now; else None."""
    return item if item is not None and actionable_item(m, item.id) is not None else None


def withdraw_title_change(m: Membership, change: TitleChange) -> None:
    """撤回 while the unit has not decided (message withdraw_title_change): the old title stays."""
    if m.role != LEARNER or change.learner_id != m.user_id:
        raise ProfileError(_l('只能撤回本人的职称变更申请'))
    refused = _l('该职称变更当前状态为“%(status)s”，不能撤回', status=change.status_label)
    if change.outcome != catalog.PENDING:
        raise ProfileError(refused)
    apply_step(change, runtime.send_message(change.instance_id, 'withdraw_title_change', scope_resolver(change),
                                            refused=refused), stamp_decided=True)
    audit.log(SUBJECT, change.id, '撤回', m)


def province_of(user: User) -> set[int]:
    return {x.org.province.id for x in user.memberships if x.org.province is not None}


def correctable_person(m: Membership, id_number: str) -> User | None:
    """The account with this ID number, when it belongs to *m*'s province (province staff correct and reset it)."""
    number = (id_number or '').strip().upper()
    person = db.session.scalar(select(User).where(User.id_number == number)) if number else None
    return person if person is not None and m.org_id in province_of(person) else None


def change_identity(m: Membership, user: User, name: str, id_number: str, reason: str) -> None:
    """Province staff only: a wrong name or ID number is corrected with the reason logged."""
    if m.role != PROVINCE_ADMIN or m.org_id not in province_of(user):
        raise ProfileError(_l('只有本省的省级管理员可以修改姓名和身份证号'))
    name, number, reason = (name or '').strip(), (id_number or '').strip().upper(), (reason or '').strip()
    if not name or len(name) > 50:
        raise ProfileError(_l('姓名为必填，且不超过 50 个字'), 'name')
    if not ric.is_valid(number):
        raise ProfileError(_l('身份证号无效（位数、出生日期或校验位不对）'), 'id_number')
    other = db.session.scalar(select(User).where(User.id_number == number, User.id != user.id))
    if other is not None:
        raise ProfileError(_l('该身份证号已被其他账号使用'), 'id_number')
    if not reason:
        raise ProfileError(_l('请填写修改原因'), 'reason')
    if (name, number) == (user.name, user.id_number):
        raise ProfileError(_l('姓名和身份证号均未改变'))
    remark = f'姓名 {user.name} → {name}；身份证号 {user.masked_id_number} → *****{number[-4:]}。原因：{reason}'  # i18n: data
    user.name, user.id_number = name, number
    audit.log('user', user.id, '修改姓名/身份证号', m, remark)


# The data this code gives the title change process: each published version is tried on it (trial.py).
trial.declare_process(PROCESS, lambda: {'title_change_id': (1,), **trial.one_each(timers.timer_data()),
                                        **trial.reviewed('approve', 'reject')})
