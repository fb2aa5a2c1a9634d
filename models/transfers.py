"""Organisation changes: a learner's transfer to another unit (单位调转 / 人员调出) and a unit's change of its
superior (更换上级部门), seed 004. Each row follows its process (bpmn/transfer.bpmn, bpmn/superior_change.bpmn)."""
from datetime import datetime
from typing import Optional

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import db, utcnow
from .org import Department, Organisation
from .people import User


class Transfer(db.Model):
    """单位调转: learner-initiated (old unit approves the transfer out, then the new unit the transfer in) or
    unit-initiated (人员调出: the new unit accepts). On approval her learner membership moves to the new unit;
    her claims and hours stay with her (claims keep the unit they were made in)."""
    __tablename__ = 'transfer'
    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey('user_account.id'), index=True)
    from_unit_id: Mapped[int] = mapped_column(ForeignKey('organisation.id'), index=True)
    from_department_id: Mapped[Optional[int]] = mapped_column(ForeignKey('department.id'))
    to_unit_id: Mapped[int] = mapped_column(ForeignKey('organisation.id'), index=True)
    initiated_by: Mapped[str] = mapped_column(String(20))  # learner | unit
    initiator_id: Mapped[int] = mapped_column(ForeignKey('user_account.id'))
    reason: Mapped[Optional[str]] = mapped_column(String(500))
    status_label: Mapped[str] = mapped_column(String(50))
    outcome: Mapped[str] = mapped_column(String(20), index=True)
    refusal_reason: Mapped[Optional[str]] = mapped_column(String(500))  # why the old or new unit refused
    instance_id: Mapped[Optional[int]] = mapped_column(ForeignKey('workflow_instance.id'))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[Optional[datetime]] = mapped_column()

    learner: Mapped[User] = relationship(foreign_keys=[learner_id])
    initiator: Mapped[User] = relationship(foreign_keys=[initiator_id])
    from_unit: Mapped[Organisation] = relationship(foreign_keys=[from_unit_id])
    from_department: Mapped[Optional[Department]] = relationship()
    to_unit: Mapped[Organisation] = relationship(foreign_keys=[to_unit_id])

    def __repr__(self):
        return f'<Transfer {self.id} {self.status_label}>'


# What a superior change changes (its 机构类型, seed 004): the unit's parent (上级单位 / 主管部门) or its 同级人社部门.
SUPERIOR, HR_OFFICE = 'superior', 'hr'


class SuperiorChange(db.Model):
    """更换上级部门: a unit's principal admin asks to move the unit under another supervising department or parent
    unit (kind 'superior'), or to name another 同级人社部门 (kind 'hr'); the old and the new superior both approve,
    then the unit's parent (or its hr_org_id) changes. For kind 'hr', old_parent_id is the 人社部门 the unit's `hr`
    steps went to when it asked (its named one, else the province's top one, else the province: hr_lane_org_id) and
    new_parent_id the 人社部门 it chose; both review, as a superior does."""
    __tablename__ = 'superior_change'
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), default=SUPERIOR, server_default=SUPERIOR)
    unit_id: Mapped[int] = mapped_column(ForeignKey('organisation.id'), index=True)
    old_parent_id: Mapped[Optional[int]] = mapped_column(ForeignKey('organisation.id'), index=True)
    new_parent_id: Mapped[int] = mapped_column(ForeignKey('organisation.id'), index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey('user_account.id'))
    reason: Mapped[Optional[str]] = mapped_column(String(500))
    status_label: Mapped[str] = mapped_column(String(50))
    outcome: Mapped[str] = mapped_column(String(20), index=True)
    refusal_reason: Mapped[Optional[str]] = mapped_column(String(500))
    instance_id: Mapped[Optional[int]] = mapped_column(ForeignKey('workflow_instance.id'))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[Optional[datetime]] = mapped_column()

    unit: Mapped[Organisation] = relationship(foreign_keys=[unit_id])
    old_parent: Mapped[Optional[Organisation]] = relationship(foreign_keys=[old_parent_id])
    new_parent: Mapped[Organisation] = relationship(foreign_keys=[new_parent_id])
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])

    def __repr__(self):
        return f'<SuperiorChange {self.id} {self.status_label}>'
