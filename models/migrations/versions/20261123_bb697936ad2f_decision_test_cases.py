"""decision test cases

Revision ID: bb697936ad2f
Revises: 450187efc9c5
Create Date: 2026-11-23 13:30:44.779086

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'bb697936ad2f'
down_revision = '450187efc9c5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('decision_test_case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('inputs', sa.JSON(), nullable=False),
    sa.Column('expected', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_decision_test_case_created_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decision_test_case'))
    )
    with op.batch_alter_table('decision_test_case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decision_test_case_key'), ['key'], unique=False)



def downgrade():
    with op.batch_alter_table('decision_test_case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decision_test_case_key'))

    op.drop_table('decision_test_case')
