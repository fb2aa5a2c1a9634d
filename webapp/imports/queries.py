"""The import jobs a unit admin sees: those of her unit (a secondary admin: the ones filed in her department)."""
from sqlalchemy import select

from models import ImportJob, Membership, db


def _scoped(m: Membership):
    query = select(ImportJob).join(Membership, ImportJob.membership_id == Membership.id) \
        .where(Membership.org_id == m.org_id)
    if m.department_id is not None:
        query = query.where(Membership.department_id == m.department_id)
    return query


def recent_jobs(m: Membership, limit: int = 20) -> list[ImportJob]:
    return db.session.scalars(_scoped(m).order_by(ImportJob.id.desc()).limit(limit)).all()


def job_of(m: Membership, job_id: int) -> ImportJob | None:
    return db.session.scalar(_scoped(m).where(ImportJob.id == job_id))
