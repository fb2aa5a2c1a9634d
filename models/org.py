"""Organisation tree (province → supervising departments → units) and unit departments."""
from typing import Optional

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import db

PROVINCE, SUPERVISOR, UNIT, HR = 'province', 'supervisor', 'unit', 'hr'
# 人社部门 (seed 004): registered under the province; the `hr` lane of a diagram resolves to it.
ORG_KINDS = {PROVINCE: '省级', SUPERVISOR: '主管部门', UNIT: '用人单位', HR: '人社部门'}


class Organisation(db.Model):
    __tablename__ = 'organisation'
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    credit_code: Mapped[Optional[str]] = mapped_column(String(18), unique=True)
    locality: Mapped[Optional[str]] = mapped_column(String(100))
    parent_id: Mapped[Optional[int]] = mapped_column(ForeignKey('organisation.id'), index=True)
    # Unit data collected at registration (seed 004): 单位性质, 单位级别, 所属行业, 电话, 地址.
    nature: Mapped[Optional[str]] = mapped_column(String(30))
    level: Mapped[Optional[str]] = mapped_column(String(30))
    industry: Mapped[Optional[str]] = mapped_column(String(50))
    phone: Mapped[Optional[str]] = mapped_column(String(20))
    address: Mapped[Optional[str]] = mapped_column(String(200))
    # A province's short code (ZJ, GX): the prefix of its certificate numbers.
    code: Mapped[Optional[str]] = mapped_column(String(10))
    # 同级人社部门 (seed 004): the 人社部门 a unit names at registration; the `hr` lane of its claims waits there (a
    # sub-unit naming none inherits its parent unit's), and that 人社部门's staff see the unit.
    hr_org_id: Mapped[Optional[int]] = mapped_column(ForeignKey('organisation.id'), index=True)
    # 营业执照或统一社会信用代码证书扫描件 (evidence store, by sha256): from the approved registration, replaced by an
    # approved 修改单位信息 request.
    licence_sha256: Mapped[Optional[str]] = mapped_column(String(64))
    licence_type: Mapped[Optional[str]] = mapped_column(String(50))

    parent: Mapped[Optional['Organisation']] = relationship(remote_side=[id], foreign_keys=[parent_id])
    hr_org: Mapped[Optional['Organisation']] = relationship(remote_side=[id], foreign_keys=[hr_org_id])
    departments: Mapped[list['Department']] = relationship(back_populates='unit', order_by='Department.name')

    @property
    def supervisor(self) -> Optional['Organisation']:
        """The supervising department above this unit (walking up through parent units)."""
        org = self.parent
        while org is not None and org.kind == UNIT:
            org = org.parent
        return org if org is not None and org.kind == SUPERVISOR else None

    @property
    def province(self) -> Optional['Organisation']:
        org = self
        while org is not None and org.kind != PROVINCE:
            org = org.parent
        return org

    def __repr__(self):
        return f'<Organisation {self.id} {self.kind} {self.name}>'


class Department(db.Model):
    __tablename__ = 'department'
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey('organisation.id'), index=True)
    name: Mapped[str] = mapped_column(String(100))

    unit: Mapped[Organisation] = relationship(back_populates='departments')

    def __repr__(self):
        return f'<Department {self.id} {self.name}>'
