"""The Python behind the diagrams' reminder and escalation service tasks (see workflow.catalog.SERVICE_TASKS)."""
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.exc import IntegrityError

from models import (Claim, Membership, Notification, Organisation, RegistrationWindow, WorkflowInstance, WorkItem, db,
                    utcnow)
from models.org import PROVINCE, SUPERVISOR, UNIT
from models.people import LEARNER, PROVINCE_ADMIN, SUPERVISOR_ADMIN

from .. import audit, notices, timers
from ..dates import LOCAL_TZ, today
from ..workflow import runtime


def assignee_ids(item: WorkItem, org_id: int | None = None) -> list[int]:
    """Who sees the task in 待我处理: its person, or the admins of its organisation (a secondary admin only for her
    own department). With *org_id*: the admins of that organisation (an escalation's next level)."""
    if org_id is None and item.scope_user_id is not None:
        return [item.scope_user_id]
    query = select(Membership.user_id).where(Membership.org_id == (org_id or item.scope_org_id),
                                             Membership.role != LEARNER)
    if org_id is None and item.scope_department_id is not None:
        query = query.where(or_(Membership.department_id.is_(None),
                                Membership.department_id == item.scope_department_id))
    return sorted(set(db.session.scalars(query)))


def next_level(org: Organisation | None) -> Organisation | None:
    """Unit -> its supervising department (or the province when it has none); supervising department -> province."""
    if org is None or org.kind == PROVINCE:
        return None
    if org.kind == UNIT:
        return org.supervisor or org.province
    return org.province if org.kind == SUPERVISOR else None


def _notify(user_ids, item: WorkItem, text: str) -> None:
    """Notify (in the app, and by e-mail: notices.notify). Its text is data, kept in Chinese as written (not
    translated): the worker writes it outside any request, once for readers of any language, around the diagram's
    Chinese task title."""
    notices.notify(user_ids, text, work_item_id=item.id)


def _waited_days(item: WorkItem) -> int:
    return max(1, (utcnow() - item.created_at).days)


def _human_items(items: list[WorkItem]) -> list[WorkItem]:
    return [i for i in items if i.lane != LEARNER]


def notify_assignees(instance: WorkflowInstance, open_items: list[WorkItem], _params: dict) -> None:
    for item in _human_items(open_items):
        text = f'“{item.task_title}”已等待 {_waited_days(item)} 天，请尽快处理'  # i18n: data — stored (see _notify)
        _notify(assignee_ids(item), item, text)
        audit.log(item.subject_type, item.subject_id, '超时提醒', None, f'{item.task_title}：{text}')


def escalate_overdue(instance: WorkflowInstance, open_items: list[WorkItem], _params: dict) -> None:
    for item in _human_items(open_items):
        target = next_level(item.scope_org)
        item.overdue_at = utcnow()
        item.escalated_org_id = target.id if target else None
        text = f'“{item.task_title}”已等待 {_waited_days(item)} 天，已超期'  # i18n: data — stored (see _notify)
        _notify(assignee_ids(item), item, text + (f'，已上报{target.name}' if target else ''))  # i18n: data — stored
        if target is not None:
            _notify(assignee_ids(item, target.id), item, f'下级超期未办：{item.scope_org.name}的{text}')  # i18n: data
        audit.log(item.subject_type, item.subject_id, '超期上报', None,
                  f'{item.task_title}{f"：已进入{target.name}的待办" if target else "：已标记超期"}')


runtime.register_service('notify_assignees', notify_assignees)
runtime.register_service('escalate_overdue', escalate_overdue)


def unread_count(user_id: int) -> int:
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)))


NOTICE_BATCH = 1000


