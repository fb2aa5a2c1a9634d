"""《继续教育合格证书》: refused until the year's requirement is met, a PDF with number and QR code, a public
verification page found by the certificate's random code only (never by its sequential number), and automatic
voiding when approved hours it relied on are deleted (seed 001)."""
from decimal import Decimal

import pytest
from sqlalchemy import select

from models import Certificate, Claim, FlowLog, db
from models.certificates import VERIFICATION_ALPHABET, new_verification_code
from webapp.certificates import operations as certs
from webapp.claims import operations as claims_ops

from ..helpers import first_one_holding_on, year
from ..people import LI_NA, ZHANG_WEI, login, membership
from .helpers import approved, meet_requirement
from .pdfs import dark_share, pdf_text, render_first_page


def learner():
    return membership(ZHANG_WEI, 'learner')


def test_certificate_is_refused_until_the_requirement_is_met(ctx):
    approved(ZHANG_WEI, applied_hours=Decimal(18))
    try:
        certs.issue_certificate(learner(), year())
        raise AssertionError('issued without the hours')
    except certs.CertificateError as exc:
        assert '尚未达到继续教育学时要求' in exc.message
        assert '专业科目还差 42 学时' in exc.message and '公需科目还差 18 学时' in exc.message
    assert db.session.scalar(select(Certificate.id)) is None


