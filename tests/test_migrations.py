"""Alembic migrations build the same schema as the models, on SQLite and PostgreSQL, and fill what they add."""
import datetime
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import Boolean, Date, DateTime, Integer, MetaData, Numeric, Table, create_engine, inspect, text
from sqlalchemy.engine import make_url

from models import Claim, db
from models.certificates import VERIFICATION_ALPHABET
from webapp import create_app
from webapp.catalogue import catalogue_for, catalogue_of, load_catalogue, shipped

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


VERIFICATION_CODE_REVISION = '2766381cf60d'
SCRIPTS = ScriptDirectory(str(Path(__file__).resolve().parents[1] / 'models' / 'migrations'))


def _insert(conn, table_name: str, **values) -> int:
    """A row with *values* and a plain value in every other required column, whatever the schema at this revision."""
    table = Table(table_name, MetaData(), autoload_with=conn)
    plain = {Boolean: False, Integer: 1, Numeric: 0, DateTime: datetime.datetime(2026, 1, 1),
             Date: datetime.date(2026, 1, 1)}
    for column in table.columns:
        if column.name in values or column.nullable or column.primary_key or column.server_default is not None:
            continue
        values[column.name] = next((v for kind, v in plain.items() if isinstance(column.type, kind)),
                                   f'{column.name[:8]}-{uuid.uuid4().hex[:8]}')
    return conn.execute(table.insert().values(**values).returning(table.c.id)).scalar_one()


def test_existing_certificates_get_random_verification_codes(empty_db_url):
    """Certificates issued before the verification code existed get a fresh random code each (their sequential
    number no longer opens the public page); the downgrade drops the codes and keeps the certificates."""
    before = SCRIPTS.get_revision(VERIFICATION_CODE_REVISION).down_revision
    app = create_app({**TEST_CONFIG, 'SQLALCHEMY_DATABASE_URI': empty_db_url})
    with app.app_context():
        upgrade(revision=before)
        with db.engine.begin() as conn:
            learner = _insert(conn, 'user_account', name='张伟', id_number='33010619850312001X')
            for seq in range(1, 4):
                _insert(conn, 'certificate', number=f'ZJ2025{seq:06d}', learner_id=learner, year=2025,
                        issued_by_id=learner)
        upgrade(revision=VERIFICATION_CODE_REVISION)
        with db.engine.connect() as conn:
            codes = conn.execute(text('SELECT verification_code FROM certificate')).scalars().all()
        assert len(codes) == 3 and len(set(codes)) == 3
        assert all(len(code) == 20 and set(code) <= set(VERIFICATION_ALPHABET) for code in codes), codes
        assert 'uq_certificate_verification_code' in {c['name'] for c in inspect(db.engine).get_unique_constraints(
            'certificate')}
        downgrade(revision=before)
        with db.engine.connect() as conn:
            assert conn.execute(text('SELECT count(*) FROM certificate')).scalar_one() == 3
        assert 'verification_code' not in {c['name'] for c in inspect(db.engine).get_columns('certificate')}
        db.engine.dispose()


INBOX_COLUMNS_REVISION = '5e1f0c2a9b7d'


def test_work_items_get_their_claims_listed_values(empty_db_url):
    """Work items written before the inbox kept a claim's values get them from their claim (learner, year, pathway,
    status); other kinds' rows stay empty; the downgrade drops the copies and keeps the rows."""
    before = SCRIPTS.get_revision(INBOX_COLUMNS_REVISION).down_revision
    app = create_app({**TEST_CONFIG, 'SQLALCHEMY_DATABASE_URI': empty_db_url})
    with app.app_context():
        upgrade(revision=before)
        with db.engine.begin() as conn:
            learner = _insert(conn, 'user_account', name='张伟', id_number='33010619850312001X')
            org = _insert(conn, 'organisation', name='交工集团', kind='unit')
            version = _insert(conn, 'process_version', kind='bpmn', created_by_id=learner)
            instance = _insert(conn, 'workflow_instance', process_version_id=version)
            claim = _insert(conn, 'claim', learner_id=learner, unit_id=org, province_id=org, created_by_id=learner,
                            instance_id=instance, year=2025, pathway='exam', status_label='待终审')
            for subject_type in ('claim', 'transfer'):
                _insert(conn, 'work_item', instance_id=instance, subject_type=subject_type, subject_id=claim,
                        completed_by_id=learner)
        upgrade(revision=INBOX_COLUMNS_REVISION)
        with db.engine.connect() as conn:
            rows = conn.execute(text('SELECT subject_type, subject_person_id, subject_year, subject_pathway, '
                                     'subject_status FROM work_item ORDER BY subject_type')).all()
        assert [tuple(r) for r in rows] == [('claim', learner, 2025, 'exam', '待终审'),
                                            ('transfer', None, None, None, None)]
        downgrade(revision=before)
        with db.engine.connect() as conn:
            assert conn.execute(text('SELECT count(*) FROM work_item')).scalar_one() == 2
        assert 'subject_status' not in {c['name'] for c in inspect(db.engine).get_columns('work_item')}
        db.engine.dispose()


