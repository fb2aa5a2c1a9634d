"""The apps and databases the tests run against (the fixtures in conftest.py put them together).

The demo data (`seed_demo_data(with_claims=False)`) is built once per test run and database. Most tests then run in
`rolled_back`: one transaction on one connection that every session of the app joins, rolled back after the test.
Tests that need real commits (other threads, processes or connections must see their data) get an app of their own
from `make_app`, on a copy of the seeded SQLite file or on the PostgreSQL database, which `restore_postgres` brings
back to the seeded state afterwards."""
import sqlite3
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import create_engine, text

from models import db
from webapp import create_app
from webapp.cli import seed_demo_data

from .people import ActorClient

TEST_CONFIG = {
    'TESTING': True,
    'WTF_CSRF_ENABLED': False,         # the CSRF tests turn it on (app_config marker), as do the browser tests
    'PASSWORD_HASH_METHOD': 'pbkdf2:sha256:1000',
    'SECRET_KEY': 'test-secret',
    'CAPTCHA_TEST_ANSWER': 'TEST',     # the captcha tests set their own
}


def create_test_app(db_url: str, **overrides) -> Flask:
    app = create_app({**TEST_CONFIG, 'SQLALCHEMY_DATABASE_URI': db_url, **overrides})
    app.test_client_class = ActorClient
    return app


def make_app(db_url, tmp_path, **overrides) -> Flask:
    """A new app of its own on *db_url*, whose commits are real: builds the schema (SQLite) and seeds the demo data
    unless that database already has them."""
    if db_url in _ROLLED_BACK:
        raise RuntimeError('this test runs in a transaction rolled back after it: for other configuration, use '
                           '@pytest.mark.app_config(...) and the app fixture; to commit for real, mark it committing')
    app = create_test_app(db_url, EVIDENCE_DIR=str(tmp_path / 'evidence'), **overrides)
    with app.app_context():
        if db_url.startswith('sqlite'):
            db.create_all()
        _seed()
    return app


def _seed() -> None:
    seed_demo_data(with_claims=False)
    db.session.commit()


def dispose(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


# SQLite ---------------------------------------------------------------------------------------------------------

def seeded_sqlite(path: Path) -> Path:
    """A new SQLite file with the schema and the demo data."""
    app = create_test_app(sqlite_url(path))
    with app.app_context():
        db.create_all()
        _seed()
    dispose(app)
    return path


def copy_sqlite(source: Path, target: Path) -> str:
    """A copy of a SQLite database (with whatever its write-ahead log holds); returns its URL."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    return sqlite_url(target)


def sqlite_url(path: Path) -> str:
    return f'sqlite:///{path}'


# PostgreSQL -----------------------------------------------------------------------------------------------------

def truncate_postgres(url: str) -> None:
    engine = create_engine(url)
    tables = ', '.join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text("SET LOCAL lock_timeout = '20s'"))  # a connection a test left open: fail, don't hang
        conn.execute(text(f'TRUNCATE {tables} RESTART IDENTITY CASCADE'))
    engine.dispose()


def seeded_postgres(url: str) -> None:
    """The schema built afresh and the demo data in it."""
    app = create_test_app(url)
    with app.app_context():
        db.drop_all()
        db.create_all()
    dispose(app)
    restore_postgres(url)


def restore_postgres(url: str) -> None:
    """Back to the seeded demo data (and the same ids for what is added next), after a test committed for real."""
    truncate_postgres(url)
    app = create_test_app(url)
    with app.app_context():
        _seed()
    dispose(app)


def sequence_reset_sql(connection) -> str:
    """A statement setting every sequence back to where it is now: ids are not transactional in PostgreSQL, and each
    test should number what it adds as on the freshly seeded database."""
    rows = connection.execute(text('SELECT schemaname, sequencename, last_value FROM pg_sequences '
                                   'WHERE schemaname = current_schema() ORDER BY sequencename')).all()
    calls = [f"setval('\"{schema}\".\"{name}\"', {value}, true)" if value is not None
             else f"setval('\"{schema}\".\"{name}\"', 1, false)" for schema, name, value in rows]
    return 'SELECT ' + ', '.join(calls) if calls else ''


# One transaction per test ---------------------------------------------------------------------------------------

_ROLLED_BACK = set()  # the database URL of the test running in rolled_back()


class JoinedSession(FlaskSession):
    """Flask-SQLAlchemy 3's session chooses the app's engine itself and ignores the `bind` it was made with; this one
    always uses that bind: the test's connection."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        return bind if bind is not None else self.bind


@contextmanager
def rolled_back(app: Flask, first_statement: str = ''):
    """Every session of *app* (Flask-SQLAlchemy scopes one to each app context: the test's own, each request's) joins
    one transaction on one connection, which is rolled back on leaving. Their commits only release a savepoint and
    their rollbacks go back to it (SQLAlchemy's "Joining a Session into an External Transaction", with
    join_transaction_mode='create_savepoint'); `begin_nested` makes savepoints inside those. On SQLite the app's own
    `begin` listener still opens the outer transaction (BEGIN IMMEDIATE): savepoints need pysqlite's implicit
    transactions off, which the app's `connect` listener does."""
    with app.app_context():
        connection = db.engine.connect()
    transaction = connection.begin()
    if first_statement:
        connection.exec_driver_sql(first_statement)
    _ROLLED_BACK.add(app.config['SQLALCHEMY_DATABASE_URI'])
    app_sessions = db.session
    # How Flask-SQLAlchemy (3.1) makes db.session, with these options: sessions scoped to the app context as usual.
    db.session = db._make_scoped_session({'class_': JoinedSession, 'bind': connection,
                                          'join_transaction_mode': 'create_savepoint'})
    try:
        yield connection
    finally:
        for session in list(db.session.registry.registry.values()):  # app contexts a failing test left pushed
            session.close()
        db.session = app_sessions
        _ROLLED_BACK.clear()
        transaction.rollback()
        connection.close()


@contextmanager
def configured(app: Flask, overrides: dict):
    """*app* with some configuration changed, and as it was again on leaving (tests also change it themselves)."""
    saved = dict(app.config)
    app.config.update(overrides)
    try:
        yield app
    finally:
        app.config.clear()
        app.config.update(saved)
