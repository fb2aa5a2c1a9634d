"""certificates, profile confirmations, hour record prints

Revision ID: 12513d5126b9
Revises: d4d46d0f3e8d
Create Date: 2026-11-23 12:46:49.256813

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '12513d5126b9'
down_revision = 'd4d46d0f3e8d'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('certificate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=30), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('total_hours', sa.Numeric(precision=6, scale=1), nullable=False),
    sa.Column('professional_hours', sa.Numeric(precision=6, scale=1), nullable=False),
    sa.Column('public_hours', sa.Numeric(precision=6, scale=1), nullable=False),
    sa.Column('learner_name', sa.String(length=50), nullable=False),
    sa.Column('id_number', sa.String(length=18), nullable=True),
    sa.Column('unit_name', sa.String(length=200), nullable=False),
    sa.Column('issuer_name', sa.String(length=200), nullable=False),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('voided_at', sa.DateTime(), nullable=True),
    sa.Column('void_reason', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['issued_by_id'], ['user_account.id'], name=op.f('fk_certificate_issued_by_id_user_account')),
    sa.ForeignKeyConstraint(['learner_id'], ['user_account.id'], name=op.f('fk_certificate_learner_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate')),
    sa.UniqueConstraint('number', name=op.f('uq_certificate_number'))
    )
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificate_learner_id'), ['learner_id'], unique=False)

    op.create_table('hour_record_print',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=30), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('total_hours', sa.Numeric(precision=6, scale=1), nullable=False),
    sa.Column('met', sa.Boolean(), nullable=False),
    sa.Column('printed_at', sa.DateTime(), nullable=False),
    sa.Column('printed_by_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['learner_id'], ['user_account.id'], name=op.f('fk_hour_record_print_learner_id_user_account')),
    sa.ForeignKeyConstraint(['printed_by_id'], ['user_account.id'], name=op.f('fk_hour_record_print_printed_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hour_record_print')),
    sa.UniqueConstraint('number', name=op.f('uq_hour_record_print_number'))
    )
    with op.batch_alter_table('hour_record_print', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hour_record_print_learner_id'), ['learner_id'], unique=False)

    op.create_table('profile_confirmation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('id_number', sa.String(length=18), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('unit_name', sa.String(length=200), nullable=False),
    sa.Column('department_name', sa.String(length=100), nullable=True),
    sa.ForeignKeyConstraint(['learner_id'], ['user_account.id'], name=op.f('fk_profile_confirmation_learner_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_profile_confirmation')),
    sa.UniqueConstraint('learner_id', 'year', name='uq_profile_confirmation_learner_year')
    )
    with op.batch_alter_table('profile_confirmation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_profile_confirmation_learner_id'), ['learner_id'], unique=False)

    op.create_table('certificate_claim',
    sa.Column('certificate_id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['certificate_id'], ['certificate.id'], name=op.f('fk_certificate_claim_certificate_id_certificate')),
    sa.ForeignKeyConstraint(['claim_id'], ['claim.id'], name=op.f('fk_certificate_claim_claim_id_claim')),
    sa.PrimaryKeyConstraint('certificate_id', 'claim_id', name=op.f('pk_certificate_claim'))
    )
    with op.batch_alter_table('certificate_claim', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificate_claim_claim_id'), ['claim_id'], unique=False)



def downgrade():
    with op.batch_alter_table('certificate_claim', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificate_claim_claim_id'))

    op.drop_table('certificate_claim')
    with op.batch_alter_table('profile_confirmation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_profile_confirmation_learner_id'))

    op.drop_table('profile_confirmation')
    with op.batch_alter_table('hour_record_print', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hour_record_print_learner_id'))

    op.drop_table('hour_record_print')
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificate_learner_id'))

    op.drop_table('certificate')
