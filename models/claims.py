"""Credit-hour claims (学时登记), their evidence files and the province's open registration window."""
from datetime import date, datetime
from decimal import Decimal
from typing import Optional

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, Numeric, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import db, utcnow
from .org import Department, Organisation
from .people import User

HOURS = Numeric(6, 1)
LISTED = ['status_label', 'year', 'pathway', 'learner_id']  # what the claim lists filter on, besides their scope


class Claim(db.Model):
    __tablename__ = 'claim'
    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey('user_account.id'))
    unit_id: Mapped[int] = mapped_column(ForeignKey('organisation.id'), index=True)
    province_id: Mapped[int] = mapped_column(ForeignKey('organisation.id'), index=True)
    department_id: Mapped[Optional[int]] = mapped_column(ForeignKey('department.id'), index=True)
    reviewer_org_id: Mapped[Optional[int]] = mapped_column(ForeignKey('organisation.id'))  # who gives final approval
    target: Mapped[str] = mapped_column(String(20), default='unit')  # unit | supervisor
    category: Mapped[str] = mapped_column(String(20), default='professional')  # 专业 (公需 is never self-claimed)
    pathway: Mapped[str] = mapped_column(String(30))
    sub_type: Mapped[str] = mapped_column(String(50))
    level: Mapped[Optional[str]] = mapped_column(String(20))
    quantity: Mapped[Decimal] = mapped_column(HOURS, default=1)
    rank: Mapped[Optional[int]] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    applied_hours: Mapped[Decimal] = mapped_column(HOURS)
    table_hours: Mapped[Optional[Decimal]] = mapped_column(HOURS)
    reviewed_hours: Mapped[Optional[Decimal]] = mapped_column(HOURS)
    registered_hours: Mapped[Optional[Decimal]] = mapped_column(HOURS)
    year: Mapped[int] = mapped_column(Integer, index=True)
    description: Mapped[Optional[str]] = mapped_column(Text)
    certificate_no: Mapped[Optional[str]] = mapped_column(String(100))
    pledged: Mapped[bool] = mapped_column(Boolean, default=False)
    status_label: Mapped[str] = mapped_column(String(50), index=True)
    outcome: Mapped[str] = mapped_column(String(20), index=True)  # see webapp.workflow.statuses
    instance_id: Mapped[Optional[int]] = mapped_column(ForeignKey('workflow_instance.id'))
    created_by_id: Mapped[int] = mapped_column(ForeignKey('user_account.id'))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[Optional[datetime]] = mapped_column()
    deleted_at: Mapped[Optional[datetime]] = mapped_column()
    deleted_reason: Mapped[Optional[str]] = mapped_column(String(500))
    # A supplementary entry (增补) belongs to a supplement request, whose process it follows instead of its own.
    supplement_id: Mapped[Optional[int]] = mapped_column(ForeignKey('supplement.id'), index=True)
    # The province catalogue version the claim was filed under: its pathway, sub-type and level mean what they meant
    # then, whatever the province publishes later.
    catalogue_version_id: Mapped[Optional[int]] = mapped_column(ForeignKey('catalogue_version.id'))

    learner: Mapped[User] = relationship(foreign_keys=[learner_id])
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    unit: Mapped[Organisation] = relationship(foreign_keys=[unit_id])
    department: Mapped[Optional[Department]] = relationship()
    reviewer_org: Mapped[Optional[Organisation]] = relationship(foreign_keys=[reviewer_org_id])
    evidence: Mapped[list['Evidence']] = relationship(back_populates='claim', order_by='Evidence.id')
    supplement: Mapped[Optional['Supplement']] = relationship(back_populates='entries')

    def __repr__(self):
        return f'<Claim {self.id} {self.status_label}>'

    # The lists (webapp/claims/queries.py) page over one scope, undeleted claims newest first: an index per scope in
    # that order, so that a page stops after its rows. The filters' columns and the learner ride along (PostgreSQL
    # INCLUDE), so that a filtered count is read from the index alone. Above the unit only submitted claims are seen.
    __table_args__ = (
        Index('ix_claim_unit_id_id', 'unit_id', 'id', postgresql_include=LISTED,
              postgresql_where=text('deleted_at IS NULL')),
        Index('ix_claim_unit_id_department_id_id', 'unit_id', 'department_id', 'id', postgresql_include=LISTED,
              postgresql_where=text('department_id IS NOT NULL AND deleted_at IS NULL')),
        Index('ix_claim_reviewer_org_id_id', 'reviewer_org_id', 'id', postgresql_include=LISTED,
              postgresql_where=text('submitted_at IS NOT NULL AND deleted_at IS NULL')),
        Index('ix_claim_province_id_id', 'province_id', 'id', postgresql_include=LISTED,
              postgresql_where=text('submitted_at IS NOT NULL AND deleted_at IS NULL')),
        Index('ix_claim_learner_id_id', 'learner_id', 'id'),
        Index('ix_claim_created_by_id_id', 'created_by_id', 'id'),
    )


