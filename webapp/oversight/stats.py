"""The dashboards' aggregates (models/stats.py), rebuilt from the source rows in one transaction: the completion of
the learners per year (from the hours counter, against the year's requirement of their province), the claims per
year, month and pathway, and the review decisions per week and pathway — each kept for every organisation as the
total of its whole sub-tree (the unit's own rows, added to every organisation above it), so that a dashboard reads
the dozens of rows of its root, not its sub-tree's. `flask worker` rebuilds them once they are older than
STATS_REFRESH_SECONDS (one worker at a time: the others skip the locked row); `flask refresh-stats` does it at once.
At a province's scale a rebuild reads every claim and decided inbox row once."""
import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, case, cast, delete, extract, func, insert, literal, select, union_all
from sqlalchemy import Date as DateType
from sqlalchemy.dialects import postgresql, sqlite

from models import (Claim, LearnerHours, Membership, Organisation, StatBacklog, StatClaimMonth, StatDecisionWeek,
                    StatRefresh, StatUnitYear, WorkItem, db, utcnow)
from models.org import PROVINCE
from models.people import LEARNER

from .. import timers
from ..certificates.operations import CertificateError, requirement
from ..dates import today
from ..permissions import org_subtree
from ..workflow import catalog
from .queries import met_conditions

log = logging.getLogger(__name__)
DECISIONS = ('approve', 'reject', 'return')  # the reviewers' outcomes the weekly chart counts
MET = ('total_met', 'professional_met', 'public_met', 'all_met')
BACKLOG = ('week', 'month', 'quarter', 'older')  # StatBacklog's waiting-time columns, and their upper bounds:
AGE_DAYS = (7, 30, 90)
ROW = 1  # StatRefresh's one row


def _week(column):
    """The Monday of *column*'s week, as a date."""
    if db.session.get_bind().dialect.name == 'postgresql':
        return cast(func.date_trunc('week', column), DateType)
    return func.date(column, 'weekday 0', '-6 days')


def _ancestors():
    """Every organisation with itself and each organisation above it: a recursive CTE (org_id, ancestor_id)."""
    up = select(Organisation.id.label('org_id'), Organisation.id.label('ancestor_id')) \
        .cte('org_up', recursive=True)
    return up.union_all(select(up.c.org_id, Organisation.parent_id).join(Organisation, Organisation.id ==
                                                                         up.c.ancestor_id)
                        .where(Organisation.parent_id.is_not(None)))


def _rolled_up(model, per_org, keys: list[str], sums: list[str], mins: tuple[str, ...] = ()):
    """Insert into *model* the rows of *per_org* (a subquery: org_id, the *keys*, the *sums* and *mins*, per
    organisation) added up for each organisation above it too (and itself)."""
    up = _ancestors()
    rows = select(up.c.ancestor_id, *(per_org.c[k] for k in keys), *(func.sum(per_org.c[s]) for s in sums),
                  *(func.min(per_org.c[m]) for m in mins)) \
        .join(up, up.c.org_id == per_org.c.org_id) \
        .group_by(up.c.ancestor_id, *(per_org.c[k] for k in keys))
    db.session.execute(insert(model).from_select(['org_id', *keys, *sums, *mins], rows))


def years() -> list[int]:
    """The years whose completion is kept: this one and the last (staff are counted as they are now)."""
    current = today().year
    return [current - 1, current]


def _unit_years() -> None:
    """Per province (its requirement; sub-trees of two provinces never meet), in one statement each."""
    for province in db.session.scalars(select(Organisation).where(Organisation.kind == PROVINCE)):
        try:
            req = requirement(province)
        except CertificateError:
            req = None
        tree = org_subtree(province.id)
        parts = []
        for year in years():
            if req is not None:
                met = met_conditions(req)
                counted = [func.coalesce(func.sum(case((condition, 1), else_=0)), 0) for condition in (
                    met['total'], met['professional'], met['public'], and_(*met.values()))]
            else:
                counted = [literal(0)] * 4
            parts.append(select(Membership.org_id, literal(year).label('year'), func.count().label('staff'),
                                *(c.label(name) for c, name in zip(counted, MET)))
                         .outerjoin(LearnerHours, and_(LearnerHours.learner_id == Membership.user_id,
                                                       LearnerHours.year == year))
                         .where(Membership.role == LEARNER, Membership.org_id.in_(select(tree.c.id)))
                         .group_by(Membership.org_id))
        _rolled_up(StatUnitYear, union_all(*parts).subquery(), ['year'], ['staff', *MET])


