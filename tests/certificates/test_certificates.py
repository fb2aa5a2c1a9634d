"""《继续教育合格证书》: refused until the year's requirement is met, a PDF with number and QR code, a public
verification page, and automatic voiding when approved hours it relied on are deleted (seed 001)."""
from decimal import Decimal

import pytest
from sqlalchemy import select

from models import Certificate, Claim, FlowLog, db
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
    assert f'/verify/{number}' in text
    image = render_first_page(response.data, 'certificate.png')
    assert 0.005 < dark_share(image) < 0.5  # text, frame and QR code drawn; not a blank (or black) page


def test_verification_page_is_public_and_masks_the_id_number(client, ctx):
    meet_requirement(ZHANG_WEI)
    cert = certs.issue_certificate(learner(), year())
    db.session.commit()
    response = client.get(f'/verify/{cert.number}')  # not signed in
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and '证书有效' in page and '张伟' in page and '*****001X' in page
    assert ZHANG_WEI not in page and '90' in page and str(year()) in page
    missing = client.get(f'/verify/ZJ{year()}999999')
    assert missing.status_code == 404 and '未找到编号为' in missing.get_data(as_text=True)
    assert client.get('/verify/' + 'x' * 500).status_code == 404


def test_deleting_relied_on_hours_voids_the_certificate(client, ctx):
    training, *_ = meet_requirement(ZHANG_WEI)
    cert = certs.issue_certificate(learner(), year())
    db.session.commit()
    claims_ops.delete_approved(membership('jtjt_admin', 'unit_admin'), training, '培训证明系伪造')
    db.session.commit()
    assert cert.voided_at is not None and '培训证明系伪造' in cert.void_reason
    page = client.get(f'/verify/{cert.number}').get_data(as_text=True)
    # The public (numbers can be walked) gets a generic statement, not the admin's free-text reason.
    assert '已作废' in page and '该证书所依据的学时已被删除，证书已作废' in page and '证书有效' not in page
    assert '培训证明系伪造' not in page and '公路养护技术培训班' not in page
    page = login(ctx.test_client(), 'hzcj_admin').get(f'/verify/{cert.number}').get_data(as_text=True)
    assert '已作废' in page and '培训证明系伪造' not in page  # staff of another unit: the public view
    page = login(ctx.test_client(), 'jtjt_admin').get(f'/verify/{cert.number}').get_data(as_text=True)
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
