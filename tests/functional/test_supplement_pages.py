"""The supplement pages through real forms: the button only inside the window, clear refusals outside it, the unit's
decision, the inbox tab, notifications, and the province's window and timer pages."""
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select

from models import Supplement, SupplementWindow, db
from webapp import timers
from webapp.claims import operations as claims
from webapp.supplements import operations as ops

from ..people import CHEN_JING, ZHANG_WEI, login, membership, zj
from ..workflow.test_supplement_process import Y, approved_claim_last_year

SHANGHAI = ZoneInfo('Asia/Shanghai')


@pytest.fixture
def january(ctx):
    with time_machine.travel(datetime(Y, 1, 6, 10, tzinfo=SHANGHAI), tick=False) as clock:
        approved_claim_last_year()
        db.session.commit()
        yield clock


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_learner_requests_sends_and_sees_the_units_decision(client, january):
    login(client, ZHANG_WEI)
    html = page(client, '/supplements/')
    assert '增补申请</button>' in html and '参加培训进修' in html and f'增补 {Y - 1}' in html
    response = client.post('/supplements/request', data={'pathway': 'training'}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert '增补申请成功' in html and '已申请' in html and '撤销增补' in html and '提交申请' in html
    s = db.session.scalar(select(Supplement))
    html = client.post(f'/supplements/{s.id}/send', follow_redirects=True).get_data(as_text=True)
    assert '单位将收到您的增补申请' in html and '个人申请中' in html
    assert 'id="supplement-flag">未处理' in page(client, '/claims/')

    admin = client.application.test_client()
    login(admin, 'jtjt_admin')
    html = page(admin, '/inbox/?kind=supplement')
    assert f'增补 · {Y - 1} 年度参加培训进修' in html and '单位审批增补申请' in html
    item = ops.open_item(s)
    refuse = {'work_item_id': item.id, 'decision': 'refuse', 'comment': ''}
    html = admin.post(f'/supplements/{s.id}/agree', data=refuse, follow_redirects=True).get_data(as_text=True)
    assert '拒绝增补时必须填写原因' in html
    refuse['comment'] = '去年已足额登记'
    html = admin.post(f'/supplements/{s.id}/agree', data=refuse, follow_redirects=True).get_data(as_text=True)
    assert '已拒绝增补' in html and '不同意' in html

    html = page(client, f'/supplements/{s.id}')
    assert 'id="refuse-reason">去年已足额登记' in html
    assert 'id="supplement-flag">已处理' in page(client, '/claims/')


def test_outside_the_window_no_button_and_a_direct_request_is_refused(client, january):
    january.move_to(datetime(Y, 1, 21, 0, 0, tzinfo=SHANGHAI))
    login(client, ZHANG_WEI)
    html = page(client, '/supplements/')
    assert 'id="window-closed"' in html and '增补申请</button>' not in html
    html = client.post('/supplements/request', data={'pathway': 'training'},
                       follow_redirects=True).get_data(as_text=True)
    assert f'当前不在增补开放日期内（{Y}-01-01 至 {Y}-01-20，增补 {Y - 1} 年度）' in html
    assert db.session.scalar(select(Supplement)) is None


def test_agreed_learner_adds_an_entry_with_the_claim_form_and_reports_it(client, january):
    learner = membership(ZHANG_WEI, 'learner')
    s = ops.request_supplement(learner, 'training')
    ops.send_request(learner, s)
    ops.decide_request(membership('jtjt_admin'), ops.open_item(s).id, 'agree', None)
    db.session.commit()
    login(client, ZHANG_WEI)
    form = page(client, f'/supplements/{s.id}/entries/new')
    assert '新增增补学时' in form and f'value="{Y - 1}"' in form
    data = dict(pathway='training', sub_type='培训班', quantity='1', title='补登：桥梁检测培训', start_date=f'{Y - 1}-10-08',
                end_date=f'{Y - 1}-10-09', applied_hours='12', year=str(Y), pledge='y')
    response = client.post(f'/supplements/{s.id}/entries/new', data=data)
    assert response.status_code == 422 and f'只能是 {Y - 1} 年' in response.get_data(as_text=True)
    data['year'] = str(Y - 1)
    html = client.post(f'/supplements/{s.id}/entries/new', data=data, follow_redirects=True).get_data(as_text=True)
    assert '个人保存' in html and '补登：桥梁检测培训' in html
    html = client.post(f'/supplements/{s.id}/submit', follow_redirects=True).get_data(as_text=True)
    assert '已个人上报' in html and '个人上报' in html
    assert '增补</a>' in page(client, '/claims/')  # the entry shows in the claim list, marked 增补
    entry = db.session.scalars(select(Supplement).where(Supplement.id == s.id)).one().entries[0]
    admin = login(client.application.test_client(), 'jtjt_admin')
    review = page(admin, f'/supplements/{s.id}')
    assert f'name="hours-{entry.id}" value="12"' in review  # the unit sees each entry's hours, ready to change
    item = ops.open_item(s).id
    html = admin.post(f'/supplements/{s.id}/review', follow_redirects=True, data={
        'work_item_id': item, 'decision': 'approve', f'hours-{entry.id}': '20'}).get_data(as_text=True)
    assert '“补登：桥梁检测培训”的审核学时应大于 0 且不超过 12' in html and entry.reviewed_hours is None
    html = admin.post(f'/supplements/{s.id}/review', follow_redirects=True, data={
        'work_item_id': item, 'decision': 'approve', f'hours-{entry.id}': '10'}).get_data(as_text=True)
    db.session.refresh(entry)
    assert '审核完成' in html and entry.reviewed_hours == 10


def test_strangers_get_404_and_other_roles_cannot_act(client, january):
    s = ops.request_supplement(membership(ZHANG_WEI, 'learner'), 'training')
    ops.send_request(membership(ZHANG_WEI, 'learner'), s)
    item = ops.open_item(s)
    db.session.commit()
    for who in (CHEN_JING, 'hzcj_admin', 'zhujian'):
        other = client.application.test_client()
        login(other, who)
        assert other.get(f'/supplements/{s.id}').status_code == 404
        assert other.post(f'/supplements/{s.id}/agree', data={'work_item_id': item.id, 'decision': 'agree'}
                          ).status_code == 404
    login(client, 'jtjt_admin')
    assert client.get('/supplements/').status_code == 403  # the learner page is for learners
    assert client.post(f'/supplements/{s.id}/send').status_code == 403
    assert client.post(f'/supplements/{s.id}/agree', data={'work_item_id': 'x1', 'decision': 'agree'},
                       follow_redirects=True).status_code == 200
    assert s.status_label == '个人申请中'


def test_province_sets_the_window_and_sees_failing_timers(client, january):
    login(client, 'shengji')
    html = page(client, '/province/supplement-window')
    assert f'{Y}-01-01 至 {Y}-01-20，增补 {Y - 1} 年度' in html and '（默认）' in html
    backwards = {'year': Y - 1, 'opens_on': f'{Y}-02-10', 'closes_on': f'{Y}-02-01'}
    response = client.post('/province/supplement-window', data=backwards)
    assert response.status_code == 422 and '截止日期不能早于开放日期' in response.get_data(as_text=True)
    client.post('/province/supplement-window', data={'year': Y - 1, 'opens_on': f'{Y}-02-01',
                                                     'closes_on': f'{Y}-02-10'})
    row = db.session.scalar(select(SupplementWindow).where(SupplementWindow.province_id == zj()))
    assert (row.opens_on, row.closes_on) == (date(Y, 2, 1), date(Y, 2, 10))

    learner = membership(ZHANG_WEI, 'learner')
    claim = claims.create_claim(learner, claims.ClaimInput(
        pathway='training', sub_type='培训班', level=None, rank=None, quantity=1, title='坏掉的实例',
        start_date=date(Y, 1, 2), end_date=date(Y, 1, 3), applied_hours=12, year=Y, description=None,
        certificate_no=None, pledged=True))
    claims.submit_claim(learner, claim, 'unit')
    from models import WorkflowInstance
    db.session.get(WorkflowInstance, claim.instance_id).state = 'not json'
    db.session.commit()
    january.shift(timedelta(days=4))
    assert timers.run_due().failed == 1
    html = page(client, '/province/timers')
    assert f'学时登记 #{claim.id}' in html and 'JSONDecodeError' in html
    assert f'/rollout/instances/{claim.instance_id}' in html
    assert client.get('/province/timers').status_code == 200
    other = client.application.test_client()
    login(other, 'jtjt_admin')
    assert other.get('/province/timers').status_code == 403
    assert other.get('/province/supplement-window').status_code == 403


def test_reminders_show_as_unread_notifications(client, january):
    learner = membership(ZHANG_WEI, 'learner')
    claim = claims.create_claim(learner, claims.ClaimInput(
        pathway='training', sub_type='培训班', level=None, rank=None, quantity=1, title='等待审核的培训',
        start_date=date(Y, 1, 2), end_date=date(Y, 1, 3), applied_hours=12, year=Y, description=None,
        certificate_no=None, pledged=True))
    claims.submit_claim(learner, claim, 'unit')
    db.session.commit()
    january.shift(timedelta(days=3, minutes=1))
    assert timers.run_due().fired == 1
    login(client, 'jtjt_admin')
    html = page(client, '/notifications/')
    assert 'id="unread-count">1<' in html and '“单位初审”已等待 3 天，请尽快处理' in html
    from models import Notification
    note = db.session.scalar(select(Notification).where(Notification.user_id == membership('jtjt_admin').user_id))
    other = client.application.test_client()
    login(other, 'jtjt_gcb')
    assert other.post(f'/notifications/{note.id}').status_code == 404  # not hers
    response = client.post(f'/notifications/{note.id}')
    assert response.status_code == 302 and response.headers['Location'].endswith(f'/claims/{claim.id}')
    assert 'id="unread-count"' not in page(client, '/notifications/')
