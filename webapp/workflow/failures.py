"""Run-time failures of published diagrams and decision tables: a clear refusal for the person who acted, and an
entry for province staff.

A run that fails (an expression that raises, a run over its budget, a timer value the engine cannot read) is
refused with ProcessFailed, and the request rolls back: nothing of the operation is saved. The entry for province
staff must survive that rollback, so `failed` only notes it on the database session, and it is written once the
session's transaction has ended, committed or rolled back, in a transaction of its own on the session's bind: a
connection of its own in production (the request's is free again by then, so SQLite's single writer is too); in the
tests, a savepoint of the test's transaction on its connection, rolled back with the test. One row per version,
element and error, counted (models.ProcessFailure); the 定时任务 page lists them.
"""
import logging

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from models import ProcessFailure, ProcessVersion, db, utcnow

from ..i18n import _l
from ..refusals import Refused
from .catalog import PROCESS_NAMES
from .expressions import reason

log = logging.getLogger('creditflow.workflow')
_PENDING = 'creditflow_process_failures'  # session.info key


class ProcessFailed(Refused):
    """A published diagram or decision table failed while it ran: nothing was saved, province staff see the entry."""


def failed(version: ProcessVersion, element, error: BaseException, subject_type: str | None = None,
           subject_id: int | None = None, instance_id: int | None = None) -> ProcessFailed:
    """Note the failure for province staff (written when the transaction ends) and return the refusal to raise."""
    why = reason(error)
    db.session.info.setdefault(_PENDING, []).append({
        'kind': version.kind, 'key': version.key, 'version_id': version.id, 'element': str(element)[:200],
        'error': str(why)[:1000], 'subject_type': subject_type, 'subject_id': subject_id, 'instance_id': instance_id,
        'at': utcnow()})
    log.warning('%s %s v%s failed at %s: %r', version.kind, version.key, version.version, element, error)
    return ProcessFailed(_l('“%(process)s”第 %(version)s 版在“%(element)s”处出错：%(reason)s。本次操作未保存，'
                            '已报告省级管理员，请稍后再试', process=PROCESS_NAMES.get(version.key, version.key),
                            version=version.version, element=element, reason=why))


def _write(bind, pending: list[dict]) -> None:
    with Session(bind=bind, join_transaction_mode='create_savepoint') as session:
        for entry in pending:
            at = entry.pop('at')
            row = session.scalar(select(ProcessFailure).where(
                ProcessFailure.version_id == entry['version_id'], ProcessFailure.element == entry['element'],
                ProcessFailure.error == entry['error']).limit(1))
            if row is None:
                session.add(ProcessFailure(**entry, count=1, first_at=at, last_at=at))
            else:
                row.count, row.last_at = row.count + 1, at
                row.subject_type, row.subject_id, row.instance_id = (entry['subject_type'], entry['subject_id'],
                                                                     entry['instance_id'])
        session.commit()


@event.listens_for(Session, 'after_transaction_end')
def _after_transaction(session, transaction) -> None:
    if transaction.parent is not None or not session.info.get(_PENDING):
        return
    pending = session.info.pop(_PENDING)
    try:
        _write(session.get_bind(mapper=ProcessFailure.__mapper__), pending)
    except Exception:  # the refusal stands; only the entry for province staff is lost
        log.exception('could not record %s process failure(s)', len(pending))
