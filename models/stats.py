"""The dashboards' aggregates (统计): per unit and year, month or week, rebuilt from the source rows by
webapp/oversight/stats.py (`flask worker` every few minutes, or `flask refresh-stats`), so that a province's
dashboard sums thousands of rows, not a million. `StatRefresh` says when they were last rebuilt (数据更新于)."""
from datetime import date, datetime
from decimal import Decimal
from typing import Optional

from sqlalchemy import Date, ForeignKey, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import db

SUM = Numeric(12, 1)


class StatUnitYear(db.Model):
    """One unit's learners in a year and how many met each part of the year's requirement (学时达标)."""
    __tablename__ = 'stat_unit_year'
    org_id: Mapped[int] = mapped_column(ForeignKey('organisation.id'), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff: Mapped[int] = mapped_column(Integer, default=0)
    total_met: Mapped[int] = mapped_column(Integer, default=0)
    professional_met: Mapped[int] = mapped_column(Integer, default=0)
    public_met: Mapped[int] = mapped_column(Integer, default=0)
    all_met: Mapped[int] = mapped_column(Integer, default=0)


class StatClaimMonth(db.Model):
    """One unit's claims of a year by month (of the training's end) and pathway: submitted, approved, and the
    hours approved."""
    __tablename__ = 'stat_claim_month'
    org_id: Mapped[int] = mapped_column(ForeignKey('organisation.id'), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[int] = mapped_column(Integer, primary_key=True)
    pathway: Mapped[str] = mapped_column(String(30), primary_key=True)
    submitted: Mapped[int] = mapped_column(Integer, default=0)
    approved: Mapped[int] = mapped_column(Integer, default=0)
    hours: Mapped[Decimal] = mapped_column(SUM, default=0)


class StatDecisionWeek(db.Model):
    """Review decisions (通过 / 不通过 / 退回) taken at an organisation in a week (its Monday), by pathway."""
    __tablename__ = 'stat_decision_week'
    org_id: Mapped[int] = mapped_column(ForeignKey('organisation.id'), primary_key=True)
    week: Mapped[date] = mapped_column(Date, primary_key=True)
    pathway: Mapped[str] = mapped_column(String(30), primary_key=True)
    outcome: Mapped[str] = mapped_column(String(30), primary_key=True)
    decisions: Mapped[int] = mapped_column(Integer, default=0)


class StatRefresh(db.Model):
    """When the aggregates were last rebuilt (one row); its lock keeps two workers from rebuilding at once."""
    __tablename__ = 'stat_refresh'
    id: Mapped[int] = mapped_column(primary_key=True)
    refreshed_at: Mapped[Optional[datetime]] = mapped_column()


class StatBacklog(db.Model):
    """What waited at an organisation (and below it) when the aggregates were rebuilt, by process and step: how many
    by waiting time (up to 7 days, 8–30, 31–90, longer) and since when the oldest."""
    __tablename__ = 'stat_backlog'
    org_id: Mapped[int] = mapped_column(ForeignKey('organisation.id'), primary_key=True)
    subject_type: Mapped[str] = mapped_column(String(30), primary_key=True)
    status_label: Mapped[str] = mapped_column(String(50), primary_key=True)
    week: Mapped[int] = mapped_column(Integer, default=0)
    month: Mapped[int] = mapped_column(Integer, default=0)
    quarter: Mapped[int] = mapped_column(Integer, default=0)
    older: Mapped[int] = mapped_column(Integer, default=0)
    oldest: Mapped[datetime] = mapped_column()
