"""learner hours counter

Revision ID: c5a1f0e2b7d4
Revises: 5e1f0c2a9b7d
Create Date: 2026-12-03 14:50:00

Each learner's hours per year (learner_hours, kept by webapp/hours.py), filled from the existing claims and learning
records in one INSERT … SELECT … GROUP BY.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c5a1f0e2b7d4'
down_revision = '5e1f0c2a9b7d'
branch_labels = None
depends_on = None

BACKFILL = """
INSERT INTO learner_hours (learner_id, year, professional, public, entries)
SELECT learner_id, year, COALESCE(SUM(professional), 0), COALESCE(SUM(public), 0), COUNT(*)
FROM (
    SELECT learner_id, year,
           CASE WHEN category = 'professional' THEN registered_hours ELSE 0 END AS professional,
           CASE WHEN category = 'public' THEN registered_hours ELSE 0 END AS public
    FROM claim WHERE outcome = 'approved' AND deleted_at IS NULL
    UNION ALL
    SELECT learner_id, year, 0, hours FROM learning_record
) AS counted
GROUP BY learner_id, year
"""


def upgrade():
    op.create_table('learner_hours',
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('professional', sa.Numeric(precision=9, scale=1), nullable=False),
    sa.Column('public', sa.Numeric(precision=9, scale=1), nullable=False),
    sa.Column('entries', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['learner_id'], ['user_account.id'], name=op.f('fk_learner_hours_learner_id_user_account')),
    sa.PrimaryKeyConstraint('learner_id', 'year', name=op.f('pk_learner_hours'))
    )
    op.execute(BACKFILL)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('ANALYZE learner_hours')  # the page joins it to 30,000 staff: plan with its real size


def downgrade():
    op.drop_table('learner_hours')
