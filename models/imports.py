"""Bulk imports (【导入学员培训信息】): the uploaded file and its per-row results, worked off by `flask worker`."""
from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import db, utcnow
from .people import Membership

PENDING, RUNNING, DONE, FAILED = 'pending', 'running', 'done', 'failed'


class ImportJob(db.Model):
    __tablename__ = 'import_job'
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))                 # what the rows become: 'claims'
    membership_id: Mapped[int] = mapped_column(ForeignKey('membership.id'))  # who imports, in which role and scope
    filename: Mapped[str] = mapped_column(String(200))
    # The file itself, in the database: any worker on any host can read it (no shared disk needed).
    content: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(20), default=PENDING)
    total_rows: Mapped[int] = mapped_column(Integer, default=0)
    done_rows: Mapped[int] = mapped_column(Integer, default=0)
    ok_rows: Mapped[int] = mapped_column(Integer, default=0)
    failed_rows: Mapped[int] = mapped_column(Integer, default=0)
    # [{row, ok, message, claim_id}], appended chunk by chunk
    results: Mapped[list] = mapped_column(JSON, default=list)
    error: Mapped[Optional[str]] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[Optional[datetime]] = mapped_column()
    # Set when a worker takes the job and at every progress commit: a running job whose heartbeat is older than
    # JOB_LEASE belongs to a worker that died, and another worker takes it over where it stopped.
    heartbeat_at: Mapped[Optional[datetime]] = mapped_column()

    membership: Mapped[Membership] = relationship()

    __table_args__ = (Index('ix_import_job_status', 'status', 'id'),)
