"""timers, notifications, supplements

Revision ID: 021748d00325
Revises: 155ba00e5194
Create Date: 2026-11-23 12:18:36.042415

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '021748d00325'
down_revision = '155ba00e5194'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('supplement_window',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('province_id', sa.Integer(), nullable=False),
    sa.Column('opens_on', sa.Date(), nullable=False),
    sa.Column('closes_on', sa.Date(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['province_id'], ['organisation.id'], name=op.f('fk_supplement_window_province_id_organisation')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_supplement_window_updated_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supplement_window')),
    sa.UniqueConstraint('province_id', name=op.f('uq_supplement_window_province_id'))
    )
    op.create_table('supplement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('province_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('pathway', sa.String(length=30), nullable=False),
    sa.Column('status_label', sa.String(length=50), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('unit_decision', sa.String(length=20), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('instance_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_supplement_department_id_department')),
    sa.ForeignKeyConstraint(['instance_id'], ['workflow_instance.id'], name=op.f('fk_supplement_instance_id_workflow_instance')),
    sa.ForeignKeyConstraint(['learner_id'], ['user_account.id'], name=op.f('fk_supplement_learner_id_user_account')),
    sa.ForeignKeyConstraint(['province_id'], ['organisation.id'], name=op.f('fk_supplement_province_id_organisation')),
    sa.ForeignKeyConstraint(['unit_id'], ['organisation.id'], name=op.f('fk_supplement_unit_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supplement'))
    )
    with op.batch_alter_table('supplement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supplement_learner_id'), ['learner_id'], unique=False)
        batch_op.create_index('ix_supplement_learner_year', ['learner_id', 'year', 'pathway'], unique=False)
        batch_op.create_index(batch_op.f('ix_supplement_unit_id'), ['unit_id'], unique=False)

    op.create_table('notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=500), nullable=False),
    sa.Column('url', sa.String(length=300), nullable=True),
    sa.Column('work_item_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('read_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_notification_user_id_user_account')),
    sa.ForeignKeyConstraint(['work_item_id'], ['work_item.id'], name=op.f('fk_notification_work_item_id_work_item')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification'))
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index('ix_notification_user_unread', ['user_id', 'read_at'], unique=False)

    with op.batch_alter_table('claim', schema=None) as batch_op:
        batch_op.add_column(sa.Column('supplement_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_claim_supplement_id'), ['supplement_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_claim_supplement_id_supplement'), 'supplement', ['supplement_id'], ['id'])

    with op.batch_alter_table('work_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('overdue_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('escalated_org_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_work_item_escalated_org_id'), ['escalated_org_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_work_item_escalated_org_id_organisation'), 'organisation', ['escalated_org_id'], ['id'])

    with op.batch_alter_table('workflow_instance', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_timer_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('timer_failures', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('timer_error', sa.String(length=1000), nullable=True))
        batch_op.add_column(sa.Column('timer_retry_at', sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_workflow_instance_next_timer_at'), ['next_timer_at'], unique=False)



def downgrade():
    with op.batch_alter_table('workflow_instance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workflow_instance_next_timer_at'))
        batch_op.drop_column('timer_retry_at')
        batch_op.drop_column('timer_error')
        batch_op.drop_column('timer_failures')
        batch_op.drop_column('next_timer_at')

    with op.batch_alter_table('work_item', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_work_item_escalated_org_id_organisation'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_work_item_escalated_org_id'))
        batch_op.drop_column('escalated_org_id')
        batch_op.drop_column('overdue_at')

    with op.batch_alter_table('claim', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_claim_supplement_id_supplement'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_claim_supplement_id'))
        batch_op.drop_column('supplement_id')

    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_user_unread')

    op.drop_table('notification')
    with op.batch_alter_table('supplement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supplement_unit_id'))
        batch_op.drop_index('ix_supplement_learner_year')
        batch_op.drop_index(batch_op.f('ix_supplement_learner_id'))

    op.drop_table('supplement')
    op.drop_table('supplement_window')
