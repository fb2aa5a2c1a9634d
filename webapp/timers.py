"""Fires due workflow timers (windows closing, review reminders, escalations) for `flask worker`.

Each instance keeps its earliest due timer in `workflow_instance.next_timer_at`. A worker takes one due instance at a
time with `FOR UPDATE SKIP LOCKED` (PostgreSQL), so several workers on several hosts never fire the same timer twice,
and fires it through the feature's handler (the same operations web requests use) in its own transaction. A failure
is rolled back, logged and retried with backoff; province staff see it on the 定时任务 page.
"""
import logging
import secrets
import time
from dataclasses import dataclass
from datetime import date, datetime, time as clock, timedelta
from typing import Callable, Optional

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import InstrumentedAttribute

from models import WorkflowInstance, db, utcnow
from models.imports import FAILED, PENDING, RUNNING

from .dates import LOCAL_TZ
from .faults import transient

log = logging.getLogger('creditflow.worker')

# subject_type -> fn(instance): fire the instance's due timers and bring the subject's own rows up to date.
TimerHandler = Callable[[WorkflowInstance], None]
HANDLERS: dict[str, TimerHandler] = {}
# subject_type -> the subject model's province column (Claim.province_id): whose staff see a failing instance.
PROVINCE_OF: dict[str, InstrumentedAttribute] = {}

MAX_BACKOFF = timedelta(hours=6)


def register(subject_type: str, handler: TimerHandler, province_column: InstrumentedAttribute) -> None:
    HANDLERS[subject_type] = handler
    PROVINCE_OF[subject_type] = province_column


def provinces_of(subject_type: str, subject_ids) -> dict[int, int]:
    """subject id -> province id of subjects of one registered type, in one statement (a list of failing instances
    resolves its subjects per type, not one by one); unregistered types and missing subjects are left out."""
    column = PROVINCE_OF.get(subject_type)
    if column is None or not subject_ids:
        return {}
    model = column.class_
    return dict(db.session.execute(select(model.id, column).where(model.id.in_(set(subject_ids)))).all())


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


def at_most_every(minutes_setting: str, job: Callable[[], int]) -> Callable[[], int]:
    """*job* run at most once every `config[minutes_setting]` minutes by this worker process (a scan that looks for
    work by itself, e.g. the periodic notices): between runs it answers 0 without asking the database. Only a pace:
    what the job does is kept right by the database (a unique key), whichever worker runs it first."""
    last: list[float] = []

    def paced() -> int:
        now = time.monotonic()
        if last and now - last[0] < current_app.config[minutes_setting] * 60:
            return 0
        last[:] = [now]
        return job()
    paced.__name__, paced.__doc__ = job.__name__, job.__doc__
    return paced


# Seconds to wait before each new attempt at a job after a transient database error (PostgreSQL restarts in
# 0.3–4.4 s): the job goes on from its last committed progress; after the last one it fails.
JOB_RETRY_DELAYS = (0.5, 1, 2, 4, 8)


class LeaseLost(Exception):
    """Another worker took the job over (to it, this one looked dead): this one stops and leaves the job to it."""


class Lease:
    """A worker's hold on a job: a token drawn when it takes the job, kept in the row, and the time it last renewed
    the job's heartbeat. The work renews it with every progress commit and, within a long stretch of work, as soon as
    `due()` (JOB_HEARTBEAT): a slow chunk then never looks like a dead worker, while a worker that stops renewing
    (killed, hung) is taken over after JOB_LEASE. The renewal is committed with the progress it vouches for — never
    from a side thread, which would keep a hung worker's job alive — and first checks that the token is still this
    worker's, locking the row until that commit: a worker that was taken over raises LeaseLost instead of writing
    over its successor's progress."""

    def __init__(self, job):
        self.model, self.job_id, self.token = type(job), job.id, secrets.token_hex(16)
        job.status, job.heartbeat_at, job.lease_token = RUNNING, utcnow(), self.token
        self.renewed = time.monotonic()

    def due(self) -> bool:
        return time.monotonic() - self.renewed >= current_app.config['JOB_HEARTBEAT'].total_seconds()

    def renew(self, job) -> None:
        """Still this worker's job? Then a fresh heartbeat, committed by the caller with its progress."""
        token = db.session.scalar(select(self.model.lease_token).where(self.model.id == self.job_id)
                                  .with_for_update(key_share=True))
        if token != self.token:
            raise LeaseLost(f'{self.model.__tablename__} {self.job_id} was taken over by another worker')
        job.heartbeat_at = utcnow()
        self.renewed = time.monotonic()

    def resume(self):
        """The job again after a rollback (a transient error), renewed and committed: the work goes on from its
        last committed progress."""
        job = db.session.get(self.model, self.job_id)
        self.renew(job)
        db.session.commit()
        return job


