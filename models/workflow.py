"""Process/rule versions, running instances, the inbox (work items) and the flow log."""
from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import db, utcnow

BPMN, DMN = 'bpmn', 'dmn'
DRAFT, PUBLISHED, RETIRED = 'draft', 'published', 'retired'


class ProcessVersion(db.Model):
    """One version of a BPMN process (key = process id) or a DMN decision (key = decision id)."""
    __tablename__ = 'process_version'
    __table_args__ = (UniqueConstraint('province_id', 'kind', 'key', 'version',
                                       name='uq_process_version_province_id_kind_key_version'),)
    id: Mapped[int] = mapped_column(primary_key=True)
    # Each province owns its processes and rules: the shipped defaults are loaded as version 1 for every province,
    # and a province's instances, workbench and jobs see only its own versions.
    province_id: Mapped[int] = mapped_column(ForeignKey('organisation.id'), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    key: Mapped[str] = mapped_column(String(100), index=True)
    version: Mapped[int] = mapped_column(Integer)
    content: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(20), default=DRAFT)
    comment: Mapped[Optional[str]] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey('user_account.id'))

    def __repr__(self):
        return f'<ProcessVersion {self.kind}:{self.key} v{self.version} {self.status}>'


class WorkflowInstance(db.Model):
    """A running process: SpiffWorkflow JSON without the spec, beside the spec hash and state format."""
    __tablename__ = 'workflow_instance'
    id: Mapped[int] = mapped_column(primary_key=True)
    process_key: Mapped[str] = mapped_column(String(100), index=True)
    process_version_id: Mapped[int] = mapped_column(ForeignKey('process_version.id'), index=True)
    rule_version_ids: Mapped[list] = mapped_column(JSON, default=list)
    spec_hash: Mapped[str] = mapped_column(String(64))
    state_format: Mapped[str] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(Text)
    status_label: Mapped[str] = mapped_column(String(50))
    is_completed: Mapped[bool] = mapped_column(Boolean, default=False)
    subject_type: Mapped[str] = mapped_column(String(30))
    subject_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Optimistic lock: a concurrent save of the same instance fails instead of overwriting (SQLite has no row locks).
    lock_version: Mapped[int] = mapped_column(Integer, default=1)
    # The earliest timer the instance waits for (window closing, reminder, escalation); `flask worker` polls it.
    next_timer_at: Mapped[Optional[datetime]] = mapped_column(index=True)
    # A timer that failed to fire is retried with backoff; province staff see the error.
    timer_failures: Mapped[int] = mapped_column(Integer, default=0, server_default='0')
    timer_error: Mapped[Optional[str]] = mapped_column(String(1000))
    timer_retry_at: Mapped[Optional[datetime]] = mapped_column()

    process_version: Mapped[ProcessVersion] = relationship()
    __mapper_args__ = {'version_id_col': lock_version}
    # The workbench counts the running instances per version and pinned tables from an index of the running ones
    # alone; 定时任务 lists the failed timers from an index of just those.
    __table_args__ = (Index('ix_workflow_instance_subject', 'subject_type', 'subject_id'),
                      Index('ix_workflow_instance_running', 'process_version_id',
                            postgresql_include=['rule_version_ids'], postgresql_where=text('is_completed IS false'),
                            sqlite_where=text('is_completed IS 0')),
                      Index('ix_workflow_instance_timer_failed', 'timer_retry_at',
                            postgresql_where=text('timer_failures > 0'), sqlite_where=text('timer_failures > 0')))


OPEN = text('completed_at IS NULL')
LISTED = ['subject_person_id', 'subject_year', 'subject_pathway', 'subject_status']


