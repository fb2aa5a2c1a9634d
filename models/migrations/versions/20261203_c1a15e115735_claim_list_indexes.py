"""claim list indexes, name search grams

Revision ID: c1a15e115735
Revises: ab9cfe7dbe29
Create Date: 2026-12-03 14:10:00

The claim lists page over one scope (unit, department, supervising department, province, learner, filer) newest
first: an index per scope in that order (models/claims.py). Name search on PostgreSQL looks names up by their 1- and
2-character pieces (name_grams, GIN; models/people.py).

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
NAME_GRAMS = """
CREATE OR REPLACE FUNCTION name_grams(name text) RETURNS text[] LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT substr(name, i, n)), '{}') FROM generate_series(1, char_length(name)) i,
         (VALUES (1), (2)) AS g(n) WHERE i + n - 1 <= char_length(name) $$"""


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
        op.execute(NAME_GRAMS)
        op.execute('CREATE INDEX ix_user_account_name_grams ON user_account USING gin (name_grams(name))')


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP INDEX ix_user_account_name_grams')
        op.execute('DROP FUNCTION name_grams(text)')
    op.create_index('ix_claim_learner_id', 'claim', ['learner_id'])
    for name in ('ix_claim_created_by_id_id', 'ix_claim_learner_id_id', 'ix_claim_province_id_id',
                 'ix_claim_reviewer_org_id_id', 'ix_claim_unit_id_department_id_id', 'ix_claim_unit_id_id'):
        op.drop_index(name, table_name='claim')
