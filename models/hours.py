"""Each learner's hours per year (学时计数): the sums the progress pages read instead of summing claims and learning
records per person. Kept right by webapp/hours.py alone (recounted from the source rows on every flush that
touches them); never written anywhere else."""
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Integer, Numeric
from sqlalchemy.orm import Mapped, mapped_column

from .base import db

SUM = Numeric(9, 1)  # a year's sum of Numeric(6, 1) hours


class LearnerHours(db.Model):
    """专业科目 hours (approved, undeleted claims plus 专业 learning records) and 公需科目 hours (such claims plus the
    公需 learning records of platforms and online courses) of one learner and year; `entries` counts the rows summed,
    so a year without any is told apart from a year of zero hours."""
    __tablename__ = 'learner_hours'
    # A year's hours of many people (a big unit's staff) read from one range of an index holding the sums.
    __table_args__ = (Index('ix_learner_hours_year_learner_id', 'year', 'learner_id',
                            postgresql_include=['professional', 'public']),)
    learner_id: Mapped[int] = mapped_column(ForeignKey('user_account.id'), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    professional: Mapped[Decimal] = mapped_column(SUM, default=0)
    public: Mapped[Decimal] = mapped_column(SUM, default=0)
    entries: Mapped[int] = mapped_column(Integer, default=0)
