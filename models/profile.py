"""A learner's yearly enrolment (报名, seed 003) and her requests to change her professional title (职称变更)."""
from datetime import date, datetime
from typing import Optional

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import db, utcnow
from .org import Organisation
from .people import User

# Choices of seed 003's enrolment form.
IDENTITIES = ('机关事业单位', '事业单位(在编)', '事业单位(非在编)', '国有企业', '集体企业', '民营企业', '其他')
POLITICAL = ('中共党员', '中共预备党员', '共青团员', '民主党派', '无党派人士', '群众')
EDUCATION = ('博士研究生', '硕士研究生', '大学本科', '大学专科', '中专', '高中及以下')
TITLES = ('无', '正高级工程师', '高级工程师', '工程师', '助理工程师', '技术员')
SPECIALTIES = ('公路工程', '桥梁隧道工程', '港口航道工程', '交通运输管理', '工程造价', '试验检测', '建筑工程', '规划设计',
               '其他')


class Enrolment(db.Model):
    __tablename__ = 'enrolment'
    __table_args__ = (UniqueConstraint('learner_id', 'year', name='uq_enrolment_learner_year'),)
    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey('user_account.id'), index=True)
    year: Mapped[int] = mapped_column(Integer)
    unit_id: Mapped[int] = mapped_column(ForeignKey('organisation.id'), index=True)
    department_id: Mapped[Optional[int]] = mapped_column(ForeignKey('department.id'))
    identity: Mapped[str] = mapped_column(String(20))              # 人员身份
    political_status: Mapped[str] = mapped_column(String(20))      # 政治面貌
    education: Mapped[str] = mapped_column(String(20))             # 最高学历
    title: Mapped[str] = mapped_column(String(20))                 # 专业技术职务任职资格
    title_date: Mapped[Optional[date]] = mapped_column(Date)       # 取得时间
    specialty: Mapped[str] = mapped_column(String(30))             # 现从事专业
    status_label: Mapped[str] = mapped_column(String(50))
    outcome: Mapped[str] = mapped_column(String(20))
    reason: Mapped[Optional[str]] = mapped_column(String(500))     # 审核不通过，原因：…
    instance_id: Mapped[Optional[int]] = mapped_column(ForeignKey('workflow_instance.id'))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[Optional[datetime]] = mapped_column()

    learner: Mapped[User] = relationship()
    unit: Mapped[Organisation] = relationship()


class TitleChange(db.Model):
    __tablename__ = 'title_change'
    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey('user_account.id'), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey('organisation.id'), index=True)
    department_id: Mapped[Optional[int]] = mapped_column(ForeignKey('department.id'))
    old_title: Mapped[Optional[str]] = mapped_column(String(20))
    new_title: Mapped[str] = mapped_column(String(20))
    title_date: Mapped[Optional[date]] = mapped_column(Date)
    status_label: Mapped[str] = mapped_column(String(50))
    outcome: Mapped[str] = mapped_column(String(20))
    reason: Mapped[Optional[str]] = mapped_column(String(500))
    instance_id: Mapped[Optional[int]] = mapped_column(ForeignKey('workflow_instance.id'))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[Optional[datetime]] = mapped_column()

    learner: Mapped[User] = relationship()
    unit: Mapped[Organisation] = relationship()
