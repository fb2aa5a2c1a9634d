"""统计看板 (issue 16): supplement and registration volumes by month on a supervising department's and the province's
dashboard, and a unit admin's dashboard over her departments (a secondary admin's: her department only) — the
figures made through the real operations, rebuilt, then read on the page and in the Excel exports."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from models import db
from webapp.oversight import stats
from webapp.registration import operations as registration
from webapp.supplements import operations as supplements

from ..people import CHEN_JING, LI_NA, ZHANG_WEI, login, membership
from ..workflow.test_registration_process import learner_input, unit_input
from ..workflow.test_supplement_process import Y, approved_claim_last_year, entry_input
from .test_dashboard import sheet, table_rows

SHANGHAI = ZoneInfo('Asia/Shanghai')
JAN = ['1月']


def by_first(rows) -> dict:
    return {r[0]: list(r[1:]) for r in rows[1:]}


def supplement(key: str, admin: str):
    learner = membership(key, 'learner')
    s = supplements.request_supplement(learner, 'training')
    supplements.send_request(learner, s)
    return learner, s, supplements.open_item(s).id


@pytest.fixture
def january(ctx):
    """In January of Y: 张伟 (交工集团 · 工程部) and 李娜 (· 设计院) had a claim of Y-1 approved; 张伟's supplement
    went all the way to 省级备案, 李娜's was refused by her unit, 陈静's (杭州城建院) waits for hers; two people
    registered at 交工集团 (one approved, one rejected) and a unit under 交通厅 (waiting)."""
    with time_machine.travel(datetime(Y, 1, 6, 10, tzinfo=SHANGHAI), tick=False):
        for key in (ZHANG_WEI, LI_NA, CHEN_JING):
            approved_claim_last_year(key)
        zhang, s, item = supplement(ZHANG_WEI, 'jtjt_admin')
        supplements.decide_request(membership('jtjt_admin'), item, 'agree', None)
        supplements.add_entry(zhang, s, entry_input())
        supplements.submit_entries(zhang, s)
        supplements.review(membership('jtjt_admin'), supplements.open_item(s).id, 'approve', None)
        supplements.review(membership('shengji'), supplements.open_item(s).id, 'approve', None)
        assert s.outcome == 'approved'
        _li, refused, item = supplement(LI_NA, 'jtjt_admin')
        supplements.decide_request(membership('jtjt_admin'), item, 'refuse', '去年已足额登记')
        assert refused.outcome == 'rejected'
        supplement(CHEN_JING, 'hzcj_admin')
        admin = membership('jtjt_admin')
        for seq, decision in ((1, 'approve'), (2, 'reject')):
            reg = registration.register(learner_input(seq))
            registration.decide(admin, registration.open_item(reg).id, decision,
                                None if decision == 'approve' else '身份信息不符')
        registration.register(unit_input(1))
        stats.rebuild()
        db.session.commit()
        yield


def test_supplements_and_registrations_by_month_on_the_supervisors_dashboard(client, january):
    login(client, 'jiaotong')
    page = client.get('/oversight/dashboard').get_data(as_text=True)
    assert '各月增补申请' in page and '各月注册申请' in page
    assert '<td class="text-end" data-value="2">2</td>' in table_rows(page, 'supplements')
    rows = sheet(client.get('/oversight/dashboard?export=supplements'))
    assert rows[0] == ['月份', '提交数', '通过数', '不通过数'] and len(rows) == 13
    assert by_first(rows)['1月'] == [2, 1, 1]                       # 陈静's is 住建厅's
    assert sum(sum(r[1:]) for r in rows[2:]) == 0
    assert by_first(sheet(client.get('/oversight/dashboard?export=supplements&pathway=seminar')))['1月'] == [0, 0, 0]
    rows = sheet(client.get('/oversight/dashboard?export=registrations'))
    assert rows[0] == ['月份', '个人注册·提交数', '个人注册·通过数', '个人注册·不通过数', '单位注册·提交数', '单位注册·通过数',
                       '单位注册·不通过数']
    assert by_first(rows)['1月'] == [2, 1, 1, 1, 0, 0]
    last_year = sheet(client.get(f'/oversight/dashboard?export=registrations&year={Y - 1}'))
    assert sum(sum(r[1:]) for r in last_year[1:]) == 0
    client.post('/logout')

    login(client, 'shengji')
    assert by_first(sheet(client.get('/oversight/dashboard?export=supplements')))['1月'] == [3, 1, 1]
    assert by_first(sheet(client.get('/oversight/dashboard?export=registrations')))['1月'] == [2, 1, 1, 1, 0, 0]
    client.post('/logout')
    login(client, 'zhujian')
    assert by_first(sheet(client.get('/oversight/dashboard?export=supplements')))['1月'] == [1, 0, 0]
    assert by_first(sheet(client.get('/oversight/dashboard?export=registrations')))['1月'] == [0] * 6


def test_the_unit_admins_dashboard_by_department(client, january):
    login(client, 'jtjt_admin')
    page = client.get('/oversight/unit-dashboard').get_data(as_text=True)
    assert 'href="/oversight/unit-dashboard"' in page and '数据更新于' in page
    assert '各部门学时达标率' in page and 'id="table-registrations"' not in page
    completion = by_first(sheet(client.get(f'/oversight/unit-dashboard?export=completion&year={Y - 1}')))
    assert {name: row[0] for name, row in completion.items()} == {'工程部': 1, '设计院': 1, '未分配部门': 1}  # 赵六
    pathways = by_first(sheet(client.get(f'/oversight/unit-dashboard?export=pathways&year={Y - 1}')))
    assert pathways == {'参加培训进修': [3, 3, 48]}   # 18 + 18 and 张伟's supplemented 12; 陈静's is another unit's
    decisions = sheet(client.get('/oversight/unit-dashboard?export=decisions'))     # all taken this January
    assert [r[1:] for r in decisions[1:]] == [[4, 1, 0, 5]]  # 2 claims, a supplement, 2 registrations; not 交通厅's
    assert by_first(sheet(client.get('/oversight/unit-dashboard?export=supplements')))['1月'] == [2, 1, 1]
    assert client.get('/oversight/unit-dashboard?export=registrations').status_code == 404
    client.post('/logout')

    login(client, 'jtjt_gcb')                                        # 工程部's secondary admin: 张伟's only
    page = client.get(f'/oversight/unit-dashboard?year={Y - 1}').get_data(as_text=True)
    assert '工程部' in table_rows(page, 'completion') and '设计院' not in table_rows(page, 'completion')
    assert list(by_first(sheet(client.get(f'/oversight/unit-dashboard?export=completion&year={Y - 1}')))) == ['工程部']
    assert by_first(sheet(client.get(f'/oversight/unit-dashboard?export=pathways&year={Y - 1}'))) == {
        '参加培训进修': [2, 2, 30]}
    assert [r[1:] for r in sheet(client.get('/oversight/unit-dashboard?export=decisions'))[1:]] == [[2, 0, 0, 2]]
    assert by_first(sheet(client.get('/oversight/unit-dashboard?export=supplements')))['1月'] == [1, 1, 0]
    client.post('/logout')

    login(client, 'hzcj_admin')                                       # another unit: nothing of 交工集团's
    completion = by_first(sheet(client.get(f'/oversight/unit-dashboard?export=completion&year={Y - 1}')))
    assert '工程部' not in completion and '设计院' not in completion
    assert by_first(sheet(client.get(f'/oversight/unit-dashboard?export=pathways&year={Y - 1}'))) == {
        '参加培训进修': [1, 1, 18]}
    assert by_first(sheet(client.get('/oversight/unit-dashboard?export=supplements')))['1月'] == [1, 0, 0]
    backlog = by_first(sheet(client.get('/oversight/unit-dashboard?export=backlog')))
    assert list(backlog) == ['增补 · 个人申请中']
    client.post('/logout')

    for other in ('jiaotong', ZHANG_WEI):
        login(client, other)
        assert client.get('/oversight/unit-dashboard').status_code == 403
        assert client.get('/oversight/unit-dashboard?export=completion').status_code == 403
        client.post('/logout')


def test_a_city_hr_offices_dashboard_adds_up_the_units_naming_it(client, january):
    """杭州市人社局's units are not below it in the tree: its dashboard adds up 杭州城建院's figures (陈静's claim and
    supplement), none of 交工集团's."""
    login(client, 'hz_renshe')
    assert by_first(sheet(client.get('/oversight/dashboard?export=supplements')))['1月'] == [1, 0, 0]
    completion = sheet(client.get(f'/oversight/dashboard?export=completion&year={Y - 1}'))
    assert [r[0] for r in completion[1:]] == ['杭州市城建设计研究院']
    pathways = sheet(client.get(f'/oversight/dashboard?export=pathways&year={Y - 1}'))
    assert sum(r[2] for r in pathways[1:]) == 1                     # 陈静's claim approved, not 张伟's or 李娜's
    client.post('/logout')
    login(client, 'shengji')                     # above both the tree and the 人社部门: 杭州城建院 counted once
    pathways = sheet(client.get(f'/oversight/dashboard?export=pathways&year={Y - 1}'))
    assert sum(r[2] for r in pathways[1:]) == 4                     # 张伟's, 李娜's, 陈静's and the demo's
    assert by_first(sheet(client.get('/oversight/dashboard?export=supplements')))['1月'][0] == 3
