"""registrations

Revision ID: b1c09f1d0dc3
Revises: 4693757c5f25
Create Date: 2026-11-23 13:05:17.163776

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b1c09f1d0dc3'
down_revision = '4693757c5f25'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('registration',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('id_number', sa.String(length=18), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('email', sa.String(length=120), nullable=True),
    sa.Column('org_name', sa.String(length=200), nullable=True),
    sa.Column('credit_code', sa.String(length=18), nullable=True),
    sa.Column('locality', sa.String(length=100), nullable=True),
    sa.Column('nature', sa.String(length=30), nullable=True),
    sa.Column('level', sa.String(length=30), nullable=True),
    sa.Column('industry', sa.String(length=50), nullable=True),
    sa.Column('org_phone', sa.String(length=20), nullable=True),
    sa.Column('address', sa.String(length=200), nullable=True),
    sa.Column('licence_sha256', sa.String(length=64), nullable=True),
    sa.Column('licence_type', sa.String(length=50), nullable=True),
    sa.Column('parent_org_id', sa.Integer(), nullable=False),
    sa.Column('approver_org_id', sa.Integer(), nullable=False),
    sa.Column('approver_lane', sa.String(length=20), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=True),
    sa.Column('membership_id', sa.Integer(), nullable=True),
    sa.Column('status_label', sa.String(length=50), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('instance_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['approver_org_id'], ['organisation.id'], name=op.f('fk_registration_approver_org_id_organisation')),
    sa.ForeignKeyConstraint(['instance_id'], ['workflow_instance.id'], name=op.f('fk_registration_instance_id_workflow_instance')),
    sa.ForeignKeyConstraint(['membership_id'], ['membership.id'], name=op.f('fk_registration_membership_id_membership')),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_registration_org_id_organisation')),
    sa.ForeignKeyConstraint(['parent_org_id'], ['organisation.id'], name=op.f('fk_registration_parent_org_id_organisation')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_registration_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registration'))
    )
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.create_index('ix_registration_approver', ['approver_org_id', 'outcome'], unique=False)
        batch_op.create_index(batch_op.f('ix_registration_approver_org_id'), ['approver_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_registration_id_number'), ['id_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_registration_outcome'), ['outcome'], unique=False)
        batch_op.create_index(batch_op.f('ix_registration_parent_org_id'), ['parent_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_registration_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('nature', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('level', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('industry', sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column('phone', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('address', sa.String(length=200), nullable=True))



def downgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('address')
        batch_op.drop_column('phone')
        batch_op.drop_column('industry')
        batch_op.drop_column('level')
        batch_op.drop_column('nature')

    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registration_user_id'))
        batch_op.drop_index(batch_op.f('ix_registration_parent_org_id'))
        batch_op.drop_index(batch_op.f('ix_registration_outcome'))
        batch_op.drop_index(batch_op.f('ix_registration_id_number'))
        batch_op.drop_index(batch_op.f('ix_registration_approver_org_id'))
        batch_op.drop_index('ix_registration_approver')

    op.drop_table('registration')
