"""inbox list columns and indexes

Revision ID: 5e1f0c2a9b7d
Revises: c1a15e115735
Create Date: 2026-12-03 14:10:00

The inboxes page over one scope in list order: an index per scope (open rows by organisation, department, person,
escalation; done rows by who did them), each with the kind of subject before the order (models/workflow.py). A claim's
learner, year, pathway and status, which the inbox filters by, are copied onto its work items (subject_*).

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '5e1f0c2a9b7d'
down_revision = 'c1a15e115735'
branch_labels = None
depends_on = None

OPEN = sa.text('completed_at IS NULL')
LISTED = ['subject_person_id', 'subject_year', 'subject_pathway', 'subject_status']
INDEXES = [
    ('ix_work_item_open_org', ['lane', 'scope_org_id', 'subject_type', 'created_at', 'id'], LISTED, OPEN),
    ('ix_work_item_open_department', ['lane', 'scope_org_id', 'scope_department_id', 'subject_type', 'created_at', 'id'],
     LISTED, OPEN),
    ('ix_work_item_open_user', ['scope_user_id', 'subject_type', 'created_at', 'id'], None, OPEN),
    ('ix_work_item_open_escalated', ['escalated_org_id', 'subject_type', 'created_at', 'id'], LISTED, OPEN),
    ('ix_work_item_done_by', ['completed_by_id', 'subject_type', 'completed_at', 'id'], LISTED, None),
]
REPLACED = [('ix_work_item_open_scope', ['completed_at', 'lane', 'scope_org_id', 'scope_department_id']),
            ('ix_work_item_completed_by_id', ['completed_by_id']),
            ('ix_work_item_escalated_org_id', ['escalated_org_id'])]


def upgrade():
    # The copy first, then the foreign key and the indexes: millions of rows are then written once and checked once.
    for name, _columns in REPLACED:
        op.drop_index(name, table_name='work_item')
    with op.batch_alter_table('work_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject_person_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('subject_year', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('subject_pathway', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('subject_status', sa.String(length=50), nullable=True))
    op.execute("UPDATE work_item SET subject_person_id = claim.learner_id, subject_year = claim.year, "
               "subject_pathway = claim.pathway, subject_status = claim.status_label FROM claim "
               "WHERE work_item.subject_type = 'claim' AND work_item.subject_id = claim.id")
    with op.batch_alter_table('work_item', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_work_item_subject_person_id_user_account'), 'user_account',
                                    ['subject_person_id'], ['id'])
    for name, columns, include, where in INDEXES:
        op.create_index(name, 'work_item', columns, postgresql_include=include or [], postgresql_where=where)
    if op.get_bind().dialect.name == 'postgresql':
        # Every row was rewritten: without fresh statistics the planner misjudged the new columns (a name search of
        # a supervisor's inbox ran for minutes on a million claims until the table was analysed).
        op.execute('ANALYZE work_item')


def downgrade():
    for name, columns in REPLACED:
        op.create_index(name, 'work_item', columns)
    for name, _columns, _include, _where in INDEXES:
        op.drop_index(name, table_name='work_item')
    with op.batch_alter_table('work_item', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_work_item_subject_person_id_user_account'), type_='foreignkey')
        for column in reversed(LISTED):
            batch_op.drop_column(column)
