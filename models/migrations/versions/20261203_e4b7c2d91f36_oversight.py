"""oversight: the principal admin (超级管理员) of a supervising department or the province; the dashboards' aggregates

Revision ID: e4b7c2d91f36
Revises: 3c0d5e7a9f21
Create Date: 2026-12-03 17:00:00

membership.principal marks the one admin of a supervising department or the province who manages its admins (seed
004: 设为超级管理员, the old one is not kept). The earliest admin of each such organisation becomes its principal.
The stat_* tables hold the dashboards' aggregates; they start empty and are built by `flask worker` (or
`flask refresh-stats`), so the migration itself reads no big table.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e4b7c2d91f36'
down_revision = '3c0d5e7a9f21'
branch_labels = None
depends_on = None

FIRST_ADMINS = """
UPDATE membership SET principal = TRUE
WHERE id IN (SELECT MIN(id) FROM membership WHERE role IN ('supervisor', 'province') GROUP BY org_id, role)
"""


def upgrade():
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.add_column(sa.Column('principal', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.execute(FIRST_ADMINS)
    op.create_table('stat_unit_year',
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('staff', sa.Integer(), nullable=False),
    sa.Column('total_met', sa.Integer(), nullable=False),
    sa.Column('professional_met', sa.Integer(), nullable=False),
    sa.Column('public_met', sa.Integer(), nullable=False),
    sa.Column('all_met', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_stat_unit_year_org_id_organisation')),
    sa.PrimaryKeyConstraint('org_id', 'year', name=op.f('pk_stat_unit_year'))
    )
    op.create_table('stat_claim_month',
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('pathway', sa.String(length=30), nullable=False),
    sa.Column('submitted', sa.Integer(), nullable=False),
    sa.Column('approved', sa.Integer(), nullable=False),
    sa.Column('hours', sa.Numeric(precision=12, scale=1), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_stat_claim_month_org_id_organisation')),
    sa.PrimaryKeyConstraint('org_id', 'year', 'month', 'pathway', name=op.f('pk_stat_claim_month'))
    )
    op.create_table('stat_decision_week',
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('week', sa.Date(), nullable=False),
    sa.Column('pathway', sa.String(length=30), nullable=False),
    sa.Column('outcome', sa.String(length=30), nullable=False),
    sa.Column('decisions', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_stat_decision_week_org_id_organisation')),
    sa.PrimaryKeyConstraint('org_id', 'week', 'pathway', 'outcome', name=op.f('pk_stat_decision_week'))
    )
    op.create_table('stat_backlog',
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('subject_type', sa.String(length=30), nullable=False),
    sa.Column('status_label', sa.String(length=50), nullable=False),
    sa.Column('week', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('quarter', sa.Integer(), nullable=False),
    sa.Column('older', sa.Integer(), nullable=False),
    sa.Column('oldest', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_stat_backlog_org_id_organisation')),
    sa.PrimaryKeyConstraint('org_id', 'subject_type', 'status_label', name=op.f('pk_stat_backlog'))
    )
    op.create_table('stat_refresh',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('refreshed_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stat_refresh'))
    )


def downgrade():
    op.drop_table('stat_refresh')
    op.drop_table('stat_backlog')
    op.drop_table('stat_decision_week')
    op.drop_table('stat_claim_month')
    op.drop_table('stat_unit_year')
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.drop_column('principal')
