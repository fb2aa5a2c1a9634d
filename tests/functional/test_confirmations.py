"""Consequential actions are asked first, with or without JavaScript: the page's button names what will happen (the
modal of static/app.js shows it), and a form that arrives without `confirmed=1` changes nothing and gets a page that
says the same and sends the form again, confirmed (webapp/confirmation.py)."""
import re
from html import unescape

from sqlalchemy import select

from models import Claim, db
from models.workflow import BPMN
from webapp.certificates import operations as certs
from webapp.claims import operations as claims
from webapp.workbench import operations as workbench
from webapp.workflow import versions

from ..certificates.helpers import meet_requirement
from ..helpers import claim_input, year
from ..people import ZHANG_WEI, login, membership, zj

HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def resent(page: str) -> list[tuple[str, str]]:
    """The fields the confirmation page sends again (its 确定), besides the CSRF token."""
    form = page[page.index('id="confirm-page"'):]
    return [(name, unescape(value)) for name, value in HIDDEN.findall(form) if name != 'csrf_token']


def test_deleting_approved_hours_names_the_certificate_it_voids(client, ctx):
    training, *_ = meet_requirement(ZHANG_WEI)
    cert = certs.issue_certificate(membership(ZHANG_WEI, 'learner'), year())
    db.session.commit()
    login(client, 'jtjt_admin')
    detail = unescape(client.get(f'/claims/{training.id}').get_data(as_text=True))
    button = re.search(r'id="delete-approved" data-confirm="([^"]*)"', detail).group(1)
    assert f'将作废证书 {cert.number}' in button and training.title in button

    page = client.post(f'/claims/{training.id}/delete-approved', data={'reason': '培训证明系伪造'}).get_data(as_text=True)
    assert f'将作废证书 {cert.number}' in unescape(page) and '请确认' in page
    db.session.expire_all()
    assert db.session.get(Claim, training.id).deleted_at is None and cert.voided_at is None  # nothing happened
    assert resent(page) == [('reason', '培训证明系伪造'), ('confirmed', '1')]

    client.post(f'/claims/{training.id}/delete-approved', data=dict(resent(page)))
    db.session.expire_all()
    assert db.session.get(Claim, training.id).deleted_at is not None and cert.voided_at is not None


def test_publishing_asks_with_the_version_it_publishes(client, ctx):
    province = membership('shengji')
    v1 = versions.published(BPMN, 'claim', zj())
    workbench.save_draft(BPMN, 'claim', v1.content.replace('待初审', '等待单位审核'), province, v1.id, v1.sha256)
    db.session.commit()
    login(client, 'shengji')
    editor = unescape(client.get('/workbench/bpmn/claim/edit').get_data(as_text=True))
    assert 'data-confirm="将发布流程“学时登记”的第 2 版' in editor
    page = unescape(client.post('/workbench/bpmn/claim/publish', data={'comment': '改名'}).get_data(as_text=True))
    assert '将发布流程“学时登记”的第 2 版：新发起的事项将使用此版本' in page
    assert versions.published(BPMN, 'claim', zj()).id == v1.id
    client.post('/workbench/bpmn/claim/publish', data=dict(resent(page)))
    assert versions.published(BPMN, 'claim', zj()).version == 2


def test_batch_submission_asks_and_sends_every_ticked_claim_again(client, ctx):
    learner = membership(ZHANG_WEI, 'learner')
    ids = [claims.create_claim(learner, claim_input(title=f'培训 {n}')).id for n in range(2)]
    db.session.commit()
    login(client, ZHANG_WEI)
    listing = unescape(client.get('/claims/').get_data(as_text=True))
    assert 'data-confirm="将所选 {n} 条学时登记提交审核' in listing and 'id="confirm-modal"' in listing
    page = client.post('/claims/batch', data={'action': 'submit', 'target': 'unit', 'claim_ids': ids})
    page = page.get_data(as_text=True)
    assert '将所选 2 条学时登记提交审核，提交后不能修改。' in page
    assert set(db.session.scalars(select(Claim.status_label).where(Claim.id.in_(ids)))) == {'待提交'}
    assert sorted(resent(page)) == sorted([('action', 'submit'), ('target', 'unit'), ('claim_ids', str(ids[0])),
                                           ('claim_ids', str(ids[1])), ('confirmed', '1')])
    client.post('/claims/batch', data={'action': 'submit', 'target': 'unit', 'claim_ids': ids, 'confirmed': '1'})
    db.session.expire_all()
    assert set(db.session.scalars(select(Claim.status_label).where(Claim.id.in_(ids)))) == {'待初审'}
