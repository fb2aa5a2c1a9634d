"""定时任务 (the province's timers page): what the worker has due, the instances whose timer failed, and the published
diagrams and decision tables that failed while they ran."""
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from models import ProcessFailure, ProcessVersion, WorkflowInstance, db, utcnow

from .. import timers


def timers_due() -> tuple[int, int]:
    """How many instances have a timer due now, and within a day."""
    now = utcnow()
    due_now = db.session.scalar(select(func.count(WorkflowInstance.id)).where(*timers.due_condition(now)))
    due_day = db.session.scalar(select(func.count(WorkflowInstance.id)).where(
        *timers.due_condition(now + timedelta(days=1))))
    return due_now, due_day


def failing_timers(province_id: int) -> list[WorkflowInstance]:
    """The province's instances whose timer failed (error, attempts, next retry), next retry first."""
    failing = db.session.scalars(select(WorkflowInstance).where(WorkflowInstance.timer_failures > 0)
                                 .order_by(WorkflowInstance.timer_retry_at)).all()
    provinces = {kind: timers.provinces_of(kind, [i.subject_id for i in failing if i.subject_type == kind])
                 for kind in {i.subject_type for i in failing}}
    return [i for i in failing if provinces[i.subject_type].get(i.subject_id) == province_id]


FAILURES_SHOWN = 100


def process_failures() -> list[ProcessFailure]:
    """The latest run-time failures of published versions (webapp/workflow/failures.py), most recent first. Versions
    are the same for every province, so every province's staff see them all, as in 流程与规则."""
    return list(db.session.scalars(select(ProcessFailure).order_by(ProcessFailure.last_at.desc(),
                                                                   ProcessFailure.id.desc()).limit(FAILURES_SHOWN)
                                   .options(selectinload(ProcessFailure.version).defer(ProcessVersion.content))))
