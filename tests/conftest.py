"""Fixtures: every database test runs on SQLite and, when reachable, on PostgreSQL (TEST_DATABASE_URL).

The schema and the demo data are built once per test run and database (`sqlite_template`, `postgres_url`). A test
then runs in one transaction that is rolled back after it (`app`; see `rolled_back` in tests/apps.py): whatever the
app or the test commits only releases a savepoint, and the next test finds the demo data as seeded. One app per
database serves all those tests; `@pytest.mark.app_config(NAME=value, ...)` changes its configuration for one test
(a test may also set `app.config` itself: it is restored afterwards).

Tests whose data other threads, processes or connections must see commit for real. Mark them
`@pytest.mark.committing` (or `pytestmark` for a module): their `app` is an app of their own (`make_app`) on a copy of
the seeded SQLite file, or on the PostgreSQL database, which is restored to the seeded demo data after the test.
Marked so today: two people acting at once (threads, `first_one_holding_on`), gunicorn and `flask worker` processes,
and a job whose progress another connection reads. The browser tests (tests/browser/conftest.py) always commit, on a
copy of the seeded SQLite file: a live server answers them from other threads.

Helpers are not imported from here: the demo people and `login` are in tests/people.py, the apps and databases in
tests/apps.py, the claim builders in tests/helpers.py.
"""
import os

import pytest
from sqlalchemy import create_engine, text

from models import db

from .smtp import Mailbox
from .apps import (configured, copy_sqlite, create_test_app, dispose, make_app, restore_postgres, rolled_back,
                   seeded_postgres, seeded_sqlite, sequence_reset_sql)

PG_URL = os.environ.get('TEST_DATABASE_URL') or (
    os.environ['DATABASE_URL'] if os.environ.get('DATABASE_URL', '').startswith('postgresql') else None)


@pytest.fixture(scope='session')
def sqlite_template(tmp_path_factory):
    """The seeded SQLite file; never opened again: the tests work on copies of it."""
    return seeded_sqlite(tmp_path_factory.mktemp('sqlite') / 'template.db')


@pytest.fixture(scope='session')
def sqlite_shared_url(sqlite_template):
    """The copy that the rolled-back tests share."""
    return copy_sqlite(sqlite_template, sqlite_template.with_name('shared.db'))


@pytest.fixture(scope='session')
def postgres_url():
    """The PostgreSQL database, its schema built afresh and the demo data seeded."""
    if not PG_URL:
        pytest.skip('PostgreSQL not configured: set TEST_DATABASE_URL (bin/test does)')
    try:
        engine = create_engine(PG_URL)
        with engine.connect() as conn:
            conn.execute(text('select 1'))
        engine.dispose()
    except Exception as exc:  # configured but down is a failure, not a skip
        pytest.fail(f'TEST_DATABASE_URL is set but PostgreSQL is unreachable: {exc}')
    seeded_postgres(PG_URL)
    return PG_URL


@pytest.fixture
def committed_postgres_url(postgres_url):
    """The PostgreSQL database for a test that commits for real: restored to the seeded demo data afterwards."""
    yield postgres_url
    restore_postgres(postgres_url)


def _committing(request) -> bool:
    return request.node.get_closest_marker('committing') is not None


@pytest.fixture(params=['sqlite', 'postgresql'])
def db_url(request, tmp_path):
    """This test's database: the seeded one that the rolled-back tests share; for a test marked `committing`, a copy
    of the seeded SQLite file of its own, or the PostgreSQL database (restored afterwards)."""
    if request.param == 'sqlite':
        if _committing(request):
            return copy_sqlite(request.getfixturevalue('sqlite_template'), tmp_path / 'test.db')
        return request.getfixturevalue('sqlite_shared_url')
    return request.getfixturevalue('committed_postgres_url' if _committing(request) else 'postgres_url')


@pytest.fixture(scope='session')
def shared_apps():
    """The app of the rolled-back tests, one per database, with the statement that starts each of its tests."""
    apps = {}

    def shared_app(url):
        if url not in apps:
            app, first_statement = create_test_app(url), ''
            if url.startswith('postgresql'):
                with app.app_context(), db.engine.connect() as conn:
                    first_statement = sequence_reset_sql(conn)
            apps[url] = app, first_statement
        return apps[url]

    yield shared_app
    for app, _first_statement in apps.values():
        dispose(app)


@pytest.fixture
def app(db_url, request, tmp_path, shared_apps):
    marker = request.node.get_closest_marker('app_config')
    overrides = marker.kwargs if marker else {}
    if _committing(request):
        app = make_app(db_url, tmp_path, **overrides)
        yield app
        dispose(app)
        return
    app, first_statement = shared_apps(db_url)
    with configured(app, {'EVIDENCE_DIR': str(tmp_path / 'evidence'), **overrides}), \
            rolled_back(app, first_statement):
        yield app


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield app
        db.session.rollback()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def mailbox():
    """A real SMTP server in this process; `mailbox.config()` points the app at it, `mailbox.messages` arrived."""
    box = Mailbox()
    yield box
    box.stop()
