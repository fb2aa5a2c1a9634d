"""certificate verification code

Revision ID: 2766381cf60d
Revises: b7a3bf8d37ae
Create Date: 2026-12-03 08:30:00.000000

Certificate numbers are sequential, so the public verification page is now found by a random code (issue 12). Every
existing certificate gets a fresh code here; its old number-based URL (and QR code) no longer opens the page, the
learner downloads the PDF again for one with the new code.
"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '2766381cf60d'
down_revision = 'b7a3bf8d37ae'
branch_labels = None
depends_on = None

# As models.certificates.new_verification_code at the time of writing (a migration does not import the models).
ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
LENGTH = 20


def _code() -> str:
    return ''.join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def upgrade():
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.add_column(sa.Column('verification_code', sa.String(length=LENGTH), nullable=True))

    bind = op.get_bind()
    certificate = sa.table('certificate', sa.column('id', sa.Integer), sa.column('verification_code', sa.String))
    ids = bind.execute(sa.select(certificate.c.id).order_by(certificate.c.id)).scalars().all()
    codes = set()
    for certificate_id in ids:
        code = _code()
        while code in codes:  # 100 bits: never in practice, but the unique constraint below must not fail
            code = _code()
        codes.add(code)
        bind.execute(certificate.update().where(certificate.c.id == certificate_id).values(verification_code=code))

    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.alter_column('verification_code', existing_type=sa.String(length=LENGTH), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_certificate_verification_code'), ['verification_code'])


def downgrade():
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_certificate_verification_code'), type_='unique')
        batch_op.drop_column('verification_code')
