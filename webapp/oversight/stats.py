"""The dashboards' aggregates (models/stats.py), rebuilt from the source rows in one transaction: the completion of
the learners per year (from the hours counter, against the year's requirement of their province), the claims per
year, month and pathway, the review decisions per week and pathway, what waits, the supplement requests and the
registrations per month. Each source table is read once (set-based INSERT … SELECT): grouped by organisation and
department into the Stat…Dept… tables (a unit admin's dashboard reads her unit's rows), from which each
organisation's sub-tree totals are added up (the unit's rows, added to every organisation above it), so that a
supervising department's or the province's dashboard reads the dozens of rows of its root, not its sub-tree's.
`flask worker` rebuilds them once they are older than STATS_REFRESH_SECONDS (one worker at a time: the others skip
the locked row); `flask refresh-stats` does it at once. At a province's scale a rebuild reads every claim and inbox
row once."""
import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, case, cast, delete, extract, func, insert, literal, select, text, union, union_all
from sqlalchemy import Date as DateType
from sqlalchemy.dialects import postgresql, sqlite

from models import (Claim, LearnerHours, Membership, Organisation, Registration, StatBacklog, StatClaimMonth,
                    StatDecisionWeek, StatDeptBacklog, StatDeptClaimMonth, StatDeptDecisionWeek,
                    StatDeptSupplementMonth, StatDeptYear, StatRefresh, StatRegistrationMonth, StatSupplementMonth,
                    StatUnitYear, Supplement, WorkItem, db, utcnow)
from models.org import PROVINCE
from models.people import LEARNER
from models.stats import NO_DEPARTMENT

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
MODELS = (StatDeptYear, StatUnitYear, StatDeptClaimMonth, StatClaimMonth, StatDeptDecisionWeek, StatDecisionWeek,
          StatDeptBacklog, StatBacklog, StatDeptSupplementMonth, StatSupplementMonth, StatRegistrationMonth)


def _week(column):
    """The Monday of *column*'s week, as a date."""
    if db.session.get_bind().dialect.name == 'postgresql':
        return cast(func.date_trunc('week', column), DateType)
    return func.date(column, 'weekday 0', '-6 days')


def _ancestors():
    """Every organisation with itself and each organisation above it (a recursive CTE), and every organisation in a
    人社部门's care (permissions.hr_care: naming it, or a sub-unit inheriting it) with that 人社部门 and each one above
    it: a city's 人社局 reads the totals of the units it looks after from its own rows (they are not below it in the
    tree), not from 2,000 units' rows. Distinct pairs (org_id, ancestor_id): the province, above both, counts a unit
    once."""
    up = select(Organisation.id.label('org_id'), Organisation.id.label('ancestor_id')) \
        .cte('org_up', recursive=True)
    up = up.union_all(select(up.c.org_id, Organisation.parent_id).join(Organisation, Organisation.id ==
                                                                       up.c.ancestor_id)
                      .where(Organisation.parent_id.is_not(None)))
    named = select(Organisation.id.label('org_id'), Organisation.hr_org_id.label('hr_id')) \
        .where(Organisation.hr_org_id.is_not(None)).cte('org_hr', recursive=True)
    named = named.union_all(select(Organisation.id, named.c.hr_id).join(named, Organisation.parent_id ==
                                                                        named.c.org_id)
                            .where(Organisation.hr_org_id.is_(None)))
    return union(select(up.c.org_id, up.c.ancestor_id),
                 select(named.c.org_id, up.c.ancestor_id).join(up, up.c.org_id == named.c.hr_id)) \
        .subquery('org_ancestors')


def _rolled_up(model, per_org, keys: list[str], sums: list[str], mins: tuple[str, ...] = ()):
    """Insert into *model* the rows of *per_org* (a table or subquery: org_id, the *keys*, the *sums* and *mins*, one
    row or more per organisation) added up for each organisation above it too (and itself)."""
    up = _ancestors()
    rows = select(up.c.ancestor_id, *(per_org.c[k] for k in keys), *(func.sum(per_org.c[s]) for s in sums),
                  *(func.min(per_org.c[m]) for m in mins)) \
        .join(up, up.c.org_id == per_org.c.org_id) \
        .group_by(up.c.ancestor_id, *(per_org.c[k] for k in keys))
    db.session.execute(insert(model).from_select(['org_id', *keys, *sums, *mins], rows))


def _by_department(own, whole, rows, keys: list[str], sums: list[str], mins: tuple[str, ...] = ()):
    """The source table read once: *rows* (org_id, department_id, the *keys*, *sums* and *mins*, grouped by the
    first two and the keys) into *own* (each organisation's own rows by department), then *whole* (the sub-tree
    totals) added up from *own*."""
    db.session.execute(insert(own).from_select(['org_id', 'department_id', *keys, *sums, *mins], rows))
    _analyze(own)
    _rolled_up(whole, own.__table__, keys, sums, mins)


def _analyze(model) -> None:
    """PostgreSQL: the planner told what the table now holds (its statistics were of the rows just deleted: it would
    walk the index for what it takes for a row or two, and sort on disk)."""
    if db.session.get_bind().dialect.name == 'postgresql':
        db.session.execute(text(f'ANALYZE {model.__tablename__}'))


def _department(column):
    return func.coalesce(column, NO_DEPARTMENT)


def _names(*columns) -> list[str]:
    """The names of the aggregate's *columns* (their counts are named like outcomes: spelled once, in the model)."""
    return [column.key for column in columns]


