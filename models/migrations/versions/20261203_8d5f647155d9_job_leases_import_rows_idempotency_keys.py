"""job leases, import rows, idempotency keys

A worker's lease token on both job tables; the file sha256 of an import and the rows it created (a re-upload or a
resumed import never creates a row twice); the used tokens of the forms that create things.

Revision ID: 8d5f647155d9
Revises: 342019cf9bac
Create Date: 2026-12-03 08:48:09.518045

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8d5f647155d9'
down_revision = '342019cf9bac'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('idempotency_key',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('endpoint', sa.String(length=100), nullable=False),
    sa.Column('location', sa.String(length=500), nullable=True),
    sa.Column('subject_type', sa.String(length=30), nullable=True),
    sa.Column('subject_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_idempotency_key_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idempotency_key')),
    sa.UniqueConstraint('token', name=op.f('uq_idempotency_key_token'))
    )
    with op.batch_alter_table('idempotency_key', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_idempotency_key_created_at'), ['created_at'], unique=False)

    op.create_table('import_row',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('file_sha256', sa.String(length=64), nullable=False),
    sa.Column('row', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['claim.id'], name=op.f('fk_import_row_claim_id_claim')),
    sa.ForeignKeyConstraint(['job_id'], ['import_job.id'], name=op.f('fk_import_row_job_id_import_job')),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_import_row_org_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_row')),
    sa.UniqueConstraint('org_id', 'file_sha256', 'row', name='uq_import_row_file_row')
    )

    with op.batch_alter_table('import_job', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content_sha256', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('lease_token', sa.String(length=32), nullable=True))

    with op.batch_alter_table('rollout_job', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lease_token', sa.String(length=32), nullable=True))



def downgrade():
    with op.batch_alter_table('rollout_job', schema=None) as batch_op:
        batch_op.drop_column('lease_token')

    with op.batch_alter_table('import_job', schema=None) as batch_op:
        batch_op.drop_column('lease_token')
        batch_op.drop_column('content_sha256')

    op.drop_table('import_row')
    with op.batch_alter_table('idempotency_key', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_idempotency_key_created_at'))

    op.drop_table('idempotency_key')