class WorkItem(db.Model):
    """One ready human task: what inboxes list and filter on."""
    __tablename__ = 'work_item'
    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey('workflow_instance.id'), index=True)
    task_id: Mapped[str] = mapped_column(String(36))
    task_name: Mapped[str] = mapped_column(String(100))
    task_title: Mapped[str] = mapped_column(String(200))
    form_key: Mapped[str] = mapped_column(String(100))
    # The task grants 登记学时 (its diagram's `grantsHours` property): approving it registers the hours that count.
    grants_hours: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    status_label: Mapped[str] = mapped_column(String(50))
    lane: Mapped[str] = mapped_column(String(30))
    scope_org_id: Mapped[Optional[int]] = mapped_column(ForeignKey('organisation.id'))
    scope_department_id: Mapped[Optional[int]] = mapped_column(ForeignKey('department.id'))
    scope_user_id: Mapped[Optional[int]] = mapped_column(ForeignKey('user_account.id'))
    subject_type: Mapped[str] = mapped_column(String(30))
    subject_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[Optional[datetime]] = mapped_column()
    completed_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey('user_account.id'))
    outcome: Mapped[Optional[str]] = mapped_column(String(30))
    # Set by the escalation timer: the task waited too long and now also shows in the next level's inbox.
    overdue_at: Mapped[Optional[datetime]] = mapped_column()
    escalated_org_id: Mapped[Optional[int]] = mapped_column(ForeignKey('organisation.id'))
    # What the inbox lists filter a subject's rows by (a claim's learner, year, pathway and status), kept on each row so
    # that a page and its count read the work items alone: written with the row (the scope resolver gives them) and
    # kept in step while the subject changes (webapp/claims/operations.py). Empty for kinds the inbox does not filter.
    subject_person_id: Mapped[Optional[int]] = mapped_column(ForeignKey('user_account.id'))
    subject_year: Mapped[Optional[int]] = mapped_column(Integer)
    subject_pathway: Mapped[Optional[str]] = mapped_column(String(30))
    subject_status: Mapped[Optional[str]] = mapped_column(String(50))

    instance: Mapped[WorkflowInstance] = relationship()
    scope_org = relationship('Organisation', foreign_keys=[scope_org_id])
    completed_by = relationship('User', foreign_keys=[completed_by_id])
    escalated_org = relationship('Organisation', foreign_keys=[escalated_org_id])

    # The inboxes page over one scope in list order (open: oldest first; done: latest first), one kind of subject at
    # a time: an index per scope in that order, so that a page stops after its rows and a tab's count is a range. The
    # filters' columns ride along (PostgreSQL INCLUDE): a filtered count reads the index alone.
    __table_args__ = (
        Index('ix_work_item_subject', 'subject_type', 'subject_id'),
        # (status_label too: an organisation's waiting items per step (下属机构) are counted from the index alone)
        Index('ix_work_item_open_org', 'lane', 'scope_org_id', 'subject_type', 'created_at', 'id',
              postgresql_include=LISTED + ['status_label'], postgresql_where=OPEN),
        Index('ix_work_item_open_department', 'lane', 'scope_org_id', 'scope_department_id', 'subject_type',
              'created_at', 'id', postgresql_include=LISTED, postgresql_where=OPEN),
        Index('ix_work_item_open_user', 'scope_user_id', 'subject_type', 'created_at', 'id', postgresql_where=OPEN),
        Index('ix_work_item_open_escalated', 'escalated_org_id', 'subject_type', 'created_at', 'id',
              postgresql_include=LISTED, postgresql_where=OPEN),
        Index('ix_work_item_done_by', 'completed_by_id', 'subject_type', 'completed_at', 'id',
              postgresql_include=LISTED),
    )


class Notification(db.Model):
    """An in-app message to one person (review reminders, escalations); unread until opened."""
    __tablename__ = 'notification'
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey('user_account.id'))
    text: Mapped[str] = mapped_column(String(500))
    url: Mapped[Optional[str]] = mapped_column(String(300))
    work_item_id: Mapped[Optional[int]] = mapped_column(ForeignKey('work_item.id'))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[Optional[datetime]] = mapped_column()
    # Names the event of a notification sent once per person and event (a deadline drawing near): a second worker
    # writing the same one is refused by the unique index.
    event_key: Mapped[Optional[str]] = mapped_column(String(120))

    __table_args__ = (Index('ix_notification_user_unread', 'user_id', 'read_at'),
                      Index('uq_notification_user_event', 'user_id', 'event_key', unique=True))


# MailOutbox.status
MAIL_PENDING, MAIL_SENDING, MAIL_SENT, MAIL_FAILED = 'pending', 'sending', 'sent', 'failed'


class MailOutbox(db.Model):
    """An e-mail to send, written in the transaction of the decision it tells about and sent by `flask worker`
    (webapp/mail.py): taken by one worker at a time (status `sending` until `lease_until`), retried with backoff."""
    __tablename__ = 'mail_outbox'
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey('user_account.id'), index=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=MAIL_PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    lease_until: Mapped[Optional[datetime]] = mapped_column()
    sent_at: Mapped[Optional[datetime]] = mapped_column()
    error: Mapped[Optional[str]] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index('ix_mail_outbox_status_next_attempt_at', 'status', 'next_attempt_at'),)


class ProcessFailure(db.Model):
    """A published diagram or decision table that failed while it ran (an expression error, a run over its budget):
    the request was refused and rolled back, this row stays. One row per version, element and error, counted; the
    last subject it happened to. Province staff see them on the 定时任务 page."""
    __tablename__ = 'process_failure'
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    key: Mapped[str] = mapped_column(String(100))
    version_id: Mapped[Optional[int]] = mapped_column(ForeignKey('process_version.id'), index=True)
    element: Mapped[str] = mapped_column(String(200))
    error: Mapped[str] = mapped_column(String(1000))
    subject_type: Mapped[Optional[str]] = mapped_column(String(30))
    subject_id: Mapped[Optional[int]] = mapped_column(Integer)
    # No foreign key: the instance of a failed start was rolled back with the request.
    instance_id: Mapped[Optional[int]] = mapped_column(Integer)
    count: Mapped[int] = mapped_column(Integer, default=1)
    first_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    version: Mapped[Optional[ProcessVersion]] = relationship()


class FlowLog(db.Model):
    """登记流程日志 and audit trail: every save, submit, withdraw and decision."""
    __tablename__ = 'flow_log'
    id: Mapped[int] = mapped_column(primary_key=True)
    subject_type: Mapped[str] = mapped_column(String(30))
    subject_id: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[Optional[int]] = mapped_column(ForeignKey('user_account.id'))
    actor_label: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(50))
    remark: Mapped[Optional[str]] = mapped_column(String(1000))

    __table_args__ = (Index('ix_flow_log_subject', 'subject_type', 'subject_id'),)