def deadline_notices() -> int:
    """登记截止提醒 (a job of `flask worker`): DEADLINE_NOTICE_DAYS before a province's registration window closes,
    each learner with a claim of that year not yet submitted (待提交 or 退回修改) is told once — the notification's
    event key names the window, and its unique index refuses a second worker's copy (that worker's batch is rolled
    back, the next poll finds nothing left). How many learners were told."""
    day = today()
    windows = db.session.scalars(select(RegistrationWindow).where(
        RegistrationWindow.opens_on <= day, RegistrationWindow.closes_on >= day,
        RegistrationWindow.closes_on <= day + timedelta(days=current_app.config['DEADLINE_NOTICE_DAYS']))).all()
    told = 0
    try:
        for window in windows:
            key = f'deadline:claims:{window.province_id}:{window.year}:{window.closes_on.isoformat()}'
            learners = db.session.scalars(select(Claim.learner_id.distinct()).join(WorkItem, (
                WorkItem.subject_type == 'claim') & (WorkItem.subject_id == Claim.id)).where(
                Claim.province_id == window.province_id, Claim.year == window.year, Claim.deleted_at.is_(None),
                WorkItem.completed_at.is_(None), WorkItem.task_name == 'edit_claim',
                ~exists().where(Notification.user_id == Claim.learner_id, Notification.event_key == key))).all()
            text = (f'您有 {window.year} 年度的学时登记尚未提交，本年度登记将于 {window.closes_on.isoformat()} '  # i18n: data
                    '截止，请尽快提交')
            subject = '学时登记即将截止'  # i18n: data — stored (notices)
            for start in range(0, len(learners), NOTICE_BATCH):
                notices.notify(learners[start:start + NOTICE_BATCH], text, url=notices.page('claims.my_claims'),
                               subject=subject, event_key=key)
            told += len(learners)
        db.session.commit()
    except IntegrityError:  # another worker told them first
        db.session.rollback()
        return 0
    return told


def todo_digest() -> int:
    """待办提醒 (a job of `flask worker`): once a day, from TODO_DIGEST_HOUR Beijing time, every admin with tasks
    waiting in her 待我处理 (her role's lane in her organisation; a secondary admin: her department; the province also
    the supervisor lane of units directly under it) is told how many — once, by the day's event key. The people are
    grouped by their count: one notification insert per count. How many admins were told."""
    now = datetime.now(LOCAL_TZ)
    if now.hour < current_app.config['TODO_DIGEST_HOUR']:
        return 0
    key = f'todo:{now.date().isoformat()}'
    lane_matches = or_(WorkItem.lane == Membership.role,
                       and_(Membership.role == PROVINCE_ADMIN, WorkItem.lane == SUPERVISOR_ADMIN))
    rows = db.session.execute(select(Membership.user_id, func.count(WorkItem.id)).join(WorkItem, and_(
        WorkItem.scope_org_id == Membership.org_id, lane_matches,
        or_(Membership.department_id.is_(None), Membership.department_id == WorkItem.scope_department_id))).where(
        WorkItem.completed_at.is_(None), WorkItem.lane != LEARNER, Membership.role != LEARNER,
        Membership.login_allowed.is_(True),
        ~exists().where(Notification.user_id == Membership.user_id, Notification.event_key == key))
        .group_by(Membership.user_id)).all()
    by_count: dict[int, list[int]] = {}
    for user_id, count in rows:
        by_count.setdefault(count, []).append(user_id)
    try:
        for count, user_ids in by_count.items():
            text = f'您有 {count} 件待办事项等待处理，请到“待我处理”查看'  # i18n: data — stored (notices)
            subject = '待办事项提醒'  # i18n: data — stored (notices)
            for start in range(0, len(user_ids), NOTICE_BATCH):
                notices.notify(user_ids[start:start + NOTICE_BATCH], text, url=notices.page('inbox.todo'),
                               subject=subject, event_key=key)
        db.session.commit()
    except IntegrityError:  # another worker told them first
        db.session.rollback()
        return 0
    return len(rows)


timers.register_background(timers.at_most_every('NOTICE_SCAN_MINUTES', deadline_notices))
timers.register_background(timers.at_most_every('NOTICE_SCAN_MINUTES', todo_digest))
