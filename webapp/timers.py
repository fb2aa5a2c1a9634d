"""Fires due workflow timers (windows closing, review reminders, escalations) for `flask worker`.

Each instance keeps its earliest due timer in `workflow_instance.next_timer_at`. A worker takes one due instance at a
time with `FOR UPDATE SKIP LOCKED` (PostgreSQL), so several workers on several hosts never fire the same timer twice,
and fires it through the feature's handler (the same operations web requests use) in its own transaction. A failure
is rolled back, logged and retried with backoff; province staff see it on the 定时任务 page.
"""
import logging
import time
from dataclasses import dataclass
from datetime import date, datetime, time as clock, timedelta
from typing import Callable, Optional

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import or_, select

from models import WorkflowInstance, db, utcnow
from models.imports import FAILED, PENDING, RUNNING

from .dates import LOCAL_TZ

log = logging.getLogger('creditflow.worker')

# subject_type -> fn(instance): fire the instance's due timers and bring the subject's own rows up to date.
TimerHandler = Callable[[WorkflowInstance], None]
HANDLERS: dict[str, TimerHandler] = {}
# subject_type -> fn(subject_id) -> province id: whose staff see a failing instance.
PROVINCE_OF: dict[str, Callable[[int], Optional[int]]] = {}

MAX_BACKOFF = timedelta(hours=6)


def register(subject_type: str, handler: TimerHandler, province_of: Callable[[int], Optional[int]]) -> None:
    HANDLERS[subject_type] = handler
    PROVINCE_OF[subject_type] = province_of


def timer_data(closes_on: date | None = None) -> dict:
    """Start data the shipped diagrams' timers read: review reminder/escalation durations and, for processes with a
    window, the window's last second (23:59:59 Asia/Shanghai on its closing day)."""
    data = {'remind_after': current_app.config['REVIEW_REMIND_AFTER'],
            'escalate_after': current_app.config['REVIEW_ESCALATE_AFTER']}
    if closes_on is not None:
        data['window_closes_at'] = datetime.combine(closes_on, clock(23, 59, 59), LOCAL_TZ).isoformat()
    return data


def backoff(failures: int) -> timedelta:
    """1, 2, 4 … minutes after each failure, at most six hours."""
    return min(timedelta(minutes=2 ** max(0, failures - 1)), MAX_BACKOFF)


def due_condition(now: datetime):
    return (WorkflowInstance.next_timer_at < now, WorkflowInstance.is_completed.is_(False),
            or_(WorkflowInstance.timer_retry_at.is_(None), WorkflowInstance.timer_retry_at <= now))


@dataclass
class RunResult:
    fired: int = 0
    failed: int = 0


def _record_failure(instance_id: int, error: Exception, now: datetime) -> None:
    instance = db.session.scalar(select(WorkflowInstance).where(WorkflowInstance.id == instance_id).with_for_update())
    instance.timer_failures = (instance.timer_failures or 0) + 1
    instance.timer_error = f'{type(error).__name__}: {error}'[:1000]
    instance.timer_retry_at = now + backoff(instance.timer_failures)
    db.session.commit()


def fire_next(now: datetime | None = None) -> Optional[bool]:
    """Fire the earliest due instance. None: nothing due; True: fired; False: failed (logged, retried later)."""
    now = now or utcnow()
    instance = db.session.scalar(select(WorkflowInstance).where(*due_condition(now))
                                 .order_by(WorkflowInstance.next_timer_at, WorkflowInstance.id)
                                 .limit(1).with_for_update(skip_locked=True))
    if instance is None:
        db.session.rollback()
        return None
    instance_id = instance.id
    try:
        handler = HANDLERS.get(instance.subject_type)
        if handler is None:
            raise LookupError(_('没有处理“%(kind)s”定时事件的程序', kind=instance.subject_type))
        handler(instance)
        instance.timer_failures, instance.timer_error, instance.timer_retry_at = 0, None, None
        if instance.next_timer_at is not None and instance.next_timer_at < now:
            # the engine did not fire it (clock skew between hosts): look again in a minute instead of spinning
            instance.timer_retry_at = now + timedelta(minutes=1)
        db.session.commit()
        return True
    except Exception as exc:  # one broken instance must not stop the others
        db.session.rollback()
        log.exception('timer of workflow instance %s failed', instance_id)
        _record_failure(instance_id, exc, now)
        return False


def run_due(limit: int = 1000, now: datetime | None = None) -> RunResult:
    """Fire everything due now (at most *limit* instances), one transaction each."""
    result = RunResult()
    for _attempt in range(limit):
        outcome = fire_next(now)
        if outcome is None:
            break
        if outcome:
            result.fired += 1
        else:
            result.failed += 1
    return result


# Other background work the worker polls beside timers (e.g. Excel imports): fn() -> number of jobs done.
BACKGROUND: list[Callable[[], int]] = []


def register_background(job: Callable[[], int]) -> None:
    BACKGROUND.append(job)


def work_one(model, run: Callable, refusals: tuple[type[Exception], ...] = ()) -> int:
    """Take the oldest waiting job of a job table (`status`, `error`, `heartbeat_at`, `finished_at`), or one whose
    worker died (no heartbeat for JOB_LEASE) — SKIP LOCKED, so one worker per job — mark it running, and `run(job)`,
    which commits its progress with a fresh heartbeat and carries on from it when it is taken over. A refusal fails
    that job with its own message; anything else is logged and fails it with a general one. Returns how many jobs
    were taken (0 or 1)."""
    abandoned = utcnow() - current_app.config['JOB_LEASE']
    job = db.session.scalar(select(model).where(or_(
        model.status == PENDING, (model.status == RUNNING) & (model.heartbeat_at < abandoned)))
        .order_by(model.id).limit(1).with_for_update(skip_locked=True))
    if job is None:
        db.session.rollback()
        return 0
    if job.status == RUNNING:
        log.warning('%s %s: its worker stopped answering, taking it over', model.__tablename__, job.id)
    job.status, job.heartbeat_at = RUNNING, utcnow()
    db.session.commit()
    try:
        run(job)
    except Exception as exc:
        db.session.rollback()
        refused = isinstance(exc, refusals)
        if not refused:
            log.exception('%s %s failed', model.__tablename__, job.id)
        job = db.session.get(model, job.id)
        job.status, job.finished_at = FAILED, utcnow()
        job.error = (str(getattr(exc, 'message', None) or exc) if refused  # stored: plain text, not a lazy one
                     else _('后台任务出错（已记入日志），请稍后重试或联系技术支持'))[:1000]
        db.session.commit()
    return 1


def run_forever(poll_seconds: float = 30.0, batch: int = 200) -> None:  # pragma: no cover - the loop of `flask worker`
    log.info('worker started, polling every %ss', poll_seconds)
    while True:
        try:
            result = run_due(batch)
            if result.fired or result.failed:
                log.info('timers fired: %s, failed: %s', result.fired, result.failed)
            jobs = sum(job() for job in BACKGROUND)
            if result.fired + result.failed >= batch or jobs:
                continue
        except Exception:
            db.session.rollback()
            log.exception('worker poll failed; retrying')
        time.sleep(poll_seconds)
