"""registration proposed by a learner

Revision ID: b7a3bf8d37ae
Revises: 5c1e0a7d9b21
Create Date: 2026-12-02 10:33:02.454294

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7a3bf8d37ae'
down_revision = '5c1e0a7d9b21'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('proposed_by_name', sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column('proposed_by_id_number', sa.String(length=18), nullable=True))
        batch_op.add_column(sa.Column('proposed_by_phone', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('proposal_code', sa.String(length=20), nullable=True))
        batch_op.create_index(batch_op.f('ix_registration_proposed_by_id_number'), ['proposed_by_id_number'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registration_proposed_by_id_number'))
        batch_op.drop_column('proposal_code')
        batch_op.drop_column('proposed_by_phone')
        batch_op.drop_column('proposed_by_id_number')
        batch_op.drop_column('proposed_by_name')
