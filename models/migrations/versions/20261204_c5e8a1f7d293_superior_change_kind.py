"""更换上级部门 of the 同级人社部门: superior_change.kind ('superior' | 'hr')

Revision ID: c5e8a1f7d293
Revises: b3f9a6d2c418
Create Date: 2026-12-04 17:20:00

A superior change either moves the unit under another parent (上级单位 / 主管部门, kind 'superior', every row so
far) or names another 同级人社部门 (kind 'hr'; old_parent_id / new_parent_id are then the old and the new 人社部门).
Plain ADD COLUMN with a server default: the rows there are keep their meaning.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c5e8a1f7d293'
down_revision = 'b3f9a6d2c418'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('superior_change', sa.Column('kind', sa.String(length=20), server_default='superior',
                                               nullable=False))


def downgrade():
    with op.batch_alter_table('superior_change') as batch:
        batch.drop_column('kind')
