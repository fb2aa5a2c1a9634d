"""Fixtures: every database test runs on SQLite and, when reachable, on PostgreSQL (TEST_DATABASE_URL).
The demo people and `login` are in tests/people.py: import them from there, not from here."""
import os

import pytest
from sqlalchemy import create_engine, text

from models import db
from webapp import create_app
from webapp.cli import seed_demo_data

from .people import ActorClient

PG_URL = os.environ.get('TEST_DATABASE_URL') or (
    os.environ['DATABASE_URL'] if os.environ.get('DATABASE_URL', '').startswith('postgresql') else None)

TEST_CONFIG = {
    'TESTING': True,
    'WTF_CSRF_ENABLED': False,         # one test below checks CSRF with it on; the browser test runs with it on
    'PASSWORD_HASH_METHOD': 'pbkdf2:sha256:1000',
    'SECRET_KEY': 'test-secret',
    'CAPTCHA_TEST_ANSWER': 'TEST',     # the captcha tests set their own
}


@pytest.fixture(scope='session')
def postgres_url():
    if not PG_URL:
        pytest.skip('PostgreSQL not configured: set TEST_DATABASE_URL (bin/test does)')
    try:
        engine = create_engine(PG_URL)
        with engine.connect() as conn:
            conn.execute(text('select 1'))
        engine.dispose()
    except Exception as exc:  # configured but down is a failure, not a skip
        pytest.fail(f'TEST_DATABASE_URL is set but PostgreSQL is unreachable: {exc}')
    app = create_app({**TEST_CONFIG, 'SQLALCHEMY_DATABASE_URI': PG_URL})
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.engine.dispose()
    return PG_URL


def _truncate_all(url):
    engine = create_engine(url)
    tables = ', '.join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f'TRUNCATE {tables} RESTART IDENTITY CASCADE'))
    engine.dispose()


@pytest.fixture(params=['sqlite', 'postgresql'])
def db_url(request, tmp_path):
    if request.param == 'sqlite':
        return f"sqlite:///{tmp_path / 'test.db'}"
    url = request.getfixturevalue('postgres_url')
    _truncate_all(url)
    return url


def make_app(db_url, tmp_path, **overrides):
    app = create_app({**TEST_CONFIG, 'SQLALCHEMY_DATABASE_URI': db_url,
                      'EVIDENCE_DIR': str(tmp_path / 'evidence'), **overrides})
    app.test_client_class = ActorClient
    with app.app_context():
        if db_url.startswith('sqlite'):
            db.create_all()
        seed_demo_data(with_claims=False)
        db.session.commit()
    return app


@pytest.fixture
def app(db_url, tmp_path):
    app = make_app(db_url, tmp_path)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield app
        db.session.rollback()


@pytest.fixture
def client(app):
    return app.test_client()
