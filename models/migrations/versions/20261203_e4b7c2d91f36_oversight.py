"""oversight: the principal admin (超级管理员) of a supervising department or the province

Revision ID: e4b7c2d91f36
Revises: c5a1f0e2b7d4
Create Date: 2026-12-03 17:00:00

membership.principal marks the one admin of a supervising department or the province who manages its admins (seed
004: 设为超级管理员, the old one is not kept). The earliest admin of each such organisation becomes its principal.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e4b7c2d91f36'
down_revision = 'c5a1f0e2b7d4'
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


def downgrade():
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.drop_column('principal')
