"""The lists the rollout pages show: a process instance's work items and its history."""
from sqlalchemy import or_, select

from models import FlowLog, WorkflowInstance, WorkItem, db


def work_items(instance: WorkflowInstance) -> list[WorkItem]:
    return list(db.session.scalars(select(WorkItem).where(WorkItem.instance_id == instance.id)
                                   .order_by(WorkItem.id)))


def history(instance: WorkflowInstance) -> list[FlowLog]:
    """The flow log of the instance's subject and of the instance itself (its migrations), oldest first."""
    return list(db.session.scalars(select(FlowLog).where(or_(
        (FlowLog.subject_type == instance.subject_type) & (FlowLog.subject_id == instance.subject_id),
        (FlowLog.subject_type == 'workflow_instance') & (FlowLog.subject_id == instance.id))).order_by(FlowLog.id)))


def waiting_tasks(items: list[WorkItem]) -> list[str]:
    """The names of the tasks still open, for the diagram to highlight."""
    return sorted({i.task_name for i in items if i.completed_at is None})
