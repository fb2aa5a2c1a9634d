"""Bulk imports (【导入学员培训信息】): the uploaded file and its per-row results, worked off by `flask worker`."""
from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, ForeignKey, Index, Integer, LargeBinary, String, UniqueConstraint
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
    # The file's sha256: with the sheet row, what makes a draft once only (ImportRow), however often it is uploaded.
    content_sha256: Mapped[Optional[str]] = mapped_column(String(64))
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
    # Who works it: a token drawn when a worker takes the job; a worker that finds another token there was presumed
    # dead and taken over, and stops (webapp/timers.py: Lease).
    lease_token: Mapped[Optional[str]] = mapped_column(String(32))

    membership: Mapped[Membership] = relationship()

    __table_args__ = (Index('ix_import_job_status', 'status', 'id'),)


class ImportRow(db.Model):
    """A row of an uploaded file that became a draft claim. The same file (by its sha256) uploaded again by the
    unit, or a chunk worked again after a worker was lost, finds it and skips the row instead of creating the draft
    twice; the unique key holds even for two workers at once."""
    __tablename__ = 'import_row'
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey('organisation.id'))  # the importing unit
    file_sha256: Mapped[str] = mapped_column(String(64))
    row: Mapped[int] = mapped_column(Integer)                           # the sheet row, as Excel numbers it
    claim_id: Mapped[int] = mapped_column(ForeignKey('claim.id'))
    job_id: Mapped[int] = mapped_column(ForeignKey('import_job.id'))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint('org_id', 'file_sha256', 'row', name='uq_import_row_file_row'),)
