"""work item grants hours

Revision ID: d7e3b91a4c2f
Revises: 4b7e2d9c1f3a
Create Date: 2026-12-03 16:50:00

Which user task grants 登记学时 is the diagram's `grantsHours` property, copied onto each inbox row. The open rows of
the final review forms grant, as those diagrams did before the property existed (webapp/workflow/catalog.py
LEGACY_GRANTING_FORMS); done rows are history and keep false.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd7e3b91a4c2f'
down_revision = '4b7e2d9c1f3a'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('work_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('grants_hours', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.execute("UPDATE work_item SET grants_hours = true WHERE completed_at IS NULL "
               "AND form_key IN ('claim_final_review', 'supplement_final_review')")


def downgrade():
    with op.batch_alter_table('work_item', schema=None) as batch_op:
        batch_op.drop_column('grants_hours')
