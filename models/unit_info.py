"""修改单位信息 (seed 004): a unit's principal admin asks to change the unit's name, 统一社会信用代码 or licence scan;
its superior approves (bpmn/unit_info_change.bpmn), then the organisation takes the new values. The contact data
changes at once and has no row here."""
from datetime import datetime
from typing import Optional

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import db, utcnow
from .org import Organisation
from .people import User


class UnitInfoChange(db.Model):
    """One request: the values before and asked for (name, code, licence: unchanged ones copied), the superior that
    reviews it (the unit's parent when asked), where its process stands."""
    __tablename__ = 'unit_info_change'
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey('organisation.id'))
    superior_id: Mapped[int] = mapped_column(ForeignKey('organisation.id'))
    requested_by_id: Mapped[int] = mapped_column(ForeignKey('user_account.id'))
    old_name: Mapped[str] = mapped_column(String(200))
    new_name: Mapped[str] = mapped_column(String(200))
    old_credit_code: Mapped[Optional[str]] = mapped_column(String(18))
    new_credit_code: Mapped[Optional[str]] = mapped_column(String(18))
    old_licence_sha256: Mapped[Optional[str]] = mapped_column(String(64))
    old_licence_type: Mapped[Optional[str]] = mapped_column(String(50))
    new_licence_sha256: Mapped[Optional[str]] = mapped_column(String(64))   # None: the licence is not replaced
    new_licence_type: Mapped[Optional[str]] = mapped_column(String(50))
    reason: Mapped[Optional[str]] = mapped_column(String(500))
    status_label: Mapped[str] = mapped_column(String(50))
    outcome: Mapped[str] = mapped_column(String(20))
    refusal_reason: Mapped[Optional[str]] = mapped_column(String(500))
    instance_id: Mapped[Optional[int]] = mapped_column(ForeignKey('workflow_instance.id'))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[Optional[datetime]] = mapped_column()

    unit: Mapped[Organisation] = relationship(foreign_keys=[unit_id])
    superior: Mapped[Organisation] = relationship(foreign_keys=[superior_id])
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])

    # The superior's list (newest first) and the one-pending-request check of a unit.
    __table_args__ = (Index('ix_unit_info_change_superior', 'superior_id', 'id'),
                      Index('ix_unit_info_change_unit_outcome', 'unit_id', 'outcome'))

    def __repr__(self):
        return f'<UnitInfoChange {self.id} {self.status_label}>'
