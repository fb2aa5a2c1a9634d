"""Province workbench: test cases saved with a credit table (DMN decision), run before it may be published, and the
province's long-running rollout jobs."""
from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import db, utcnow
from .imports import PENDING
from .people import Membership

IMPACT, MIGRATION = 'impact', 'migration'


class DecisionTestCase(db.Model):
    """Inputs (pathway, level, rank, quantity…) and the outputs the decision `key` must give for them."""
    __tablename__ = 'decision_test_case'
    id: Mapped[int] = mapped_column(primary_key=True)
    province_id: Mapped[int] = mapped_column(ForeignKey('organisation.id'), index=True)  # the table's province
    key: Mapped[str] = mapped_column(String(100), index=True)
    name: Mapped[Optional[str]] = mapped_column(String(200))
    inputs: Mapped[dict] = mapped_column(JSON)
    expected: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey('user_account.id'))


class RolloutJob(db.Model):
    """A province job too big for one request — an impact preview over a large year, a migration batch — worked off
    by `flask worker` with its progress in the row, so any web worker can show it."""
    __tablename__ = 'rollout_job'
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))           # IMPACT or MIGRATION
    membership_id: Mapped[int] = mapped_column(ForeignKey('membership.id'))  # who asked, in which province
    params: Mapped[dict] = mapped_column(JSON)               # impact: version_id, year; migration: source/target/ids
    status: Mapped[str] = mapped_column(String(20), default=PENDING)
    total: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    result: Mapped[Optional[dict]] = mapped_column(JSON)
    error: Mapped[Optional[str]] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[Optional[datetime]] = mapped_column()
    # Set when a worker takes the job and at every progress commit: a running job whose heartbeat is older than
    # JOB_LEASE belongs to a worker that died, and another worker takes it over where it stopped.
    heartbeat_at: Mapped[Optional[datetime]] = mapped_column()
    lease_token: Mapped[Optional[str]] = mapped_column(String(32))  # as ImportJob.lease_token

    membership: Mapped[Membership] = relationship()

    __table_args__ = (Index('ix_rollout_job_status', 'status', 'id'),)
