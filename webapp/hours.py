"""The hours counter (models.LearnerHours), kept exactly right in this one place.

Every flush that changes a claim's hours (approved or no longer approved, deleted, hours, category, learner or year)
or a learning record recounts the (learner, year) pairs it touched from the source rows, in the same transaction:
nothing else writes the counter, and no call site has to remember it. Writes that bypass the ORM's flush go through
`do_orm_execute` below when they are executed on the session (Core insert, update or delete of claim or
learning_record); a write on a bare connection must call `recount(session, pairs)` itself.

Two transactions counting the same learner's year: the recount first locks the counter row (an upsert: it waits for
the other transaction to commit), then sums in a statement of its own, which under READ COMMITTED sees what the other
committed. SQLite serialises writers.
"""
from collections.abc import Iterable
from decimal import Decimal

from sqlalchemy import Delete, Insert, Update, and_, case, delete, event, func, insert, inspect, select, \
    tuple_, union_all
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from models import Claim, LearnerHours, LearningRecord
from models.learning import PROFESSIONAL

from .workflow import catalog

Pairs = set[tuple[int, int]]
CLAIM_FIELDS = ('learner_id', 'year', 'outcome', 'registered_hours', 'category', 'deleted_at')
RECORD_FIELDS = ('learner_id', 'year', 'hours', 'category')
_TOUCHED = 'hours_touched'
_UNKNOWN = object()
BATCH = 1000  # pairs per statement (a bulk load's thousands stay under the drivers' parameter limits)


# ---- the sums, from the source rows -----------------------------------------------------------------------------

def _counted_claims():
    return (Claim.outcome == catalog.APPROVED, Claim.deleted_at.is_(None))


def _of(pairs, learner_id, year) -> tuple:
    """Conditions selecting *pairs*: a list of pairs alone is an OR of row comparisons, which no index serves, so
    the key's columns narrow it first."""
    return (learner_id.in_(sorted({learner for learner, _year in pairs})),
            year.in_(sorted({year for _learner, year in pairs})), tuple_(learner_id, year).in_(pairs))


def source_totals(pairs=None):
    """Per (learner, year) (only *pairs*, if given): professional, public and entries summed from the source rows,
    as the counter holds them."""
    claims = select(Claim.learner_id, Claim.year,
                    case((Claim.category == 'professional', Claim.registered_hours), else_=0).label('professional'),
                    case((Claim.category == 'public', Claim.registered_hours), else_=0).label('public')) \
        .where(*_counted_claims())
    online_professional = LearningRecord.category == PROFESSIONAL
    records = select(LearningRecord.learner_id, LearningRecord.year,
                     case((online_professional, LearningRecord.hours), else_=0).label('professional'),
                     case((online_professional, 0), else_=LearningRecord.hours).label('public'))
    if pairs is not None:
        claims = claims.where(*_of(pairs, Claim.learner_id, Claim.year))
        records = records.where(*_of(pairs, LearningRecord.learner_id, LearningRecord.year))
    rows = union_all(claims, records).subquery()
    return select(rows.c.learner_id, rows.c.year, func.coalesce(func.sum(rows.c.professional), 0).label('professional'),
                  func.coalesce(func.sum(rows.c.public), 0).label('public'), func.count().label('entries')) \
        .group_by(rows.c.learner_id, rows.c.year)


def recount(session: Session, pairs: Iterable[tuple[int, int]]) -> None:
    """Recount the counter rows of *pairs* (learner id, year) from the source rows, in the session's transaction:
    lock the rows (created or emptied) in a fixed order, then sum in a statement of its own, which sees what a
    transaction we waited for committed (two statements per thousand pairs)."""
    pairs = sorted({(learner, year) for learner, year in pairs if learner is not None and year is not None})
    if not pairs:
        return
    conn = session.connection(bind_arguments={'mapper': LearnerHours.__mapper__})
    dialect_insert = postgresql.insert if conn.dialect.name == 'postgresql' else sqlite.insert
    table = LearnerHours.__table__
    for start in range(0, len(pairs), BATCH):
        batch = pairs[start:start + BATCH]
        upsert = dialect_insert(table).values([dict(learner_id=learner, year=year, professional=0, public=0,
                                                    entries=0) for learner, year in batch])
        # DO UPDATE locks an existing row (waiting for a transaction that holds it) and empties it: a pair without
        # any source rows left stays at zero.
        conn.execute(upsert.on_conflict_do_update(index_elements=['learner_id', 'year'],
                                                  set_={'professional': 0, 'public': 0, 'entries': 0}))
        sums = source_totals(batch).subquery()
        conn.execute(table.update().where(table.c.learner_id == sums.c.learner_id, table.c.year == sums.c.year,
                                          *_of(batch, table.c.learner_id, table.c.year))
                     .values(professional=sums.c.professional, public=sums.c.public, entries=sums.c.entries))