def _claim_months() -> None:
    approved = Claim.outcome == catalog.APPROVED
    month = extract('month', Claim.end_date)
    columns = [c.name for c in StatClaimMonth.__table__.columns]  # org_id, year, month, pathway, then the sums
    sums = (func.count(), func.coalesce(func.sum(case((approved, 1), else_=0)), 0),
            func.coalesce(func.sum(case((approved, Claim.registered_hours), else_=0)), 0))
    per_unit = select(Claim.unit_id.label('org_id'), Claim.year, month.label('month'), Claim.pathway,
                      *(total.label(name) for total, name in zip(sums, columns[4:]))) \
        .where(Claim.submitted_at.is_not(None), Claim.deleted_at.is_(None)) \
        .group_by(Claim.unit_id, Claim.year, month, Claim.pathway)
    _rolled_up(StatClaimMonth, per_unit.subquery(), columns[1:4], columns[4:])


def _decision_weeks() -> None:
    week, pathway = _week(WorkItem.completed_at), func.coalesce(WorkItem.subject_pathway, '')
    per_org = select(WorkItem.scope_org_id.label('org_id'), week.label('week'), pathway.label('pathway'),
                     WorkItem.outcome, func.count().label('decisions')) \
        .where(WorkItem.completed_at.is_not(None), WorkItem.outcome.in_(DECISIONS),
               WorkItem.scope_org_id.is_not(None), WorkItem.lane != LEARNER) \
        .group_by(WorkItem.scope_org_id, week, pathway, WorkItem.outcome)
    _rolled_up(StatDecisionWeek, per_org.subquery(), ['week', 'pathway', 'outcome'], ['decisions'])


def _backlog() -> None:
    """The reviewers' open inbox rows, by organisation, process and step, counted by waiting time now."""
    now = utcnow()
    week, month, quarter = (now - timedelta(days=days) for days in AGE_DAYS)
    created = WorkItem.created_at
    buckets = (created >= week, and_(created < week, created >= month), and_(created < month, created >= quarter),
               created < quarter)
    per_org = select(WorkItem.scope_org_id.label('org_id'), WorkItem.subject_type, WorkItem.status_label,
                     *(func.sum(case((b, 1), else_=0)).label(name) for b, name in zip(buckets, BACKLOG)),
                     func.min(created).label('oldest')) \
        .where(WorkItem.completed_at.is_(None), WorkItem.lane != LEARNER, WorkItem.scope_org_id.is_not(None)) \
        .group_by(WorkItem.scope_org_id, WorkItem.subject_type, WorkItem.status_label)
    _rolled_up(StatBacklog, per_org.subquery(), ['subject_type', 'status_label'], list(BACKLOG), ('oldest',))


def rebuild() -> None:
    """Every aggregate rebuilt from the source rows, and the time noted (flushes; the caller commits)."""
    for model in (StatUnitYear, StatClaimMonth, StatDecisionWeek, StatBacklog):
        db.session.execute(delete(model))
    _unit_years()
    _claim_months()
    _decision_weeks()
    _backlog()
    marker = db.session.get(StatRefresh, ROW)
    if marker is None:
        marker = StatRefresh(id=ROW)
        db.session.add(marker)
    marker.refreshed_at = utcnow()
    db.session.flush()


def refreshed_at():
    marker = db.session.get(StatRefresh, ROW)
    return marker.refreshed_at if marker is not None else None


def refresh_if_due() -> int:
    """`flask worker`'s job: rebuild once the aggregates are older than STATS_REFRESH_SECONDS, unless another
    worker is rebuilding them now (its row is locked). Commits; 1 when it rebuilt, else 0."""
    seconds = current_app.config.get('STATS_REFRESH_SECONDS', 600)
    if db.session.get(StatRefresh, ROW) is None:  # the row to lock: made once (two workers may both try)
        dialect_insert = postgresql.insert if db.session.get_bind().dialect.name == 'postgresql' else sqlite.insert
        db.session.execute(dialect_insert(StatRefresh).values(id=ROW).on_conflict_do_nothing(index_elements=['id']))
        db.session.commit()
    marker = db.session.scalar(select(StatRefresh).where(StatRefresh.id == ROW)
                               .with_for_update(skip_locked=True))
    if marker is None or marker.refreshed_at is not None \
            and marker.refreshed_at > utcnow() - timedelta(seconds=seconds):  # another worker holds it, or fresh
        db.session.rollback()
        return 0
    rebuild()
    db.session.commit()
    log.info('dashboard aggregates rebuilt')
    return 1


timers.register_background(refresh_if_due)
