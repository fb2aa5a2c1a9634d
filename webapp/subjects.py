"""What every process subject (a claim, a supplement request, a registration, a transfer …) has in common: the inbox
task it waits in, and where its process stands — the status label people read and the outcome code asks."""
from sqlalchemy import select

from models import WorkItem, db, utcnow

from .workflow.runtime import StepResult


def open_work_item(subject_type: str, subject_id: int, form_key: str | None = None) -> WorkItem | None:
    """The subject's oldest task still waiting (of form *form_key* when given)."""
    query = select(WorkItem).where(WorkItem.subject_type == subject_type, WorkItem.subject_id == subject_id,
                                   WorkItem.completed_at.is_(None))
    if form_key:
        query = query.where(WorkItem.form_key == form_key)
    return db.session.scalar(query.order_by(WorkItem.id).limit(1))


def apply_step(subject, step: StepResult, *, stamp_decided: bool = False) -> None:
    """Show on the subject where its process stands after *step*. With *stamp_decided*, a process that has ended
    also stamps the subject's `decided_at`."""
    subject.status_label, subject.outcome = step.status_label, step.outcome
    if stamp_decided and step.completed:
        subject.decided_at = utcnow()
