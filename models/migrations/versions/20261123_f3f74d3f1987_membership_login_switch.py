"""membership login switch

Revision ID: f3f74d3f1987
Revises: 71a75044772c
Create Date: 2026-11-23 12:55:07.384403

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f3f74d3f1987'
down_revision = '71a75044772c'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.add_column(sa.Column('login_allowed', sa.Boolean(), server_default=sa.true(), nullable=False))



def downgrade():
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.drop_column('login_allowed')

