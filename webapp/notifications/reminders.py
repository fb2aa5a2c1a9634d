"""The Python behind the diagrams' reminder and escalation service tasks (see workflow.catalog.SERVICE_TASKS)."""
from sqlalchemy import func, or_, select

from models import Membership, Notification, Organisation, WorkflowInstance, WorkItem, db, utcnow
from models.org import PROVINCE, SUPERVISOR, UNIT
from models.people import LEARNER

from .. import audit
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
    """Store a notification. Its text is data, kept in Chinese as written (not translated): the worker writes it
    outside any request, once for readers of any language, around the diagram's Chinese task title."""
    for user_id in user_ids:
        db.session.add(Notification(user_id=user_id, work_item_id=item.id, text=text))


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
