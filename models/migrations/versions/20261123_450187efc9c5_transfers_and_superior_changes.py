"""transfers and superior changes

Revision ID: 450187efc9c5
Revises: b1c09f1d0dc3
Create Date: 2026-11-23 13:06:58.774388

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '450187efc9c5'
down_revision = 'b1c09f1d0dc3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('superior_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('old_parent_id', sa.Integer(), nullable=True),
    sa.Column('new_parent_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('status_label', sa.String(length=50), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('refusal_reason', sa.String(length=500), nullable=True),
    sa.Column('instance_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['instance_id'], ['workflow_instance.id'], name=op.f('fk_superior_change_instance_id_workflow_instance')),
    sa.ForeignKeyConstraint(['new_parent_id'], ['organisation.id'], name=op.f('fk_superior_change_new_parent_id_organisation')),
    sa.ForeignKeyConstraint(['old_parent_id'], ['organisation.id'], name=op.f('fk_superior_change_old_parent_id_organisation')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user_account.id'], name=op.f('fk_superior_change_requested_by_id_user_account')),
    sa.ForeignKeyConstraint(['unit_id'], ['organisation.id'], name=op.f('fk_superior_change_unit_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_superior_change'))
    )
    with op.batch_alter_table('superior_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_superior_change_new_parent_id'), ['new_parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_superior_change_old_parent_id'), ['old_parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_superior_change_outcome'), ['outcome'], unique=False)
        batch_op.create_index(batch_op.f('ix_superior_change_unit_id'), ['unit_id'], unique=False)

    op.create_table('transfer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('from_unit_id', sa.Integer(), nullable=False),
    sa.Column('from_department_id', sa.Integer(), nullable=True),
    sa.Column('to_unit_id', sa.Integer(), nullable=False),
    sa.Column('initiated_by', sa.String(length=20), nullable=False),
    sa.Column('initiator_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('status_label', sa.String(length=50), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('refusal_reason', sa.String(length=500), nullable=True),
    sa.Column('instance_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['from_department_id'], ['department.id'], name=op.f('fk_transfer_from_department_id_department')),
    sa.ForeignKeyConstraint(['from_unit_id'], ['organisation.id'], name=op.f('fk_transfer_from_unit_id_organisation')),
    sa.ForeignKeyConstraint(['initiator_id'], ['user_account.id'], name=op.f('fk_transfer_initiator_id_user_account')),
    sa.ForeignKeyConstraint(['instance_id'], ['workflow_instance.id'], name=op.f('fk_transfer_instance_id_workflow_instance')),
    sa.ForeignKeyConstraint(['learner_id'], ['user_account.id'], name=op.f('fk_transfer_learner_id_user_account')),
    sa.ForeignKeyConstraint(['to_unit_id'], ['organisation.id'], name=op.f('fk_transfer_to_unit_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transfer'))
    )
    with op.batch_alter_table('transfer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_transfer_from_unit_id'), ['from_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_transfer_learner_id'), ['learner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_transfer_outcome'), ['outcome'], unique=False)
        batch_op.create_index(batch_op.f('ix_transfer_to_unit_id'), ['to_unit_id'], unique=False)



def downgrade():
    with op.batch_alter_table('transfer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_transfer_to_unit_id'))
        batch_op.drop_index(batch_op.f('ix_transfer_outcome'))
        batch_op.drop_index(batch_op.f('ix_transfer_learner_id'))
        batch_op.drop_index(batch_op.f('ix_transfer_from_unit_id'))

    op.drop_table('transfer')
    with op.batch_alter_table('superior_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_superior_change_unit_id'))
        batch_op.drop_index(batch_op.f('ix_superior_change_outcome'))
        batch_op.drop_index(batch_op.f('ix_superior_change_old_parent_id'))
        batch_op.drop_index(batch_op.f('ix_superior_change_new_parent_id'))

    op.drop_table('superior_change')