HOURS_COUNTER_REVISION = 'c5a1f0e2b7d4'


def test_the_hours_counter_is_filled_from_existing_claims_and_learning_records(empty_db_url):
    """Approved, undeleted claims and the platforms' records are counted per learner and year; drafts and deleted
    claims are not: what the recount of webapp/hours.py gives."""
    before = SCRIPTS.get_revision(HOURS_COUNTER_REVISION).down_revision
    app = create_app({**TEST_CONFIG, 'SQLALCHEMY_DATABASE_URI': empty_db_url})
    with app.app_context():
        upgrade(revision=before)
        with db.engine.begin() as conn:
            learner = _insert(conn, 'user_account', name='张伟', id_number='33010619850312001X')
            org = _insert(conn, 'organisation', kind='province', name='浙江省专业技术人员继续教育学时办')
            platform = _insert(conn, 'learning_platform', province_id=org)
            for outcome, hours_, deleted, year in (('approved', 12, None, 2025), ('approved', '8.5', None, 2025),
                                                   ('approved', 30, datetime.datetime(2026, 1, 2), 2025),
                                                   ('draft', None, None, 2025), ('approved', 6, None, 2024)):
                _insert(conn, 'claim', learner_id=learner, unit_id=org, province_id=org, created_by_id=learner,
                        category='professional', outcome=outcome, registered_hours=hours_, deleted_at=deleted,
                        year=year)
            _insert(conn, 'learning_record', platform_id=platform, learner_id=learner, hours=18, year=2025)
        upgrade(revision=HOURS_COUNTER_REVISION)
        with db.engine.connect() as conn:
            rows = conn.execute(text('SELECT year, professional, public, entries FROM learner_hours '
                                     'ORDER BY year')).all()
        assert [(year, float(professional), float(public), entries) for year, professional, public, entries in rows] \
            == [(2024, 6, 0, 1), (2025, 20.5, 18, 3)]
        downgrade(revision=before)
        assert 'learner_hours' not in inspect(db.engine).get_table_names()
        db.engine.dispose()


CATALOGUE_REVISION = '7c3e9a41d2f6'


def test_existing_provinces_get_the_zhejiang_catalogue_and_their_claims_point_to_it(empty_db_url):
    """The pathways the code had until now become each existing province's first published catalogue version (the
    same document as rules/catalogues/zhejiang.json: loading that file afterwards adds no version), and every claim
    of the province is filed under it; the downgrade drops the catalogue and keeps the claims."""
    before = SCRIPTS.get_revision(CATALOGUE_REVISION).down_revision
    app = create_app({**TEST_CONFIG, 'SQLALCHEMY_DATABASE_URI': empty_db_url})
    with app.app_context():
        upgrade(revision=before)
        with db.engine.begin() as conn:
            learner = _insert(conn, 'user_account', name='张伟', id_number='33010619850312001X')
            province = _insert(conn, 'organisation', kind='province', name='浙江省专业技术人员继续教育学时办')
            unit = _insert(conn, 'organisation', kind='unit', name='交工集团', parent_id=province)
            claims = [_insert(conn, 'claim', learner_id=learner, unit_id=unit, province_id=province,
                              created_by_id=learner, pathway=pathway, year=2025)
                      for pathway in ('training', 'publication')]
        upgrade(revision=CATALOGUE_REVISION)
        with db.engine.connect() as conn:
            versions = conn.execute(text('SELECT id, province_id, version, status FROM catalogue_version')).all()
            pointed = conn.execute(text('SELECT DISTINCT catalogue_version_id FROM claim')).scalars().all()
        assert [(p, v, s) for _id, p, v, s in versions] == [(province, 1, 'published')]
        assert pointed == [versions[0][0]]
        with app.test_request_context():
            org = SimpleNamespace(id=province)  # the Organisation model has columns of later revisions
            current = catalogue_for(province)
            assert list(current.pathways) == ['exam', 'seminar', 'training', 'research', 'publication',
                                              'degree_course']
            assert current.pathway('training').unit == '天' and current.pathway('training').cap == 36
            assert catalogue_of(db.session.get(Claim, claims[1])).pathway('publication').max_rank == 3
            assert load_catalogue(org, shipped('zhejiang')).id == versions[0][0]  # the same document: no new version
            db.session.rollback()
        downgrade(revision=before)
        with db.engine.connect() as conn:
            assert conn.execute(text('SELECT count(*) FROM claim')).scalar_one() == 2
        assert 'catalogue_version' not in inspect(db.engine).get_table_names()
        db.engine.dispose()


