"""The dashboards' aggregates (统计): per organisation and year, month or week, rebuilt from the source rows by
webapp/oversight/stats.py (`flask worker` every few minutes, or `flask refresh-stats`), so that a province's
dashboard sums thousands of rows, not a million. Two kinds of table for each figure: the Stat…Dept… tables hold each
organisation's own rows by department (department_id 0: none), read once from the source table; the others hold
each organisation's sub-tree totals, added up from the former. A supervising department's or the province's
dashboard reads the latter (its root's rows); a unit admin's reads the former (her unit's, or her department's).
`StatRefresh` says when they were last rebuilt (数据更新于)."""
from datetime import date, datetime
from decimal import Decimal
from typing import Optional

from sqlalchemy import Date, ForeignKey, Integer, Numeric, String
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from .base import db

SUM = Numeric(12, 1)
NO_DEPARTMENT = 0  # department_id of the rows of people, claims and tasks without a department


class _Org:
    @declared_attr
    def org_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey('organisation.id'), primary_key=True, sort_order=-2)


class _Department(_Org):
    department_id: Mapped[int] = mapped_column(Integer, primary_key=True, sort_order=-1)  # no foreign key: 0: none


class _Met:
    """Learners in a year and how many met each part of the year's requirement (学时达标)."""
    staff: Mapped[int] = mapped_column(Integer, default=0)
    total_met: Mapped[int] = mapped_column(Integer, default=0)
    professional_met: Mapped[int] = mapped_column(Integer, default=0)
    public_met: Mapped[int] = mapped_column(Integer, default=0)
    all_met: Mapped[int] = mapped_column(Integer, default=0)


class _Claims:
    """Claims of a year by month (of the training's end) and pathway: submitted, approved, the hours approved."""
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[int] = mapped_column(Integer, primary_key=True)
    pathway: Mapped[str] = mapped_column(String(30), primary_key=True)
    submitted: Mapped[int] = mapped_column(Integer, default=0)
    approved: Mapped[int] = mapped_column(Integer, default=0)
    hours: Mapped[Decimal] = mapped_column(SUM, default=0)


class _Decisions:
    """Review decisions (通过 / 不通过 / 退回) taken in a week (its Monday), by pathway."""
    week: Mapped[date] = mapped_column(Date, primary_key=True)
    pathway: Mapped[str] = mapped_column(String(30), primary_key=True)
    outcome: Mapped[str] = mapped_column(String(30), primary_key=True)
    decisions: Mapped[int] = mapped_column(Integer, default=0)


class _Backlog:
    """What waited when the aggregates were rebuilt, by process and step: how many by waiting time (up to 7 days,
    8–30, 31–90, longer) and since when the oldest."""
    subject_type: Mapped[str] = mapped_column(String(30), primary_key=True)
    status_label: Mapped[str] = mapped_column(String(50), primary_key=True)
    week: Mapped[int] = mapped_column(Integer, default=0)
    month: Mapped[int] = mapped_column(Integer, default=0)
    quarter: Mapped[int] = mapped_column(Integer, default=0)
    older: Mapped[int] = mapped_column(Integer, default=0)
    oldest: Mapped[datetime] = mapped_column()


class _Supplements:
    """Supplement requests (增补申请) sent to the unit in a month (year and month of the request), by pathway: how
    many, and how many of them were approved (备案) and rejected (by the unit or a review) so far."""
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[int] = mapped_column(Integer, primary_key=True)
    pathway: Mapped[str] = mapped_column(String(30), primary_key=True)
    requested: Mapped[int] = mapped_column(Integer, default=0)
    approved: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)


class StatUnitYear(_Org, _Met, db.Model):
    """An organisation's sub-tree's learners in a year and how many met the requirement."""
    __tablename__ = 'stat_unit_year'
    year: Mapped[int] = mapped_column(Integer, primary_key=True)


class StatDeptYear(_Department, _Met, db.Model):
    """An organisation's own learners in a year by department (StatUnitYear's source)."""
    __tablename__ = 'stat_dept_year'
    year: Mapped[int] = mapped_column(Integer, primary_key=True)


class StatClaimMonth(_Org, _Claims, db.Model):
    """An organisation's sub-tree's claims by year, month and pathway."""
    __tablename__ = 'stat_claim_month'


class StatDeptClaimMonth(_Department, _Claims, db.Model):
    """An organisation's own claims by department, year, month and pathway (StatClaimMonth's source)."""
    __tablename__ = 'stat_dept_claim_month'


class StatDecisionWeek(_Org, _Decisions, db.Model):
    """Review decisions taken at an organisation or below it, by week, pathway and outcome."""
    __tablename__ = 'stat_decision_week'


class StatDeptDecisionWeek(_Department, _Decisions, db.Model):
    """Review decisions taken at an organisation itself, by department (StatDecisionWeek's source)."""
    __tablename__ = 'stat_dept_decision_week'


class StatBacklog(_Org, _Backlog, db.Model):
    """What waited at an organisation and below it, by process and step."""
    __tablename__ = 'stat_backlog'


class StatDeptBacklog(_Department, _Backlog, db.Model):
    """What waited at an organisation itself, by department, process and step (StatBacklog's source)."""
    __tablename__ = 'stat_dept_backlog'


class StatSupplementMonth(_Org, _Supplements, db.Model):
    """Supplement requests of an organisation's sub-tree by month of the request and pathway."""
    __tablename__ = 'stat_supplement_month'


class StatDeptSupplementMonth(_Department, _Supplements, db.Model):
    """Supplement requests of a unit's own staff by department (StatSupplementMonth's source)."""
    __tablename__ = 'stat_dept_supplement_month'


class StatRegistrationMonth(_Org, db.Model):
    """Registrations (注册) submitted to an organisation or below it, by year and month of submission and kind
    (learner: at the unit chosen; unit or supervising department: at the superior chosen): how many, and how many
    of them were approved and rejected so far."""
    __tablename__ = 'stat_registration_month'
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    submitted: Mapped[int] = mapped_column(Integer, default=0)
    approved: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)


class StatRefresh(db.Model):
    """When the aggregates were last rebuilt (one row); its lock keeps two workers from rebuilding at once."""
    __tablename__ = 'stat_refresh'
    id: Mapped[int] = mapped_column(primary_key=True)
    refreshed_at: Mapped[Optional[datetime]] = mapped_column()
