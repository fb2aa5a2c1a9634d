"""province-scale list indexes: a unit's staff, their names and hours, the workbench's running instances, failed
timers, an organisation's waiting items per step

Revision ID: d5e8a1c7f032
Revises: c5e8a1f7d293
Create Date: 2026-12-04 17:10:00

At 1M claims / 20,000 units (bench/province_scale.py) these pages read whole tables or heaps:
- a unit's staff (人员管理, 学时达标情况, 下属机构 · unit): membership (org_id, role, user_id) INCLUDE department_id
  replaces ix_membership_org_id (its first column); the names sorted come from user_account (id) INCLUDE name and
  the year's hours from learner_hours (year, learner_id) INCLUDE the sums, each read alone (index-only);
- 流程与规则: the running instances (is_completed IS false) per version, with their pinned tables, from a partial
  index of them alone;
- 定时任务: the failed timers (timer_failures > 0) from a partial index of them alone;
- 下属机构 · unit: the waiting items per step, status_label added to ix_work_item_open_org's INCLUDE.
A plain CREATE INDEX (in the migration's transaction); the tables are analysed afterwards on PostgreSQL.

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'd5e8a1c7f032'
down_revision = 'c5e8a1f7d293'
branch_labels = None
depends_on = None

LISTED = ['subject_person_id', 'subject_year', 'subject_pathway', 'subject_status']
OPEN = sa.text('completed_at IS NULL')


def _open_org(include):
    op.drop_index('ix_work_item_open_org', table_name='work_item')
    op.create_index('ix_work_item_open_org', 'work_item', ['lane', 'scope_org_id', 'subject_type', 'created_at', 'id'],
                    postgresql_include=include, postgresql_where=OPEN)


def upgrade():
    op.create_index('ix_membership_org_id_role_user_id', 'membership', ['org_id', 'role', 'user_id'],
                    postgresql_include=['department_id'])
    op.drop_index('ix_membership_org_id', table_name='membership')  # the new index starts with the same column
    op.create_index('ix_user_account_id_name', 'user_account', ['id'], postgresql_include=['name'])
    op.create_index('ix_learner_hours_year_learner_id', 'learner_hours', ['year', 'learner_id'],
                    postgresql_include=['professional', 'public'])
    op.create_index('ix_workflow_instance_running', 'workflow_instance', ['process_version_id'],
                    postgresql_include=['rule_version_ids'], postgresql_where=sa.text('is_completed IS false'),
                    sqlite_where=sa.text('is_completed IS 0'))
    op.create_index('ix_workflow_instance_timer_failed', 'workflow_instance', ['timer_retry_at'],
                    postgresql_where=sa.text('timer_failures > 0'), sqlite_where=sa.text('timer_failures > 0'))
    _open_org(LISTED + ['status_label'])
    if op.get_bind().dialect.name == 'postgresql':
        for table in ('membership', 'user_account', 'learner_hours', 'workflow_instance', 'work_item'):
            op.execute(f'ANALYZE {table}')


def downgrade():
    _open_org(LISTED)
    op.drop_index('ix_workflow_instance_timer_failed', table_name='workflow_instance')
    op.drop_index('ix_workflow_instance_running', table_name='workflow_instance')
    op.drop_index('ix_learner_hours_year_learner_id', table_name='learner_hours')
    op.drop_index('ix_user_account_id_name', table_name='user_account')
    op.create_index('ix_membership_org_id', 'membership', ['org_id'])
    op.drop_index('ix_membership_org_id_role_user_id', table_name='membership')