def _count(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


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
                counted = [_count(condition) for condition in (met['total'], met['professional'], met['public'],
                                                               and_(*met.values()))]
            else:
                counted = [literal(0)] * 4
            department = _department(Membership.department_id)
            parts.append(select(Membership.org_id, department, literal(year).label('year'), func.count(),
                                *(c.label(name) for c, name in zip(counted, MET)))
                         .outerjoin(LearnerHours, and_(LearnerHours.learner_id == Membership.user_id,
                                                       LearnerHours.year == year))
                         .where(Membership.role == LEARNER, Membership.org_id.in_(select(tree.c.id)))
                         .group_by(Membership.org_id, department))
        db.session.execute(insert(StatDeptYear).from_select(['org_id', 'department_id', 'year', 'staff', *MET],
                                                            union_all(*parts)))
    _analyze(StatDeptYear)
    _rolled_up(StatUnitYear, StatDeptYear.__table__, ['year'], ['staff', *MET])


def _claim_months() -> None:
    approved = Claim.outcome == catalog.APPROVED
    month, department = extract('month', Claim.end_date), _department(Claim.department_id)
    rows = select(Claim.unit_id, department, Claim.year, month, Claim.pathway, func.count(), _count(approved),
                  func.coalesce(func.sum(case((approved, Claim.registered_hours), else_=0)), 0)) \
        .where(Claim.submitted_at.is_not(None), Claim.deleted_at.is_(None)) \
        .group_by(Claim.unit_id, department, Claim.year, month, Claim.pathway)
    _by_department(StatDeptClaimMonth, StatClaimMonth, rows, ['year', 'month', 'pathway'],
                   _names(StatClaimMonth.submitted, StatClaimMonth.approved, StatClaimMonth.hours))


def _decision_weeks() -> None:
    week, pathway = _week(WorkItem.completed_at), func.coalesce(WorkItem.subject_pathway, '')
    department = _department(WorkItem.scope_department_id)
    rows = select(WorkItem.scope_org_id, department, week, pathway, WorkItem.outcome, func.count()) \
        .where(WorkItem.completed_at.is_not(None), WorkItem.outcome.in_(DECISIONS),
               WorkItem.scope_org_id.is_not(None), WorkItem.lane != LEARNER) \
        .group_by(WorkItem.scope_org_id, department, week, pathway, WorkItem.outcome)
    _by_department(StatDeptDecisionWeek, StatDecisionWeek, rows, ['week', 'pathway', 'outcome'], ['decisions'])


def _backlog() -> None:
    """The reviewers' open inbox rows, by organisation, process and step, counted by waiting time now."""
    now = utcnow()
    week, month, quarter = (now - timedelta(days=days) for days in AGE_DAYS)
    created = WorkItem.created_at
    buckets = (created >= week, and_(created < week, created >= month), and_(created < month, created >= quarter),
               created < quarter)
    department = _department(WorkItem.scope_department_id)
    rows = select(WorkItem.scope_org_id, department, WorkItem.subject_type, WorkItem.status_label,
                  *(_count(b) for b in buckets), func.min(created)) \
        .where(WorkItem.completed_at.is_(None), WorkItem.lane != LEARNER, WorkItem.scope_org_id.is_not(None)) \
        .group_by(WorkItem.scope_org_id, department, WorkItem.subject_type, WorkItem.status_label)
    _by_department(StatDeptBacklog, StatBacklog, rows, ['subject_type', 'status_label'], list(BACKLOG), ('oldest',))


def _supplement_months() -> None:
    """The supplement requests sent to their unit, by the year and month they were sent."""
    sent, department = Supplement.requested_at, _department(Supplement.department_id)
    year, month = extract('year', sent), extract('month', sent)
    rows = select(Supplement.unit_id, department, year, month, Supplement.pathway, func.count(),
                  _count(Supplement.outcome == catalog.APPROVED), _count(Supplement.outcome == catalog.REJECTED)) \
        .where(sent.is_not(None)) \
        .group_by(Supplement.unit_id, department, year, month, Supplement.pathway)
    _by_department(StatDeptSupplementMonth, StatSupplementMonth, rows, ['year', 'month', 'pathway'],
                   _names(StatSupplementMonth.requested, StatSupplementMonth.approved, StatSupplementMonth.rejected))


def _registration_months() -> None:
    """The registrations, at the organisation each named as its superior (a learner's: her unit), by the year and
    month they were submitted and their kind."""
    year, month = extract('year', Registration.created_at), extract('month', Registration.created_at)
    sums = _names(StatRegistrationMonth.submitted, StatRegistrationMonth.approved, StatRegistrationMonth.rejected)
    per_org = select(Registration.parent_org_id.label('org_id'), year.label('year'), month.label('month'),
                     Registration.kind, *(count.label(name) for count, name in zip(
                         (func.count(), _count(Registration.outcome == catalog.APPROVED),
                          _count(Registration.outcome == catalog.REJECTED)), sums))) \
        .group_by(Registration.parent_org_id, year, month, Registration.kind)
    _rolled_up(StatRegistrationMonth, per_org.subquery(), ['year', 'month', 'kind'], sums)


def rebuild() -> None:
    """Every aggregate rebuilt from the source rows, and the time noted (flushes; the caller commits)."""
    for model in MODELS:
        db.session.execute(delete(model))
    _unit_years()
    _claim_months()
    _decision_weeks()
    _backlog()
    _supplement_months()
    _registration_months()
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
