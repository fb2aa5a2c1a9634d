"""Alembic migrations build the same schema as the models, on SQLite and PostgreSQL."""
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from models import db
from webapp import create_app

from .apps import TEST_CONFIG


@pytest.fixture(params=['sqlite', 'postgresql'])
def empty_db_url(request, tmp_path):
    if request.param == 'sqlite':
        yield f"sqlite:///{tmp_path / 'migrate.db'}"
        return
    base = request.getfixturevalue('postgres_url')
    name = f'creditflow_migrate_{uuid.uuid4().hex[:8]}'
    admin = create_engine(base, isolation_level='AUTOCOMMIT')
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE {name}'))
    yield make_url(base).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS {name} WITH (FORCE)'))
    admin.dispose()


def test_upgrade_matches_models_and_downgrades(empty_db_url):
    app = create_app({**TEST_CONFIG, 'SQLALCHEMY_DATABASE_URI': empty_db_url})
    with app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {t.name for t in db.metadata.sorted_tables} <= tables
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        assert diff == [], f'models changed without a migration: {diff}'
        downgrade(revision='base')
        assert set(inspect(db.engine).get_table_names()) <= {'alembic_version'}
        db.engine.dispose()
