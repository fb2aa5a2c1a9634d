"""captcha nonces used once, session epochs

Revision ID: 342019cf9bac
Revises: 2766381cf60d
Create Date: 2026-12-03 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '342019cf9bac'
down_revision = '2766381cf60d'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('used_captcha',
                    sa.Column('nonce', sa.String(length=32), nullable=False),
                    sa.Column('expires_at', sa.DateTime(), nullable=False),
                    sa.PrimaryKeyConstraint('nonce', name=op.f('pk_used_captcha')))
    with op.batch_alter_table('used_captcha', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_used_captcha_expires_at'), ['expires_at'], unique=False)
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_epoch', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('session_epoch')
    with op.batch_alter_table('used_captcha', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_used_captcha_expires_at'))
    op.drop_table('used_captcha')