PROVINCE_VERSIONS_REVISION = '4b7e2d9c1f3a'


def test_existing_versions_and_test_cases_become_the_first_provinces(empty_db_url):
    """Before, versions were global: they (and the test cases) become those of the first province, 浙江; an instance
    keeps its version; the downgrade makes them global again."""
    before = SCRIPTS.get_revision(PROVINCE_VERSIONS_REVISION).down_revision
    app = create_app({**TEST_CONFIG, 'SQLALCHEMY_DATABASE_URI': empty_db_url})
    with app.app_context():
        upgrade(revision=before)
        with db.engine.begin() as conn:
            zhejiang = _insert(conn, 'organisation', kind='province', name='浙江省专业技术人员继续教育学时办')
            _insert(conn, 'organisation', kind='unit', name='交工集团', parent_id=zhejiang)
            version = _insert(conn, 'process_version', kind='bpmn', key='claim', version=1)
            _insert(conn, 'process_version', kind='dmn', key='credit_hours', version=1)
            instance = _insert(conn, 'workflow_instance', process_version_id=version)
            _insert(conn, 'decision_test_case', key='credit_hours', inputs='{}', expected='{}')
        upgrade(revision=PROVINCE_VERSIONS_REVISION)
        with db.engine.connect() as conn:
            assert set(conn.execute(text('SELECT province_id FROM process_version')).scalars()) == {zhejiang}
            assert conn.execute(text('SELECT province_id FROM decision_test_case')).scalars().all() == [zhejiang]
            assert conn.execute(text('SELECT process_version_id FROM workflow_instance WHERE id = :id'),
                                {'id': instance}).scalar_one() == version
        downgrade(revision=before)
        with db.engine.connect() as conn:
            assert conn.execute(text('SELECT count(*) FROM process_version')).scalar_one() == 2
        assert 'province_id' not in {c['name'] for c in inspect(db.engine).get_columns('process_version')}
        db.engine.dispose()


def test_versions_loaded_before_any_province_are_dropped_and_loaded_again_per_province(empty_db_url):
    """`flask load-processes` on an empty database used to load global versions; no province owns them, nothing ran
    on them: the migration drops them, and the seed (or load-processes) loads the files for each province."""
    before = SCRIPTS.get_revision(PROVINCE_VERSIONS_REVISION).down_revision
    app = create_app({**TEST_CONFIG, 'SQLALCHEMY_DATABASE_URI': empty_db_url})
    with app.app_context():
        upgrade(revision=before)
        with db.engine.begin() as conn:
            _insert(conn, 'process_version', kind='bpmn', key='claim', version=1)
        upgrade(revision=PROVINCE_VERSIONS_REVISION)
        with db.engine.connect() as conn:
            assert conn.execute(text('SELECT count(*) FROM process_version')).scalar_one() == 0
        db.engine.dispose()


UNIT_INFO_REVISION = 'b3f9a6d2c418'


def test_organisations_get_the_licence_of_the_registration_that_made_them(empty_db_url):
    """An organisation made by an approved registration gets its licence scan (the newest registration's, if
    several); one without a registration stays without; the downgrade drops the columns and keeps the rows."""
    before = SCRIPTS.get_revision(UNIT_INFO_REVISION).down_revision
    app = create_app({**TEST_CONFIG, 'SQLALCHEMY_DATABASE_URI': empty_db_url})
    with app.app_context():
        upgrade(revision=before)
        with db.engine.begin() as conn:
            person = _insert(conn, 'user_account', name='王强', id_number='330203198801010034')
            parent = _insert(conn, 'organisation', name='交通厅', kind='supervisor')
            registered = _insert(conn, 'organisation', name='交工集团', kind='unit', parent_id=parent)
            for digest, kind in (('a' * 64, 'image/png'), ('b' * 64, 'application/pdf')):
                _insert(conn, 'registration', user_id=person, parent_org_id=parent, approver_org_id=parent,
                        org_id=registered, licence_sha256=digest, licence_type=kind)
            _insert(conn, 'registration', user_id=person, parent_org_id=parent, approver_org_id=parent,
                    licence_sha256='c' * 64, licence_type='image/jpeg')  # pending: no organisation yet
        upgrade(revision=UNIT_INFO_REVISION)
        with db.engine.connect() as conn:
            rows = conn.execute(text('SELECT name, licence_sha256, licence_type FROM organisation ORDER BY id')).all()
        assert [tuple(r) for r in rows] == [('交通厅', None, None), ('交工集团', 'b' * 64, 'application/pdf')]
        downgrade(revision=before)
        with db.engine.connect() as conn:
            assert conn.execute(text('SELECT count(*) FROM organisation')).scalar_one() == 2
        assert 'licence_sha256' not in {c['name'] for c in inspect(db.engine).get_columns('organisation')}
        db.engine.dispose()
