"""定时任务 (the province's timers page): what the worker has due, the instances whose timer failed, and the published
diagrams and decision tables that failed while they ran."""
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from models import ProcessFailure, ProcessVersion, WorkflowInstance, db, utcnow

from .. import timers


def _of_province(province_id: int):
    """SQL condition on WorkflowInstance: it runs on a version of the province (each province owns its versions)."""
    return WorkflowInstance.process_version_id.in_(
        select(ProcessVersion.id).where(ProcessVersion.province_id == province_id))


def timers_due(province_id: int) -> tuple[int, int]:
    """How many of the province's instances have a timer due now, and within a day."""
    now = utcnow()
    due_now = db.session.scalar(select(func.count(WorkflowInstance.id)).where(
        *timers.due_condition(now), _of_province(province_id)))
    due_day = db.session.scalar(select(func.count(WorkflowInstance.id)).where(
        *timers.due_condition(now + timedelta(days=1)), _of_province(province_id)))
    return due_now, due_day


def failing_timers(province_id: int) -> list[WorkflowInstance]:
    """The province's instances whose timer failed (error, attempts, next retry), next retry first."""
    return list(db.session.scalars(select(WorkflowInstance).where(
        WorkflowInstance.timer_failures > 0, _of_province(province_id)).order_by(WorkflowInstance.timer_retry_at)))


FAILURES_SHOWN = 100


def process_failures(province_id: int) -> list[ProcessFailure]:
    """The latest run-time failures of the province's published versions (webapp/workflow/failures.py), most recent
    first."""
    mine = select(ProcessVersion.id).where(ProcessVersion.province_id == province_id)
    return list(db.session.scalars(select(ProcessFailure).where(ProcessFailure.version_id.in_(mine))
                                   .order_by(ProcessFailure.last_at.desc(), ProcessFailure.id.desc())
                                   .limit(FAILURES_SHOWN)
                                   .options(selectinload(ProcessFailure.version).defer(ProcessVersion.content))))
