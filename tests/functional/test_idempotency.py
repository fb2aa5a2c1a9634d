"""A create whose response was lost (its commit went through) and that the person sends again creates nothing twice
(issue 12, 18): every form that creates something carries a token drawn when it is rendered, and a POST repeated
with it is sent to what the first one created, saying so."""
import io
import re
import threading
import time

import pytest
from sqlalchemy import func, select

from models import (Claim, Enrolment, Evidence, IdempotencyKey, ImportJob, Registration, SuperiorChange, Supplement,
                    Transfer, db)
from webapp.claims import operations as claims
from webapp.supplements import operations as supplements

from ..helpers import claim_form, claim_input
from ..people import ZHANG_WEI, login, membership
from .test_imports import row, xlsx
from .test_profile_pages import FORM as ENROLMENT
from .test_registration_pages import learner_data, org_id
from .test_registration_propose import propose_data
from .test_supplement_pages import january  # noqa: F401 - the fixture
from ..workflow.test_registration_process import png

AGAIN = '这份表单已经提交过，没有重复保存：以下是当时保存的结果'


def token_of(html: str) -> str:
    found = re.search(r'name="idempotency_token" type="hidden" value="([^"]+)"', html)
    assert found, 'the form carries no idempotency token'
    return found[1]


def count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def twice(client, form_url, post_url, data, **options):
    """The form as rendered, posted once — then once more with the same token (the first answer was lost)."""
    token = token_of(client.get(form_url).get_data(as_text=True))

    def send():  # a file to upload is read by the request: each POST gets a fresh copy
        return client.post(post_url, data={**(data() if callable(data) else data), 'idempotency_token': token},
                           **options)
    return send(), send()


def assert_sent_back(client, first, again):
    assert first.status_code == 302, first.get_data(as_text=True)[:2000]
    assert again.status_code == 302 and again.location == first.location
    assert AGAIN in client.get(again.location).get_data(as_text=True)


def test_a_claim_posted_twice_with_its_token_is_created_once(client, ctx):
    login(client, ZHANG_WEI)
    first, again = twice(client, '/claims/new', '/claims/new', claim_form(title='重复提交的培训'))
    assert_sent_back(client, first, again)
    assert db.session.scalar(select(func.count(Claim.id)).where(Claim.title == '重复提交的培训')) == 1
    assert first.location.startswith('/claims/')


def test_a_unit_admin_filing_for_her_staff_twice_files_once(client, ctx):
    login(client, 'jtjt_admin')
    zhang = membership(ZHANG_WEI, 'learner').user_id
    first, again = twice(client, '/claims/new', '/claims/new', claim_form(learner_id=zhang, title='代为登记'))
    assert_sent_back(client, first, again)
    assert db.session.scalar(select(func.count(Claim.id)).where(Claim.title == '代为登记')) == 1


def test_each_rendering_draws_a_new_token_and_a_refused_form_keeps_its_own(client, ctx):
    login(client, ZHANG_WEI)
    one, two = (token_of(client.get('/claims/new').get_data(as_text=True)) for _ in range(2))
    assert one != two
    response = client.post('/claims/new', data={**claim_form(applied_hours='abc'), 'idempotency_token': one})
    assert response.status_code == 422 and token_of(response.get_data(as_text=True)) == one
    response = client.post('/claims/new', data={**claim_form(), 'idempotency_token': one})  # corrected: saved
    assert response.status_code == 302 and count(Claim) == 1


def test_a_form_posted_without_a_token_still_works_as_before(client, ctx):
    login(client, ZHANG_WEI)
    assert client.post('/claims/new', data=claim_form()).status_code == 302
    assert client.post('/claims/new', data={**claim_form(), 'idempotency_token': '<bad>'}).status_code == 302
    assert count(Claim) == 2


def test_another_persons_token_is_refused_and_creates_nothing(client, app, ctx):
    login(client, ZHANG_WEI)
    first, _again = twice(client, '/claims/new', '/claims/new', claim_form())
    token = db.session.scalar(select(IdempotencyKey.token))
    other = login(app.test_client(), '33010219900708002X')  # 李娜
    response = other.post('/claims/new', data={**claim_form(), 'idempotency_token': token})
    assert response.status_code == 400 and count(Claim) == 1


def test_supplement_request_and_entry_twice(client, january):  # noqa: F811
    login(client, ZHANG_WEI)
    first, again = twice(client, '/supplements/', '/supplements/request', {'pathway': 'training'})
    assert_sent_back(client, first, again)
    assert count(Supplement) == 1
    s = db.session.scalar(select(Supplement))
    supplements.send_request(membership(ZHANG_WEI, 'learner'), s)
    supplements.decide_request(membership('jtjt_admin'), supplements.open_item(s).id, 'agree', None)
    db.session.commit()
    y = s.year
    entry = dict(pathway='training', sub_type='培训班', quantity='1', title='补登：桥梁检测培训',
                 start_date=f'{y}-10-08', end_date=f'{y}-10-09', applied_hours='12', year=str(y), pledge='y')
    first, again = twice(client, f'/supplements/{s.id}/entries/new', f'/supplements/{s.id}/entries/new', entry)
    assert_sent_back(client, first, again)
    assert db.session.scalar(select(func.count(Claim.id)).where(Claim.supplement_id == s.id)) == 1


