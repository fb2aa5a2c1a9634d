"""Certificates that relied on approved hours which are then deleted become void (seed 001). Deleting the hours is a
claims use case; the voiding sits below the features so that it needs no import of the certificates feature."""
from sqlalchemy import select

from models import Certificate, Claim, Membership, certificate_claim, db, utcnow

from . import audit
from .formatting import format_hours

SUBJECT = 'certificate'  # a certificate in the flow log


def void_certificate(cert: Certificate, reason: str, m: Membership | None) -> None:
    if cert.voided_at is not None:
        return
    cert.voided_at, cert.void_reason = utcnow(), reason[:500]
    audit.log(SUBJECT, cert.id, '证书作废', m, f'{cert.number}：{reason}'[:500])


def relying_on(claim: Claim) -> list[Certificate]:
    """The valid certificates that count *claim*'s hours: deleting them voids these."""
    return list(db.session.scalars(select(Certificate).join(
        certificate_claim, certificate_claim.c.certificate_id == Certificate.id).where(
        certificate_claim.c.claim_id == claim.id, Certificate.voided_at.is_(None)).order_by(Certificate.id)))


def void_for_claim(claim: Claim, m: Membership | None, reason: str) -> list[Certificate]:
    """Approved hours were deleted: every valid certificate that relied on them becomes void (seed 001)."""
    certs = relying_on(claim)
    for cert in certs:  # i18n: data - the void reason is kept with the certificate and in the flow log, as written
        void_certificate(cert, f'所依据的学时“{claim.title}”（{format_hours(claim.registered_hours)} 学时）已被删除，'
                               f'删除原因：{reason}', m)
    db.session.flush()
    return certs
