"""profile confirmation: enrolment fields printed on the 学时记录表

Revision ID: 5c1e0a7d9b21
Revises: d3c12874c71b
Create Date: 2026-12-02 10:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c1e0a7d9b21'
down_revision = 'd3c12874c71b'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('profile_confirmation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('identity', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('title', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('specialty', sa.String(length=30), nullable=True))


def downgrade():
    with op.batch_alter_table('profile_confirmation', schema=None) as batch_op:
        batch_op.drop_column('specialty')
        batch_op.drop_column('title')
        batch_op.drop_column('identity')
