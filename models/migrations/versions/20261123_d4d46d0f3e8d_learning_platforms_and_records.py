"""learning platforms and records

Revision ID: d4d46d0f3e8d
Revises: f3f74d3f1987
Create Date: 2026-11-23 12:44:07.080402

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4d46d0f3e8d'
down_revision = 'f3f74d3f1987'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('learning_platform',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('province_id', sa.Integer(), nullable=False),
    sa.Column('token_sha256', sa.String(length=64), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_learning_platform_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['province_id'], ['organisation.id'], name=op.f('fk_learning_platform_province_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_learning_platform')),
    sa.UniqueConstraint('name', name=op.f('uq_learning_platform_name')),
    sa.UniqueConstraint('token_sha256', name=op.f('uq_learning_platform_token_sha256'))
    )
    with op.batch_alter_table('learning_platform', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_learning_platform_province_id'), ['province_id'], unique=False)

    op.create_table('learning_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('platform_id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.String(length=100), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('course', sa.String(length=200), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('hours', sa.Numeric(precision=6, scale=1), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['learner_id'], ['user_account.id'], name=op.f('fk_learning_record_learner_id_user_account')),
    sa.ForeignKeyConstraint(['platform_id'], ['learning_platform.id'], name=op.f('fk_learning_record_platform_id_learning_platform')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_learning_record')),
    sa.UniqueConstraint('platform_id', 'record_id', name='uq_learning_record_platform_record')
    )
    with op.batch_alter_table('learning_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_learning_record_learner_id'), ['learner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_learning_record_platform_id'), ['platform_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_learning_record_year'), ['year'], unique=False)



def downgrade():
    with op.batch_alter_table('learning_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_learning_record_year'))
        batch_op.drop_index(batch_op.f('ix_learning_record_platform_id'))
        batch_op.drop_index(batch_op.f('ix_learning_record_learner_id'))

    op.drop_table('learning_record')
    with op.batch_alter_table('learning_platform', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_learning_platform_province_id'))

    op.drop_table('learning_platform')
