"""dashboard: supplements and registrations by month; every figure's own rows by department

Revision ID: a9d3f6c18b2e
Revises: a8d2f4c61e39
Create Date: 2026-12-03 20:00:00

The stat_dept_* tables hold each organisation's own rows by department (0: none), read once from the source tables
by the rebuild, which then adds up the sub-tree tables (stat_unit_year …) from them; a unit admin's dashboard reads
them. stat_supplement_month and stat_registration_month are the 增补 and 注册 volumes. All start empty and are built
by `flask worker` (or `flask refresh-stats`).

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a9d3f6c18b2e'
down_revision = 'a8d2f4c61e39'
branch_labels = None
depends_on = None


def _org(table: str, department: bool) -> list:
    columns = [sa.Column('org_id', sa.Integer(), nullable=False),
               sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f(f'fk_{table}_org_id_organisation'))]
    if department:
        columns.insert(1, sa.Column('department_id', sa.Integer(), nullable=False))
    return columns


def _key(table: str, department: bool, *columns: str):
    return sa.PrimaryKeyConstraint('org_id', *(['department_id'] if department else []), *columns,
                                   name=op.f(f'pk_{table}'))


def _counts(*names: str) -> list:
    return [sa.Column(name, sa.Integer(), nullable=False) for name in names]


def _month_keys(third: str, length: int) -> list:
    return [sa.Column('year', sa.Integer(), nullable=False), sa.Column('month', sa.Integer(), nullable=False),
            sa.Column(third, sa.String(length=length), nullable=False)]


def upgrade():
    op.create_table('stat_dept_year', *_org('stat_dept_year', True),
                    sa.Column('year', sa.Integer(), nullable=False),
                    *_counts('staff', 'total_met', 'professional_met', 'public_met', 'all_met'),
                    _key('stat_dept_year', True, 'year'))
    op.create_table('stat_dept_claim_month', *_org('stat_dept_claim_month', True), *_month_keys('pathway', 30),
                    *_counts('submitted', 'approved'),
                    sa.Column('hours', sa.Numeric(precision=12, scale=1), nullable=False),
                    _key('stat_dept_claim_month', True, 'year', 'month', 'pathway'))
    op.create_table('stat_dept_decision_week', *_org('stat_dept_decision_week', True),
                    sa.Column('week', sa.Date(), nullable=False),
                    sa.Column('pathway', sa.String(length=30), nullable=False),
                    sa.Column('outcome', sa.String(length=30), nullable=False),
                    *_counts('decisions'),
                    _key('stat_dept_decision_week', True, 'week', 'pathway', 'outcome'))
    op.create_table('stat_dept_backlog', *_org('stat_dept_backlog', True),
                    sa.Column('subject_type', sa.String(length=30), nullable=False),
                    sa.Column('status_label', sa.String(length=50), nullable=False),
                    *_counts('week', 'month', 'quarter', 'older'),
                    sa.Column('oldest', sa.DateTime(), nullable=False),
                    _key('stat_dept_backlog', True, 'subject_type', 'status_label'))
    for table, department in (('stat_supplement_month', False), ('stat_dept_supplement_month', True)):
        op.create_table(table, *_org(table, department), *_month_keys('pathway', 30),
                        *_counts('requested', 'approved', 'rejected'),
                        _key(table, department, 'year', 'month', 'pathway'))
    op.create_table('stat_registration_month', *_org('stat_registration_month', False), *_month_keys('kind', 20),
                    *_counts('submitted', 'approved', 'rejected'),
                    _key('stat_registration_month', False, 'year', 'month', 'kind'))


def downgrade():
    for table in ('stat_registration_month', 'stat_dept_supplement_month', 'stat_supplement_month',
                  'stat_dept_backlog', 'stat_dept_decision_week', 'stat_dept_claim_month', 'stat_dept_year'):
        op.drop_table(table)
