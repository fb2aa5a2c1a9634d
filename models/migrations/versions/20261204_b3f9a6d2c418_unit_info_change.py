"""unit_info_change: 修改单位信息 requests (name, 统一社会信用代码, licence) approved by the superior; the
organisation's licence scan

Revision ID: b3f9a6d2c418
Revises: a9d3f6c18b2e
Create Date: 2026-12-04 17:00:00

organisation.licence_sha256 / licence_type hold the unit's current 营业执照 scan: filled from the registration that
created the organisation (an approved one), replaced by an approved request. Plain op.add_column (no table rebuild of
organisation on SQLite, whose rows other tables refer to).

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b3f9a6d2c418'
down_revision = 'a9d3f6c18b2e'
branch_labels = None
depends_on = None

FROM_REGISTRATIONS = """
UPDATE organisation SET
  licence_sha256 = (SELECT r.licence_sha256 FROM registration r WHERE r.org_id = organisation.id
                    AND r.licence_sha256 IS NOT NULL ORDER BY r.id DESC LIMIT 1),
  licence_type = (SELECT r.licence_type FROM registration r WHERE r.org_id = organisation.id
                  AND r.licence_sha256 IS NOT NULL ORDER BY r.id DESC LIMIT 1)
WHERE id IN (SELECT org_id FROM registration WHERE org_id IS NOT NULL AND licence_sha256 IS NOT NULL)
"""


def upgrade():
    op.add_column('organisation', sa.Column('licence_sha256', sa.String(length=64), nullable=True))
    op.add_column('organisation', sa.Column('licence_type', sa.String(length=50), nullable=True))
    op.execute(FROM_REGISTRATIONS)
    op.create_table('unit_info_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('superior_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('old_name', sa.String(length=200), nullable=False),
    sa.Column('new_name', sa.String(length=200), nullable=False),
    sa.Column('old_credit_code', sa.String(length=18), nullable=True),
    sa.Column('new_credit_code', sa.String(length=18), nullable=True),
    sa.Column('old_licence_sha256', sa.String(length=64), nullable=True),
    sa.Column('old_licence_type', sa.String(length=50), nullable=True),
    sa.Column('new_licence_sha256', sa.String(length=64), nullable=True),
    sa.Column('new_licence_type', sa.String(length=50), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('status_label', sa.String(length=50), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('refusal_reason', sa.String(length=500), nullable=True),
    sa.Column('instance_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['instance_id'], ['workflow_instance.id'], name=op.f('fk_unit_info_change_instance_id_workflow_instance')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user_account.id'], name=op.f('fk_unit_info_change_requested_by_id_user_account')),
    sa.ForeignKeyConstraint(['superior_id'], ['organisation.id'], name=op.f('fk_unit_info_change_superior_id_organisation')),
    sa.ForeignKeyConstraint(['unit_id'], ['organisation.id'], name=op.f('fk_unit_info_change_unit_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_info_change'))
    )
    op.create_index('ix_unit_info_change_superior', 'unit_info_change', ['superior_id', 'id'], unique=False)
    op.create_index('ix_unit_info_change_unit_outcome', 'unit_info_change', ['unit_id', 'outcome'], unique=False)


def downgrade():
    op.drop_index('ix_unit_info_change_unit_outcome', table_name='unit_info_change')
    op.drop_index('ix_unit_info_change_superior', table_name='unit_info_change')
    op.drop_table('unit_info_change')
    op.drop_column('organisation', 'licence_type')
    op.drop_column('organisation', 'licence_sha256')