def work_one(model, run: Callable, refusals: tuple[type[Exception], ...] = ()) -> int:
    """Take the oldest waiting job of a job table (`status`, `error`, `heartbeat_at`, `lease_token`, `finished_at`),
    or one whose worker died (no heartbeat for JOB_LEASE) — SKIP LOCKED, so one worker per job — mark it running, and
    `run(job, lease)`, which commits its progress with `lease.renew(job)` and carries on from it when it is taken
    over. A transient database error (the connection lost, the server restarting) is retried after JOB_RETRY_DELAYS,
    from the last committed progress. A refusal fails that job with its own message; anything else is logged and
    fails it with a general one. Returns how many jobs were taken (0 or 1)."""
    abandoned = utcnow() - current_app.config['JOB_LEASE']
    # FOR NO KEY UPDATE (key_share): the rows a running chunk adds that refer to its job (ImportRow) lock it only
    # FOR KEY SHARE, which must not hide the job from a takeover once its worker stopped renewing the lease.
    job = db.session.scalar(select(model).where(or_(
        model.status == PENDING, (model.status == RUNNING) & (model.heartbeat_at < abandoned)))
        .order_by(model.id).limit(1).with_for_update(skip_locked=True, key_share=True))
    if job is None:
        db.session.rollback()
        return 0
    if job.status == RUNNING:
        log.warning('%s %s: its worker stopped answering, taking it over', model.__tablename__, job.id)
    lease = Lease(job)
    db.session.commit()
    for attempt, delay in enumerate((*JOB_RETRY_DELAYS, None)):
        try:
            if attempt:
                job = lease.resume()
            run(job, lease)
            return 1
        except LeaseLost:
            db.session.rollback()
            log.warning('%s %s: taken over by another worker while this one was slow; leaving it to it',
                        model.__tablename__, lease.job_id)
            return 1
        except Exception as exc:
            db.session.rollback()
            if delay is None or not transient(exc):
                _fail(lease, exc, refusals)  # a database still down raises here: the job is taken over later
                return 1
            log.warning('%s %s: database error (%s), trying again in %ss', model.__tablename__, lease.job_id,
                        type(exc).__name__, delay)
            if getattr(exc, 'connection_invalidated', False):
                db.engine.dispose()  # the server restarted: the other pooled connections died with it
            time.sleep(delay)
    return 1


def _fail(lease: Lease, exc: Exception, refusals: tuple[type[Exception], ...]) -> None:
    refused = isinstance(exc, refusals)
    if not refused:
        log.exception('%s %s failed', lease.model.__tablename__, lease.job_id, exc_info=exc)
    job = db.session.get(lease.model, lease.job_id)
    if job.lease_token != lease.token:  # another worker has it now
        db.session.rollback()
        return
    job.status, job.finished_at = FAILED, utcnow()
    if refused:
        job.error = str(getattr(exc, 'message', None) or exc)  # stored: plain text, not a lazy one
    elif transient(exc):
        job.error = _('数据库连接中断，多次重试未成功，任务已中止：请稍后重新提交')
    else:
        job.error = _('后台任务出错（已记入日志），请稍后重试或联系技术支持')
    job.error = job.error[:1000]
    db.session.commit()


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
        except Exception as exc:
            db.session.rollback()
            if getattr(exc, 'connection_invalidated', False):
                db.engine.dispose()
            log.exception('worker poll failed; retrying')
        time.sleep(poll_seconds)