def test_a_transfer_request_twice(client, ctx):
    login(client, ZHANG_WEI)
    first, again = twice(client, '/transfers/', '/transfers/',
                         {'to_unit_id': org_id('宁波港航工程有限公司'), 'reason': '工作调动'})
    assert_sent_back(client, first, again)
    assert count(Transfer) == 1


def test_a_member_sent_out_twice_and_a_superior_change_asked_twice(client, ctx):
    from .test_transfer_pages import as_nb_admin
    login(client, 'hzcj_admin')
    data = {'member_id': membership('330105199202150045', 'learner').id, 'to_unit_id': org_id('宁波港航工程有限公司'),
            'reason': '项目部划转'}
    first, again = twice(client, '/transfers/send-out', '/transfers/send-out', data)
    assert_sent_back(client, first, again)
    assert count(Transfer) == 1
    nb = as_nb_admin(client.application.test_client())
    data = {'new_parent_id': org_id('浙江省住房和城乡建设厅'), 'reason': '业务划转'}
    first, again = twice(nb, '/transfers/superior', '/transfers/superior', data)
    assert_sent_back(nb, first, again)
    assert count(SuperiorChange) == 1


def test_a_registration_submitted_twice(client, ctx):
    client.get('/captcha.png')
    data = learner_data()
    first, again = twice(client, '/register/learner', '/register/learner', data,
                         content_type='multipart/form-data')
    assert_sent_back(client, first, again)
    assert count(Registration) == 1


def test_a_proposal_submitted_twice_shows_its_code_again(client, ctx):
    client.get('/captcha.png')
    first, again = twice(client, '/register/propose', '/register/propose', lambda: propose_data(),
                         content_type='multipart/form-data')
    assert first.status_code == 302 and again.location == first.location
    code = db.session.scalar(select(Registration.proposal_code))
    page = client.get(again.location).get_data(as_text=True)
    assert AGAIN in page and f'推荐编号：{code}' in page
    assert count(Registration) == 1


def test_an_enrolment_submitted_twice(client, ctx):
    login(client, ZHANG_WEI)
    first, again = twice(client, '/enrolment/', '/enrolment/', ENROLMENT)
    assert_sent_back(client, first, again)
    assert count(Enrolment) == 1


def test_an_import_uploaded_twice_queues_one_job(client, ctx):
    login(client, 'jtjt_admin')
    content = xlsx([row()])
    first, again = twice(client, '/imports/', '/imports/',
                         lambda: {'file': (io.BytesIO(content), 'staff.xlsx'), 'pledge': 'y'},
                         content_type='multipart/form-data')
    assert_sent_back(client, first, again)
    assert count(ImportJob) == 1


def test_evidence_uploaded_twice_is_attached_once(client, ctx):
    claim = claims.create_claim(membership(ZHANG_WEI, 'learner'), claim_input())
    db.session.commit()
    login(client, ZHANG_WEI)
    first, again = twice(client, f'/claims/{claim.id}', f'/claims/{claim.id}/evidence',
                         lambda: {'file': (io.BytesIO(png()), 'cert.png'), 'caption': '结业证书'},
                         content_type='multipart/form-data')
    assert_sent_back(client, first, again)
    assert count(Evidence) == 1


@pytest.mark.committing  # two requests at the same moment, each on its own connection
def test_two_copies_of_one_submission_at_the_same_moment_create_one_draft(app, monkeypatch):
    """A double click: the second copy arrives while the first is still creating. On PostgreSQL it waits at the
    unique token until the first commits, then is sent to the first one's claim; SQLite runs one writer at a time."""
    create = claims.create_claim

    def slow_create(m, inp, learner=None):
        time.sleep(0.5)
        return create(m, inp, learner)
    monkeypatch.setattr(claims, 'create_claim', slow_create)
    clients = [login(app.test_client(), ZHANG_WEI) for _ in range(2)]
    token = token_of(clients[0].get('/claims/new').get_data(as_text=True))
    responses = [None, None]

    def send(i):
        responses[i] = clients[i].post('/claims/new', data={**claim_form(title='双击'), 'idempotency_token': token})
    threads = [threading.Thread(target=send, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
        time.sleep(0.1)
    for t in threads:
        t.join(30)
    assert [r.status_code for r in responses] == [302, 302], [r.get_data(as_text=True)[:500] for r in responses]
    assert responses[0].location == responses[1].location
    with app.app_context():
        assert db.session.scalar(select(func.count(Claim.id)).where(Claim.title == '双击')) == 1
