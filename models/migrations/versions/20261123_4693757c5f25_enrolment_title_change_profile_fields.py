"""enrolment, title change, profile fields

Revision ID: 4693757c5f25
Revises: 12513d5126b9
Create Date: 2026-11-23 13:05:47.977761

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4693757c5f25'
down_revision = '12513d5126b9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('enrolment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('identity', sa.String(length=20), nullable=False),
    sa.Column('political_status', sa.String(length=20), nullable=False),
    sa.Column('education', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=20), nullable=False),
    sa.Column('title_date', sa.Date(), nullable=True),
    sa.Column('specialty', sa.String(length=30), nullable=False),
    sa.Column('status_label', sa.String(length=50), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('instance_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_enrolment_department_id_department')),
    sa.ForeignKeyConstraint(['instance_id'], ['workflow_instance.id'], name=op.f('fk_enrolment_instance_id_workflow_instance')),
    sa.ForeignKeyConstraint(['learner_id'], ['user_account.id'], name=op.f('fk_enrolment_learner_id_user_account')),
    sa.ForeignKeyConstraint(['unit_id'], ['organisation.id'], name=op.f('fk_enrolment_unit_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrolment')),
    sa.UniqueConstraint('learner_id', 'year', name='uq_enrolment_learner_year')
    )
    with op.batch_alter_table('enrolment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrolment_learner_id'), ['learner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrolment_unit_id'), ['unit_id'], unique=False)

    op.create_table('title_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('old_title', sa.String(length=20), nullable=True),
    sa.Column('new_title', sa.String(length=20), nullable=False),
    sa.Column('title_date', sa.Date(), nullable=True),
    sa.Column('status_label', sa.String(length=50), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('instance_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_title_change_department_id_department')),
    sa.ForeignKeyConstraint(['instance_id'], ['workflow_instance.id'], name=op.f('fk_title_change_instance_id_workflow_instance')),
    sa.ForeignKeyConstraint(['learner_id'], ['user_account.id'], name=op.f('fk_title_change_learner_id_user_account')),
    sa.ForeignKeyConstraint(['unit_id'], ['organisation.id'], name=op.f('fk_title_change_unit_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_title_change'))
    )
    with op.batch_alter_table('title_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_title_change_learner_id'), ['learner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_title_change_unit_id'), ['unit_id'], unique=False)

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('title', sa.String(length=20), nullable=True))



def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('title')
        batch_op.drop_column('email')

    with op.batch_alter_table('title_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_title_change_unit_id'))
        batch_op.drop_index(batch_op.f('ix_title_change_learner_id'))

    op.drop_table('title_change')
    with op.batch_alter_table('enrolment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrolment_unit_id'))
        batch_op.drop_index(batch_op.f('ix_enrolment_learner_id'))

    op.drop_table('enrolment')