def test_refusal_is_shown_on_the_page(client, ctx):
    login(client, ZHANG_WEI)
    response = client.post('/certificates/issue', data={'year': year()}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and '尚未达到继续教育学时要求' in page and '总学时还差 90 学时' in page
    assert db.session.scalar(select(Certificate.id)) is None


def test_met_requirement_gives_a_numbered_certificate_relying_on_the_claims(ctx):
    claims = meet_requirement(ZHANG_WEI)
    cert = certs.issue_certificate(learner(), year())
    assert cert.number == f'ZJ{year()}000001'
    assert (cert.total_hours, cert.professional_hours, cert.public_hours) == (90, 72, 18)
    assert {c.id for c in cert.claims} == {c.id for c in claims}
    assert certs.issue_certificate(learner(), year()) is cert  # the valid one is given again, not a second number
    log = db.session.scalar(select(FlowLog).where(FlowLog.subject_type == 'certificate'))
    assert log.action == '生成合格证书' and cert.number in log.remark


def test_certificate_pdf_has_name_year_hours_number_and_renders_chinese(client, ctx):
    meet_requirement(ZHANG_WEI)
    db.session.commit()
    login(client, ZHANG_WEI)
    page = client.post('/certificates/issue', data={'year': year()}, follow_redirects=True).get_data(as_text=True)
    number = f'ZJ{year()}000001'
    assert '合格证书已生成' in page and number in page
    cert = db.session.scalar(select(Certificate))
    response = client.get(f'/certificates/{cert.id}.pdf')
    assert response.status_code == 200 and response.mimetype == 'application/pdf'
    text = pdf_text(response.data)
    assert '继续教育合格证书' in text and '张伟' in text and str(year()) in text and number in text
    assert '90' in text and '72' in text and '18' in text
    # The QR code and the printed URL carry the random verification code; the number is printed for reference only.
    assert f'http://localhost/verify/{cert.verification_code}' in text and f'/verify/{number}' not in text
    assert f'核验码 {cert.verification_code}' in text
    image = render_first_page(response.data, 'certificate.png')
    assert 0.005 < dark_share(image) < 0.5  # text, frame and QR code drawn; not a blank (or black) page


def test_verification_page_is_public_and_masks_the_id_number(client, ctx):
    meet_requirement(ZHANG_WEI)
    cert = certs.issue_certificate(learner(), year())
    db.session.commit()
    response = client.get(f'/verify/{cert.verification_code}')  # not signed in
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and '证书有效' in page and '张伟' in page and '*****001X' in page
    assert ZHANG_WEI not in page and '90' in page and str(year()) in page and cert.number in page
    assert '证书有效' in client.get(f'/verify/ {cert.verification_code.lower()} ').get_data(as_text=True)  # as typed


def _wrong_codes(cert) -> list[str]:
    """What someone walking the certificates would try: the sequential numbers around it (as issued, in lower case,
    with a slash), a code one character off, a fresh random code, and junk of every length."""
    code = cert.verification_code
    flipped = code[:-1] + ('A' if code[-1] != 'A' else 'B')
    numbers = [cert.number, cert.number.lower(), f'ZJ{year()}000002', f'ZJ{year()}999999', f'{cert.number}/']
    return numbers + [flipped, code[:-1], code + 'A', new_verification_code(), str(cert.id), '%25', 'x' * 500,
                      code.replace(code[0], '0')]


def test_a_guessed_number_or_wrong_code_reveals_nothing(client, ctx):
    meet_requirement(ZHANG_WEI)
    cert = certs.issue_certificate(learner(), year())
    db.session.commit()
    pages = set()
    for guess in _wrong_codes(cert):
        response = client.get(f'/verify/{guess}')
        page = response.get_data(as_text=True)
        assert response.status_code == 404, guess
        assert '未找到该证书' in page and '证书编号不能用于核验' in page, guess
        assert '张伟' not in page and '001X' not in page and '交通工程' not in page and cert.number not in page
        pages.add(page)
    assert len(pages) == 1  # the same page whatever was tried: nothing tells a near miss from junk


def test_verification_asks_for_the_code(client, ctx):
    meet_requirement(ZHANG_WEI)
    cert = certs.issue_certificate(learner(), year())
    db.session.commit()
    page = client.get('/verify').get_data(as_text=True)
    assert '20 位核验码' in page and '未找到该证书' not in page
    response = client.get('/verify', query_string={'code': f' {cert.verification_code} '})
    assert response.status_code == 302 and response.location.endswith(f'/verify/{cert.verification_code}')
    assert client.get('/verify', query_string={'code': cert.number}, follow_redirects=True).status_code == 404


def test_verification_codes_are_random_and_unique(ctx):
    meet_requirement(ZHANG_WEI)
    meet_requirement(LI_NA)
    first = certs.issue_certificate(learner(), year())
    second = certs.issue_certificate(membership(LI_NA, 'learner'), year())
    codes = {first.verification_code, second.verification_code} | {new_verification_code() for _ in range(1000)}
    assert len(codes) == 1002  # 100 bits each: guessing one among them is hopeless
    assert all(len(c) == 20 and set(c) <= set(VERIFICATION_ALPHABET) for c in codes)


def test_deleting_relied_on_hours_voids_the_certificate(client, ctx):
    training, *_ = meet_requirement(ZHANG_WEI)
    cert = certs.issue_certificate(learner(), year())
    db.session.commit()
    claims_ops.delete_approved(membership('jtjt_admin', 'unit_admin'), training, '培训证明系伪造')
    db.session.commit()
    assert cert.voided_at is not None and '培训证明系伪造' in cert.void_reason
    page = client.get(f'/verify/{cert.verification_code}').get_data(as_text=True)
    # Whoever holds the code gets a generic statement, not the admin's free-text reason.
    assert '已作废' in page and '该证书所依据的学时已被删除，证书已作废' in page and '证书有效' not in page
    assert '培训证明系伪造' not in page and '公路养护技术培训班' not in page
    page = login(ctx.test_client(), 'hzcj_admin').get(f'/verify/{cert.verification_code}').get_data(as_text=True)
    assert '已作废' in page and '培训证明系伪造' not in page  # staff of another unit: the public view
    page = login(ctx.test_client(), 'jtjt_admin').get(f'/verify/{cert.verification_code}').get_data(as_text=True)
    assert '培训证明系伪造' in page and '公路养护技术培训班' in page
    log = db.session.scalar(select(FlowLog).where(FlowLog.subject_type == 'certificate', FlowLog.action == '证书作废'))
    assert log is not None and '交工集团管理员' in log.actor_label
    # Now short of hours, she cannot get a new one; the void one stays listed as void.
    login(client, ZHANG_WEI)
    page = client.post('/certificates/issue', data={'year': year()}, follow_redirects=True).get_data(as_text=True)
    assert '尚未达到继续教育学时要求' in page and '已作废' in page


def test_deleting_hours_the_certificate_did_not_rely_on_leaves_it_valid(ctx):
    meet_requirement(ZHANG_WEI)
    cert = certs.issue_certificate(learner(), year())
    other = approved(ZHANG_WEI, pathway='exam', sub_type='交通运输类执（职）业资格考试', applied_hours=Decimal(8))
    claims_ops.delete_approved(membership('jtjt_admin', 'unit_admin'), other, '重复登记')
    assert cert.voided_at is None  # issued before this claim was approved: it did not rely on it


def test_certificate_pdf_is_only_for_the_learner_and_her_unit_admin(client, ctx):
    meet_requirement(ZHANG_WEI)
    cert = certs.issue_certificate(learner(), year())
    db.session.commit()
    login(client, LI_NA)
    assert client.get(f'/certificates/{cert.id}.pdf').status_code == 404
    assert login(ctx.test_client(), 'hzcj_admin').get(f'/certificates/{cert.id}.pdf').status_code == 404
    assert login(ctx.test_client(), 'jtjt_admin').get(f'/certificates/{cert.id}.pdf').status_code == 200
    assert ctx.test_client().get(f'/certificates/{cert.id}.pdf').status_code == 302  # to the login page


def test_a_claim_deleted_by_one_admin_cannot_be_deleted_again_by_another(ctx):
    claim = approved(ZHANG_WEI, applied_hours=Decimal(8))
    db.session.commit()
    claims_ops.delete_approved(membership('jtjt_admin', 'unit_admin'), claim, '重复登记')
    db.session.commit()
    try:
        claims_ops.delete_approved(membership('jtjt_gcb', 'unit_admin'), claim, '另一原因')
        raise AssertionError('deleted twice')
    except claims_ops.ClaimError as exc:
        assert exc.message == '该登记已被他人删除'
    db.session.rollback()
    assert db.session.get(type(claim), claim.id).deleted_reason == '重复登记'
    deletions = select(FlowLog).where(FlowLog.subject_type == 'claim', FlowLog.action == '删除已认定学时')
    assert len(db.session.scalars(deletions).all()) == 1


def _while_deleting(app, claim_id, other):
    """An admin deletes *claim_id* and holds her transaction open for a moment while *other* runs (main thread);
    returns what *other* returned or raised."""
    def admin():
        claims_ops.delete_approved(membership('jtjt_admin', 'unit_admin'), db.session.get(Claim, claim_id),
                                   '培训证明系伪造')

    with first_one_holding_on(app, admin), app.app_context():  # commits while *other* waits for the learner's row
        try:
            result = other()
            db.session.commit()
        except Exception as exc:
            db.session.rollback()
            result = exc
        finally:
            db.session.remove()
    return result


def _postgresql_only(app):
    import pytest

    if app.config['SQLALCHEMY_DATABASE_URI'].startswith('sqlite'):
        pytest.skip('row locks: PostgreSQL only (SQLite serialises writers anyway)')


@pytest.mark.committing  # two threads
def test_concurrent_deletions_of_one_claim_one_is_refused(app):
    _postgresql_only(app)
    with app.app_context():
        claim_id = approved(ZHANG_WEI, applied_hours=Decimal(8)).id
        db.session.commit()
    result = _while_deleting(app, claim_id, lambda: claims_ops.delete_approved(
        membership('jtjt_gcb', 'unit_admin'), db.session.get(Claim, claim_id), '另一原因'))
    assert isinstance(result, claims_ops.ClaimError) and result.message == '该登记已被他人删除'
    with app.app_context():
        assert db.session.get(Claim, claim_id).deleted_reason == '培训证明系伪造'


@pytest.mark.committing  # two threads
def test_a_certificate_issued_while_its_hours_are_deleted_is_not_left_valid(app):
    _postgresql_only(app)
    with app.app_context():
        training_id = meet_requirement(ZHANG_WEI)[0].id
        db.session.commit()
    result = _while_deleting(app, training_id, lambda: certs.issue_certificate(learner(), year()))
    # The issue waited for the deletion: the hours no longer count, so no certificate (or else a void one).
    assert isinstance(result, certs.CertificateError) and '尚未达到继续教育学时要求' in result.message
    with app.app_context():
        assert db.session.scalars(select(Certificate).where(Certificate.voided_at.is_(None))).all() == []
