"""claim list indexes, name search by characters

Revision ID: c1a15e115735
Revises: ab9cfe7dbe29
Create Date: 2026-12-03 14:10:00

The claim lists page over one scope (unit, department, supervising department, province, learner, filer) newest
first: an index per scope in that order (models/claims.py). Name search on PostgreSQL looks names up by their
characters (GIN over string_to_array(name, NULL); models/people.py).

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'c1a15e115735'
down_revision = 'ab9cfe7dbe29'
branch_labels = None
depends_on = None

LISTED = ['status_label', 'year', 'pathway', 'learner_id']
SUBMITTED = sa.text('submitted_at IS NOT NULL AND deleted_at IS NULL')


def upgrade():
    op.create_index('ix_claim_unit_id_id', 'claim', ['unit_id', 'id'], postgresql_include=LISTED,
                    postgresql_where=sa.text('deleted_at IS NULL'))
    op.create_index('ix_claim_unit_id_department_id_id', 'claim', ['unit_id', 'department_id', 'id'],
                    postgresql_include=LISTED, postgresql_where=sa.text('department_id IS NOT NULL AND deleted_at IS NULL'))
    op.create_index('ix_claim_reviewer_org_id_id', 'claim', ['reviewer_org_id', 'id'], postgresql_include=LISTED,
                    postgresql_where=SUBMITTED)
    op.create_index('ix_claim_province_id_id', 'claim', ['province_id', 'id'], postgresql_include=LISTED,
                    postgresql_where=SUBMITTED)
    op.create_index('ix_claim_learner_id_id', 'claim', ['learner_id', 'id'])
    op.create_index('ix_claim_created_by_id_id', 'claim', ['created_by_id', 'id'])
    op.drop_index('ix_claim_learner_id', table_name='claim')  # ix_claim_learner_id_id starts with the same column
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('CREATE INDEX ix_user_account_name_chars ON user_account USING gin (string_to_array(name, NULL))')
        op.execute('ANALYZE user_account')  # statistics of the new expression: else the planner guesses how many match


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP INDEX ix_user_account_name_chars')
    op.create_index('ix_claim_learner_id', 'claim', ['learner_id'])
    for name in ('ix_claim_created_by_id_id', 'ix_claim_learner_id_id', 'ix_claim_province_id_id',
                 'ix_claim_reviewer_org_id_id', 'ix_claim_unit_id_department_id_id', 'ix_claim_unit_id_id'):
        op.drop_index(name, table_name='claim')
