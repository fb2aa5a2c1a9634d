"""Tokens of the forms that create things, once used: a POST repeated with the same token (its response was lost,
the person retried) is sent to what the first one created instead of creating it again (webapp/idempotency.py)."""
from datetime import datetime
from typing import Optional

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import db, utcnow


class IdempotencyKey(db.Model):
    __tablename__ = 'idempotency_key'
    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)  # drawn when the form was rendered
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey('user_account.id'))  # None: a public form (注册)
    endpoint: Mapped[str] = mapped_column(String(100))     # the form it came with
    location: Mapped[Optional[str]] = mapped_column(String(500))  # where the first POST sent its author
    subject_type: Mapped[Optional[str]] = mapped_column(String(30))  # what it created: table name and id
    subject_id: Mapped[Optional[int]] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
