"""Annual certificates (《继续教育合格证书》), the claims each relied on, hour-record prints (学时记录表) and the
learner's yearly profile confirmation (信息核实) that locks her data for that year's prints."""
import secrets
from datetime import datetime
from decimal import Decimal
from typing import Optional

from sqlalchemy import Column, ForeignKey, Integer, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import db, utcnow
from .claims import HOURS, Claim
from .people import User

certificate_claim = Table(
    'certificate_claim', db.metadata,
    Column('certificate_id', ForeignKey('certificate.id'), primary_key=True),
    Column('claim_id', ForeignKey('claim.id'), primary_key=True, index=True),
)

# The verification code (核验码) that the certificate's QR code and printed URL carry: certificate numbers are
# sequential, so the public page is found by this random code only. 20 characters of RFC 4648 base32 (A-Z, 2-7: no
# 0, 1 or 8 to misread as O, I or B) = 100 bits, so walking or guessing codes finds nothing in any useful time.
VERIFICATION_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
VERIFICATION_CODE_LENGTH = 20


def new_verification_code() -> str:
    return ''.join(secrets.choice(VERIFICATION_ALPHABET) for _ in range(VERIFICATION_CODE_LENGTH))


class Certificate(db.Model):
    """Issued when a learner met the year's requirement; voided when hours it relied on are deleted (seed 001)."""
    __tablename__ = 'certificate'
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)  # printed for reference; opens nothing publicly
    verification_code: Mapped[str] = mapped_column(String(VERIFICATION_CODE_LENGTH), unique=True,
                                                   default=new_verification_code)
    learner_id: Mapped[int] = mapped_column(ForeignKey('user_account.id'), index=True)
    year: Mapped[int] = mapped_column(Integer)
    # Snapshot at issue time: later changes to the learner's hours do not alter an issued certificate.
    total_hours: Mapped[Decimal] = mapped_column(HOURS)
    professional_hours: Mapped[Decimal] = mapped_column(HOURS)
    public_hours: Mapped[Decimal] = mapped_column(HOURS)
    learner_name: Mapped[str] = mapped_column(String(50))
    id_number: Mapped[Optional[str]] = mapped_column(String(18))
    unit_name: Mapped[str] = mapped_column(String(200))
    issuer_name: Mapped[str] = mapped_column(String(200))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey('user_account.id'))
    voided_at: Mapped[Optional[datetime]] = mapped_column()
    void_reason: Mapped[Optional[str]] = mapped_column(String(500))

    learner: Mapped[User] = relationship(foreign_keys=[learner_id])
    claims: Mapped[list[Claim]] = relationship(secondary=certificate_claim, order_by='Claim.id')

    @property
    def is_valid(self) -> bool:
        return self.voided_at is None

    def __repr__(self):
        return f'<Certificate {self.number}>'


class ProfileConfirmation(db.Model):
    """信息核实: before the first print of a year the learner confirms her data; it is then locked for that year
    (the prints of that year show this snapshot)."""
    __tablename__ = 'profile_confirmation'
    __table_args__ = (UniqueConstraint('learner_id', 'year', name='uq_profile_confirmation_learner_year'),)
    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey('user_account.id'), index=True)
    year: Mapped[int] = mapped_column(Integer)
    confirmed_at: Mapped[datetime] = mapped_column(default=utcnow)
    name: Mapped[str] = mapped_column(String(50))
    id_number: Mapped[Optional[str]] = mapped_column(String(18))
    phone: Mapped[Optional[str]] = mapped_column(String(20))
    unit_name: Mapped[str] = mapped_column(String(200))
    department_name: Mapped[Optional[str]] = mapped_column(String(100))
    # From the enrolment (报名) and the approved title, printed on the 学时记录表 (seed 003 §5).
    identity: Mapped[Optional[str]] = mapped_column(String(20))    # 所属对象 / 人员身份
    title: Mapped[Optional[str]] = mapped_column(String(20))       # 专业技术职务任职资格
    specialty: Mapped[Optional[str]] = mapped_column(String(30))   # 现从事专业


class HourRecordPrint(db.Model):
    """历史打印日志: one row per print of a year's 学时记录表 (打印日期, 打印编号)."""
    __tablename__ = 'hour_record_print'
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey('user_account.id'), index=True)
    year: Mapped[int] = mapped_column(Integer)
    total_hours: Mapped[Decimal] = mapped_column(HOURS)
    met: Mapped[bool] = mapped_column(default=False)
    printed_at: Mapped[datetime] = mapped_column(default=utcnow)
    printed_by_id: Mapped[int] = mapped_column(ForeignKey('user_account.id'))
