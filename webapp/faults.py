"""Database faults that pass: a lost or refused connection (PostgreSQL restarting, a network cut, a killed backend),
as opposed to the database refusing what was asked (a constraint, a value out of range).

The request boundary answers them with the outage page (rendered without the database) and `flask worker` retries
its job after them. This module imports nothing from webapp."""
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError


def transient(error: BaseException | None) -> bool:
    """Whether *error* is a database fault that retrying may cure: the connection was lost or refused (SQLAlchemy
    then invalidates it, the pool reconnects), or the server gave up on the transaction (OperationalError:
    a restart, a deadlock, a lock timeout; on SQLite also "database is locked")."""
    return isinstance(error, (OperationalError, InterfaceError)) or (
        isinstance(error, DBAPIError) and error.connection_invalidated)


def locked(error: BaseException | None) -> bool:
    """SQLite's "database is locked": another writer held on past the busy timeout."""
    return isinstance(error, OperationalError) and 'locked' in str(error.orig).lower()
