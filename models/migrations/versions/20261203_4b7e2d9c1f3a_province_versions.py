"""each province owns its process and rule versions

Revision ID: 4b7e2d9c1f3a
Revises: e7b2c9d41f60
Create Date: 2026-12-03 17:00:00

process_version and decision_test_case get a province_id: the versions (and test cases) that exist become those of
the first province (浙江, the only one so far). On a database without a province yet (processes loaded before any
organisation), the unused versions are dropped: `flask load-processes` and the demo seed load the shipped defaults
for each province. Provinces get a short code (certificate number prefix).

The downgrade makes versions global again: it works while only one province has versions (with two, their keys and
version numbers collide under the old unique constraint, and it stops there, changing nothing).

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4b7e2d9c1f3a'
down_revision = 'e7b2c9d41f60'
branch_labels = None
depends_on = None

FIRST_PROVINCE = "(SELECT MIN(id) FROM organisation WHERE kind = 'province')"


def _foreign_keys(on: bool):
    """SQLite rebuilds process_version (a new unique constraint) while workflow_instance rows point at it: the
    references are not enforced while the table is swapped (alembic's advice for batch migrations), and are checked
    once it is back. The PRAGMA works only between transactions: the one open is committed first (the app begins
    its own, `BEGIN IMMEDIATE`, so this is done on the driver's connection) and a new one begun."""
    if op.get_bind().dialect.name != 'sqlite':
        return
    if on:
        broken = op.get_bind().exec_driver_sql('PRAGMA foreign_key_check').fetchall()
        if broken:
            raise RuntimeError(f'foreign keys broken by the migration: {broken[:5]}')
    raw = op.get_bind().connection.dbapi_connection
    if raw.in_transaction:
        raw.execute('COMMIT')
    raw.execute(f'PRAGMA foreign_keys = {"ON" if on else "OFF"}')
    raw.execute('BEGIN IMMEDIATE')


def upgrade():
    _foreign_keys(False)
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('code', sa.String(length=10), nullable=True))
    for table in ('process_version', 'decision_test_case'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('province_id', sa.Integer(), nullable=True))
        op.execute(f'UPDATE {table} SET province_id = {FIRST_PROVINCE}')
    # No province yet: nothing can have run on these versions; they are loaded again per province.
    op.execute('DELETE FROM decision_test_case WHERE province_id IS NULL')
    op.execute('DELETE FROM process_version WHERE province_id IS NULL AND id NOT IN '
               '(SELECT process_version_id FROM workflow_instance) AND id NOT IN '
               '(SELECT version_id FROM process_failure WHERE version_id IS NOT NULL)')
    with op.batch_alter_table('decision_test_case', schema=None) as batch_op:
        batch_op.alter_column('province_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_index(batch_op.f('ix_decision_test_case_province_id'), ['province_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_decision_test_case_province_id_organisation'), 'organisation',
                                    ['province_id'], ['id'])
    with op.batch_alter_table('process_version', schema=None) as batch_op:
        batch_op.alter_column('province_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint('uq_process_version_kind_key_version', type_='unique')
        batch_op.create_unique_constraint('uq_process_version_province_id_kind_key_version',
                                          ['province_id', 'kind', 'key', 'version'])
        batch_op.create_index(batch_op.f('ix_process_version_province_id'), ['province_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_process_version_province_id_organisation'), 'organisation',
                                    ['province_id'], ['id'])
    _foreign_keys(True)


def downgrade():
    _foreign_keys(False)
    # Back to global versions: the test cases of other provinces go (their versions would collide, see above).
    op.execute(f'DELETE FROM decision_test_case WHERE province_id <> {FIRST_PROVINCE}')
    with op.batch_alter_table('process_version', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_process_version_province_id_organisation'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_process_version_province_id'))
        batch_op.drop_constraint('uq_process_version_province_id_kind_key_version', type_='unique')
        batch_op.create_unique_constraint('uq_process_version_kind_key_version', ['kind', 'key', 'version'])
        batch_op.drop_column('province_id')
    with op.batch_alter_table('decision_test_case', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_decision_test_case_province_id_organisation'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_decision_test_case_province_id'))
        batch_op.drop_column('province_id')
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('code')
    _foreign_keys(True)
