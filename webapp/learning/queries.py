"""The lists the learning pages show: a province's platforms and a learner's learning records."""
from decimal import Decimal

from sqlalchemy import func, select

from models import LearningPlatform, LearningRecord, Membership, db


def platforms_of(m: Membership) -> list[LearningPlatform]:
    return list(db.session.scalars(select(LearningPlatform).where(LearningPlatform.province_id == m.org_id)
                                   .order_by(LearningPlatform.id)))


def records_of(learner_id: int, year: int | None = None) -> list[LearningRecord]:
    query = select(LearningRecord).where(LearningRecord.learner_id == learner_id)
    if year is not None:
        query = query.where(LearningRecord.year == year)
    return list(db.session.scalars(query.order_by(LearningRecord.completed_on.desc(), LearningRecord.id.desc())))


def hours_by_year(learner_id: int) -> dict[int, Decimal]:
    rows = db.session.execute(select(LearningRecord.year, func.sum(LearningRecord.hours))
                              .where(LearningRecord.learner_id == learner_id).group_by(LearningRecord.year))
    return {year: Decimal(hours or 0) for year, hours in rows}
