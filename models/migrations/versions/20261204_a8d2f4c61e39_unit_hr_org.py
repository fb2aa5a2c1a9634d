"""同级人社部门: the 人社部门 a unit names at registration (organisation.hr_org_id, registration.hr_org_id)

Revision ID: a8d2f4c61e39
Revises: e4b7c2d91f36
Create Date: 2026-12-04 17:00:00

Units (and registrations of units) may name their 同级人社部门 (seed 004); the `hr` lane of a unit's claims waits
there. Both columns start empty: every unit falls back to its province's top 人社部门, as before. Plain ADD COLUMN
on SQLite (rebuilding organisation fails with the rows that point at it); the reference inline there.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a8d2f4c61e39'
down_revision = 'e4b7c2d91f36'
branch_labels = None
depends_on = None


def _postgresql() -> bool:
    return op.get_bind().dialect.name == 'postgresql'


def _add_reference(table: str) -> None:
    """hr_org_id on *table*, referring to organisation: on SQLite the reference inline (ADD COLUMN … REFERENCES,
    no rebuild), on PostgreSQL a named constraint."""
    if _postgresql():
        op.add_column(table, sa.Column('hr_org_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f(f'fk_{table}_hr_org_id_organisation'), table, 'organisation', ['hr_org_id'], ['id'])
    else:
        op.execute(f'ALTER TABLE {table} ADD COLUMN hr_org_id INTEGER REFERENCES organisation (id)')


def upgrade():
    _add_reference('organisation')
    op.create_index(op.f('ix_organisation_hr_org_id'), 'organisation', ['hr_org_id'], unique=False)
    _add_reference('registration')


def downgrade():
    if _postgresql():
        op.drop_constraint(op.f('fk_registration_hr_org_id_organisation'), 'registration', type_='foreignkey')
        op.drop_constraint(op.f('fk_organisation_hr_org_id_organisation'), 'organisation', type_='foreignkey')
    op.drop_column('registration', 'hr_org_id')
    op.drop_index(op.f('ix_organisation_hr_org_id'), table_name='organisation')
    op.drop_column('organisation', 'hr_org_id')