class Evidence(db.Model):
    """Metadata of an uploaded file; the bytes live on disk under their sha256."""
    __tablename__ = 'evidence'
    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey('claim.id'), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(50))
    size: Mapped[int] = mapped_column(Integer)
    caption: Mapped[str] = mapped_column(String(33))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey('user_account.id'))

    claim: Mapped[Claim] = relationship(back_populates='evidence')

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith('image/')


class RegistrationWindow(db.Model):
    """登记开放日期: set by province staff; claims for `year` may be submitted between the two dates."""
    __tablename__ = 'registration_window'
    id: Mapped[int] = mapped_column(primary_key=True)
    province_id: Mapped[int] = mapped_column(ForeignKey('organisation.id'), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    opens_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)
    updated_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey('user_account.id'))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SupplementWindow(db.Model):
    """增补开放日期 (seed 000: 1–20 January, for the previous year); a province may set other dates."""
    __tablename__ = 'supplement_window'
    id: Mapped[int] = mapped_column(primary_key=True)
    province_id: Mapped[int] = mapped_column(ForeignKey('organisation.id'), unique=True)
    opens_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)
    year: Mapped[int] = mapped_column(Integer)  # the year whose claims may be supplemented
    updated_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey('user_account.id'))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Supplement(db.Model):
    """增补申请: a learner asks to add entries to a pathway of a finished year; the unit agrees, then the entries
    (claims with supplement_id) go through unit review, 学时办 review and provincial filing together."""
    __tablename__ = 'supplement'
    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey('user_account.id'), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey('organisation.id'), index=True)
    department_id: Mapped[Optional[int]] = mapped_column(ForeignKey('department.id'))
    province_id: Mapped[int] = mapped_column(ForeignKey('organisation.id'))
    year: Mapped[int] = mapped_column(Integer)
    pathway: Mapped[str] = mapped_column(String(30))
    status_label: Mapped[str] = mapped_column(String(50))
    outcome: Mapped[str] = mapped_column(String(20))
    unit_decision: Mapped[Optional[str]] = mapped_column(String(20))  # agree | refuse (同意 / 不同意)
    reason: Mapped[Optional[str]] = mapped_column(String(500))        # why the unit refused
    instance_id: Mapped[Optional[int]] = mapped_column(ForeignKey('workflow_instance.id'))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    requested_at: Mapped[Optional[datetime]] = mapped_column()       # 提交申请 (sent to the unit)
    submitted_at: Mapped[Optional[datetime]] = mapped_column()       # 个人上报 (entries sent for review)

    learner: Mapped[User] = relationship(foreign_keys=[learner_id])
    unit: Mapped[Organisation] = relationship(foreign_keys=[unit_id])
    entries: Mapped[list[Claim]] = relationship(back_populates='supplement', order_by='Claim.id')

    __table_args__ = (Index('ix_supplement_learner_year', 'learner_id', 'year', 'pathway'),)
