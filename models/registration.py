"""Registrations (注册, seed 004): a supervising department, a unit or a professional asks to join; the superior
chosen at registration approves. The organisation and the role membership exist only once approved."""
from datetime import datetime
from typing import Optional

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import db, utcnow
from .org import Organisation
from .people import User

KINDS = {'supervisor': '主管部门', 'unit': '用人单位', 'learner': '专业技术人员'}


class Registration(db.Model):
    __tablename__ = 'registration'
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))                      # supervisor | unit | learner
    # The applicant (for a department or unit: its first administrator).
    name: Mapped[str] = mapped_column(String(50))
    id_number: Mapped[str] = mapped_column(String(18), index=True)
    phone: Mapped[str] = mapped_column(String(20))
    email: Mapped[Optional[str]] = mapped_column(String(120))
    # The organisation applied for (supervisor / unit kinds).
    org_name: Mapped[Optional[str]] = mapped_column(String(200))
    credit_code: Mapped[Optional[str]] = mapped_column(String(18))     # None: a temporary code is issued on approval
    locality: Mapped[Optional[str]] = mapped_column(String(100))
    nature: Mapped[Optional[str]] = mapped_column(String(30))
    level: Mapped[Optional[str]] = mapped_column(String(30))
    industry: Mapped[Optional[str]] = mapped_column(String(50))
    org_phone: Mapped[Optional[str]] = mapped_column(String(20))
    address: Mapped[Optional[str]] = mapped_column(String(200))
    licence_sha256: Mapped[Optional[str]] = mapped_column(String(64))
    licence_type: Mapped[Optional[str]] = mapped_column(String(50))
    # 同级人社部门 (units, optional): a 人社部门 of the superior's province; copied to the organisation on approval.
    hr_org_id: Mapped[Optional[int]] = mapped_column(ForeignKey('organisation.id'))
    # Where it registers (the superior chosen) and who must approve (usually the same organisation; learners of
    # the province's 其他单位 are approved by the province).
    parent_org_id: Mapped[int] = mapped_column(ForeignKey('organisation.id'), index=True)
    approver_org_id: Mapped[int] = mapped_column(ForeignKey('organisation.id'), index=True)
    approver_lane: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int] = mapped_column(ForeignKey('user_account.id'), index=True)
    org_id: Mapped[Optional[int]] = mapped_column(ForeignKey('organisation.id'))       # set on approval
    membership_id: Mapped[Optional[int]] = mapped_column(ForeignKey('membership.id'))  # set on approval
    status_label: Mapped[str] = mapped_column(String(50))
    outcome: Mapped[str] = mapped_column(String(20), index=True)
    reason: Mapped[Optional[str]] = mapped_column(String(500))
    instance_id: Mapped[Optional[int]] = mapped_column(ForeignKey('workflow_instance.id'))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[Optional[datetime]] = mapped_column()
    # 推荐单位注册: a learner whose unit is missing proposed it; the applicant above is the unit's contact. The
    # proposer follows it in 注册审核进度查询 with her ID number and the proposal code shown after submitting.
    proposed_by_name: Mapped[Optional[str]] = mapped_column(String(50))
    proposed_by_id_number: Mapped[Optional[str]] = mapped_column(String(18), index=True)
    proposed_by_phone: Mapped[Optional[str]] = mapped_column(String(20))
    proposal_code: Mapped[Optional[str]] = mapped_column(String(20))

    user: Mapped[User] = relationship()
    parent_org: Mapped[Organisation] = relationship(foreign_keys=[parent_org_id])
    approver_org: Mapped[Organisation] = relationship(foreign_keys=[approver_org_id])
    org: Mapped[Optional[Organisation]] = relationship(foreign_keys=[org_id])
    hr_org: Mapped[Optional[Organisation]] = relationship(foreign_keys=[hr_org_id])

    __table_args__ = (Index('ix_registration_approver', 'approver_org_id', 'outcome'),)

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]

    def __repr__(self):
        return f'<Registration {self.id} {self.kind} {self.status_label}>'
