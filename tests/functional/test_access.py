"""Every route checks role and scope: guessing ids gets nothing, acting outside one's scope changes nothing."""
import pytest
from sqlalchemy import select

from models import Claim, WorkItem, db
from webapp.claims import operations as ops

from ..helpers import claim_form, claim_input, submitted_claim as submit_claim_of
from ..people import CHEN_JING, LI_NA, WANG_QIANG, ZHANG_WEI, login, membership


@pytest.fixture
def submitted_claim(ctx):
    """张伟 (交工集团 · 工程部) has a claim waiting for unit review."""
    return submit_claim_of(ZHANG_WEI, title='张伟的培训')[0]


def test_anonymous_users_are_sent_to_login(client):
    for url in ('/', '/inbox/', '/claims/', '/claims/1', '/claims/manage', '/province/window'):
        response = client.get(url)
        assert response.status_code == 302 and '/login' in response.location


@pytest.mark.parametrize('who', [LI_NA, CHEN_JING, 'hzcj_admin', 'zhujian'])
def test_others_cannot_see_a_claim_by_guessing_its_id(client, submitted_claim, who):
    login(client, who)
    assert client.get(f'/claims/{submitted_claim}').status_code == 404
    assert '张伟的培训' not in client.get('/inbox/').get_data(as_text=True)
    if who in ('hzcj_admin', 'zhujian'):
        assert '张伟的培训' not in client.get('/claims/manage').get_data(as_text=True)


def test_the_unit_and_its_department_admin_see_it_another_department_admin_does_not(client, submitted_claim):
    login(client, 'jtjt_admin')  # principal admin: whole unit
    assert '张伟的培训' in client.get('/inbox/').get_data(as_text=True)
    client.post('/logout')
    login(client, 'jtjt_gcb')  # secondary admin of 工程部 (张伟's department)
    assert '张伟的培训' in client.get('/inbox/').get_data(as_text=True)


def test_secondary_admin_cannot_see_or_act_on_another_departments_staff(ctx, client):
    li_na = membership(LI_NA, 'learner')  # 设计院
    claim = ops.create_claim(li_na, claim_input(title='李娜的培训'))
    ops.submit_claim(li_na, claim, 'unit')
    db.session.commit()
    item = ops.open_item(claim)
    login(client, 'jtjt_gcb')  # 工程部 only
    assert client.get(f'/claims/{claim.id}').status_code == 404
    assert '李娜的培训' not in client.get('/inbox/').get_data(as_text=True)
    response = client.post('/claims/review/batch',
                           data={'decision': 'approve', 'item_ids': [item.id], 'confirmed': '1'},
                           follow_redirects=True)
    assert '无权处理' in response.get_data(as_text=True)
    db.session.refresh(claim)
    assert claim.status_label == '待初审'


def test_learner_cannot_review_and_cannot_touch_anothers_draft(client, submitted_claim, ctx):
    item = db.session.scalar(select(WorkItem).where(WorkItem.subject_id == submitted_claim,
                                                    WorkItem.completed_at.is_(None)))
    login(client, LI_NA)
    assert client.post(f'/claims/{submitted_claim}/review',
                       data={'work_item_id': item.id, 'decision': 'approve'}).status_code == 403
    for action in ('withdraw', 'delete', 'submit', 'edit'):
        assert client.post(f'/claims/{submitted_claim}/{action}', data={'target': 'unit'}).status_code == 404
    assert db.session.get(Claim, submitted_claim).status_label == '待初审'


def test_a_work_item_of_another_claim_is_refused(client, submitted_claim, ctx):
    wang = membership(WANG_QIANG, 'learner')  # 宁波港航: his own unit admin is himself
    other = ops.create_claim(wang, claim_input(title='王强的培训'))
    ops.submit_claim(wang, other, 'unit')
    db.session.commit()
    foreign_item = ops.open_item(other)
    login(client, 'jtjt_admin')
    response = client.post(f'/claims/{submitted_claim}/review',
                           data={'work_item_id': foreign_item.id, 'decision': 'approve'})
    assert response.status_code == 404
    response = client.post(f'/claims/{submitted_claim}/review', data={'work_item_id': 'abc', 'decision': 'approve'})
    assert response.status_code == 404
    db.session.refresh(other)
    assert other.status_label == '待初审'


def test_supervisor_never_sees_drafts(client, ctx):
    learner = membership(ZHANG_WEI, 'learner')
    draft = ops.create_claim(learner, claim_input(title='还在草稿'))
    db.session.commit()
    login(client, 'jiaotong')
    assert client.get(f'/claims/{draft.id}').status_code == 404
    assert '还在草稿' not in client.get('/claims/manage').get_data(as_text=True)


def test_role_switch_scopes_every_page(client, ctx):
    """王强 is a learner and his unit's admin: one account, two roles, each page scoped to the current one."""
    login(client, WANG_QIANG)
    learner_m, admin_m = membership(WANG_QIANG, 'learner'), membership(WANG_QIANG, 'unit_admin')
    assert client.get('/claims/manage').status_code == 403
    client.post('/claims/new', data=claim_form(title='自己的培训'))
    client.post('/switch-role', data={'membership_id': admin_m.id})
    assert client.get('/claims/').status_code == 403
    assert client.get('/claims/manage').status_code == 200
    assert client.post('/switch-role', data={'membership_id': 99999}).status_code == 403
    client.post('/switch-role', data={'membership_id': learner_m.id})
    assert '自己的培训' in client.get('/claims/').get_data(as_text=True)


def test_province_pages_are_for_province_staff_only(client):
    login(client, 'jtjt_admin')
    assert client.get('/province/window').status_code == 403


def test_wrong_password_and_unknown_account(client):
    client.get('/captcha.png')
    response = client.post('/login', data={'username': ZHANG_WEI, 'password': 'wrong', 'captcha': 'TEST'})
    assert response.status_code == 422 and '账号或密码错误' in response.get_data(as_text=True)
    client.get('/captcha.png')
    response = client.post('/login', data={'username': 'nobody', 'password': 'x', 'captcha': 'test'})
    assert '账号或密码错误' in response.get_data(as_text=True)


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_forms_need_a_csrf_token(app):
    client = app.test_client()
    response = client.post('/login', data={'username': ZHANG_WEI, 'password': 'Demo@2026', 'captcha': 'TEST'})
    assert response.status_code == 400 and '页面已过期' in response.get_data(as_text=True)
