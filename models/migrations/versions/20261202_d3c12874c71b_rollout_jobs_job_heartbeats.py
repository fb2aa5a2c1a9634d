"""rollout jobs; job heartbeats

Revision ID: d3c12874c71b
Revises: bb697936ad2f
Create Date: 2026-12-02 10:04:55.215772

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd3c12874c71b'
down_revision = 'bb697936ad2f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('rollout_job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('membership_id', sa.Integer(), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.Column('error', sa.String(length=1000), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('heartbeat_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['membership_id'], ['membership.id'], name=op.f('fk_rollout_job_membership_id_membership')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rollout_job'))
    )
    with op.batch_alter_table('rollout_job', schema=None) as batch_op:
        batch_op.create_index('ix_rollout_job_status', ['status', 'id'], unique=False)

    with op.batch_alter_table('import_job', schema=None) as batch_op:
        batch_op.add_column(sa.Column('heartbeat_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('import_job', schema=None) as batch_op:
        batch_op.drop_column('heartbeat_at')

    with op.batch_alter_table('rollout_job', schema=None) as batch_op:
        batch_op.drop_index('ix_rollout_job_status')

    op.drop_table('rollout_job')
