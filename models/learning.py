"""Online-learning platforms (学习平台) and the public-subject (公需) hours they report for learners.

公需 hours are never self-registered (seed 002): a platform sends completed courses through the API, or province
staff upload the platform's export. A platform is known by the sha256 of its token; the token itself is never kept.
"""
from datetime import date, datetime
from decimal import Decimal
from typing import Optional

from sqlalchemy import Boolean, Date, ForeignKey, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import db, utcnow
from .org import Organisation
from .people import User

GENERAL, INDUSTRY, PROFESSIONAL = 'general', 'industry', 'professional'
LEARNING_CATEGORIES = {GENERAL: '一般公需科目', INDUSTRY: '行业公需科目', PROFESSIONAL: '专业科目'}
PUBLIC_CATEGORIES = (GENERAL, INDUSTRY)


class LearningPlatform(db.Model):
    __tablename__ = 'learning_platform'
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    province_id: Mapped[int] = mapped_column(ForeignKey('organisation.id'), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey('user_account.id'))

    province: Mapped[Organisation] = relationship()
    created_by: Mapped[Optional[User]] = relationship()

    def __repr__(self):
        return f'<LearningPlatform {self.id} {self.name}>'


class LearningRecord(db.Model):
    """One completed course reported by a platform; `record_id` is the platform's own id (idempotent replays)."""
    __tablename__ = 'learning_record'
    __table_args__ = (UniqueConstraint('platform_id', 'record_id', name='uq_learning_record_platform_record'),)
    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey('learning_platform.id'), index=True)
    record_id: Mapped[str] = mapped_column(String(100))
    learner_id: Mapped[int] = mapped_column(ForeignKey('user_account.id'), index=True)
    course: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(20))  # general | industry | professional
    hours: Mapped[Decimal] = mapped_column(Numeric(6, 1))
    completed_on: Mapped[date] = mapped_column(Date)
    year: Mapped[int] = mapped_column(Integer, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    platform: Mapped[LearningPlatform] = relationship()
    learner: Mapped[User] = relationship()

    @property
    def category_label(self) -> str:
        return LEARNING_CATEGORIES.get(self.category, self.category)

    def __repr__(self):
        return f'<LearningRecord {self.platform_id}:{self.record_id}>'
