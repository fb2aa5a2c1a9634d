"""process failures

Revision ID: ab9cfe7dbe29
Revises: 8d5f647155d9
Create Date: 2026-12-03 08:48:22.536448

Run-time failures of published diagrams and decision tables, for province staff (webapp/workflow/failures.py).

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ab9cfe7dbe29'
down_revision = '8d5f647155d9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('process_failure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=True),
    sa.Column('element', sa.String(length=200), nullable=False),
    sa.Column('error', sa.String(length=1000), nullable=False),
    sa.Column('subject_type', sa.String(length=30), nullable=True),
    sa.Column('subject_id', sa.Integer(), nullable=True),
    sa.Column('instance_id', sa.Integer(), nullable=True),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('first_at', sa.DateTime(), nullable=False),
    sa.Column('last_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['process_version.id'], name=op.f('fk_process_failure_version_id_process_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_process_failure'))
    )
    with op.batch_alter_table('process_failure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_process_failure_last_at'), ['last_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_process_failure_version_id'), ['version_id'], unique=False)



def downgrade():
    with op.batch_alter_table('process_failure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_process_failure_version_id'))
        batch_op.drop_index(batch_op.f('ix_process_failure_last_at'))

    op.drop_table('process_failure')