def rebuild(session: Session) -> None:
    """Every counter row recounted from the source rows (after a bulk load that bypassed the session)."""
    session.execute(delete(LearnerHours))
    session.execute(insert(LearnerHours).from_select(
        ['learner_id', 'year', 'professional', 'public', 'entries'], source_totals()))


# ---- which pairs a flush touched --------------------------------------------------------------------------------

def _old(state, field):
    """The value *field* had before this flush's changes, or _UNKNOWN when it was changed without being loaded."""
    history = state.attrs[field].history
    if history.deleted:
        return history.deleted[0]
    if history.added:
        return _UNKNOWN
    return getattr(state.obj(), field)


def _changed(state, fields) -> bool:
    return any(state.attrs[field].history.has_changes() for field in fields)


def _old_pair(session: Session, state, model) -> tuple[int, int]:
    learner, year = _old(state, 'learner_id'), _old(state, 'year')
    if _UNKNOWN in (learner, year):  # changed before being loaded: the database still has the old values
        learner, year = session.execute(select(model.learner_id, model.year)
                                        .where(model.id == state.identity[0])).one()
    return learner, year


def _claim_pairs(session: Session, state, kind: str) -> Pairs:
    claim = state.obj()
    if kind == 'new':  # drafts and claims under review carry no hours
        return {(claim.learner_id, claim.year)} if claim.outcome == catalog.APPROVED else set()
    if kind == 'changed' and not _changed(state, CLAIM_FIELDS):
        return set()
    if kind == 'removed' or _old(state, 'outcome') in (catalog.APPROVED, _UNKNOWN) or claim.outcome == catalog.APPROVED:
        return {_old_pair(session, state, Claim), (claim.learner_id, claim.year)}
    return set()


def _record_pairs(session: Session, state, kind: str) -> Pairs:
    record = state.obj()
    if kind == 'new':
        return {(record.learner_id, record.year)}
    if kind == 'removed' or _changed(state, RECORD_FIELDS):
        return {_old_pair(session, state, LearningRecord), (record.learner_id, record.year)}
    return set()


@event.listens_for(Session, 'before_flush')
def _collect(session: Session, _context, _instances) -> None:
    touched = session.info.setdefault(_TOUCHED, set())
    for objects, kind in ((session.new, 'new'), (session.dirty, 'changed'), (session.deleted, 'removed')):
        for obj in objects:
            if isinstance(obj, Claim):
                touched |= _claim_pairs(session, inspect(obj), kind)
            elif isinstance(obj, LearningRecord):
                touched |= _record_pairs(session, inspect(obj), kind)


@event.listens_for(Session, 'after_flush_postexec')
def _recount_touched(session: Session, _context) -> None:
    touched = session.info.pop(_TOUCHED, None)
    if touched:
        recount(session, touched)


@event.listens_for(Session, 'after_rollback')
def _forget(session: Session) -> None:
    session.info.pop(_TOUCHED, None)


# ---- writes that bypass the flush -------------------------------------------------------------------------------

_SOURCES = {Claim.__table__: Claim, LearningRecord.__table__: LearningRecord}


def _inserted_pairs(model, rows: list[dict]) -> Pairs:
    if model is Claim:  # drafts (a bulk import) carry no hours
        rows = [row for row in rows if row.get('outcome') == catalog.APPROVED]
    return {(row['learner_id'], row['year']) for row in rows}


@event.listens_for(Session, 'do_orm_execute')
def _core_write(state) -> None:
    statement = state.statement
    if not isinstance(statement, (Insert, Update, Delete)) or statement.table not in _SOURCES:
        return
    model, session = _SOURCES[statement.table], state.session
    if isinstance(statement, Insert):
        params = state.parameters
        rows = params if isinstance(params, list) else [params or statement.compile().params]
        result = state.invoke_statement()
        recount(session, _inserted_pairs(model, rows))
        return result
    # An update or delete: the pairs of the rows it changes, before and after.
    where = statement.whereclause if statement.whereclause is not None else and_(True)
    before = set(session.execute(select(model.learner_id, model.year).where(where)).tuples())
    ids = list(session.scalars(select(model.id).where(where)))
    result = state.invoke_statement()
    after = set(session.execute(select(model.learner_id, model.year).where(model.id.in_(ids))).tuples())
    recount(session, before | after)
    return result


# ---- checking ---------------------------------------------------------------------------------------------------

def disagreements(session: Session) -> Pairs:
    """The (learner, year) pairs whose counter row is not what a full recount from the source rows gives (missing
    rows count as zero): empty when the counter is right. For tests and benches."""
    def exact(values):
        return tuple(round(Decimal(str(value)), 1) for value in values)
    counted = {(row.learner_id, row.year): exact((row.professional, row.public, row.entries))
               for row in session.scalars(select(LearnerHours))}
    recounted = {(learner, year): exact(values) for learner, year, *values in session.execute(source_totals())}
    nothing = exact((0, 0, 0))
    return {pair for pair in counted.keys() | recounted.keys()
            if counted.get(pair, nothing) != recounted.get(pair, nothing)}
