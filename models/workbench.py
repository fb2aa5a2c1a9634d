"""Province workbench: test cases saved with a credit table (DMN decision), run before it may be published."""
from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import db, utcnow


class DecisionTestCase(db.Model):
    """Inputs (pathway, level, rank, quantity…) and the outputs the decision `key` must give for them."""
    __tablename__ = 'decision_test_case'
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100), index=True)
    name: Mapped[Optional[str]] = mapped_column(String(200))
    inputs: Mapped[dict] = mapped_column(JSON)
    expected: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey('user_account.id'))
