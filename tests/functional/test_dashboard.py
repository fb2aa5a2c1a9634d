"""统计看板 (issue 16): a supervising department's and the province's figures from the aggregates, each with its table
and export, filtered by year and pathway, limited to the organisations below the current role."""
from datetime import timedelta
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import select

from models import Organisation, StatRefresh, WorkItem, db
from webapp.oversight import dashboard, stats

from ..certificates.helpers import approved, meet_requirement
from ..helpers import submitted_claim, year
from ..people import login


def org(name) -> Organisation:
    return db.session.scalar(select(Organisation).where(Organisation.name == name))


def sheet(response) -> list[list]:
    assert response.status_code == 200, response.status_code
    return [list(r) for r in load_workbook(BytesIO(response.data)).active.iter_rows(values_only=True)]


def table_rows(page: str, key: str) -> str:
    return page.split(f'id="table-{key}"')[1].split('</table>')[0]


def test_the_figures_of_a_supervising_department(client, ctx):
    meet_requirement('33010619850312001X')              # 张伟: 72 professional (training + seminar) and 18 public
    approved('330105199202150045')                       # 陈静 (住建厅): not 交通厅's
    submitted_claim('33010219900708002X')                # 李娜's claim waits at 交工集团
    stats.rebuild()
    db.session.commit()
    login(client, 'jiaotong')
    page = client.get('/oversight/dashboard').get_data(as_text=True)
    assert '数据更新于' in page
    completion = table_rows(page, 'completion')
    assert '浙江交通工程建设集团有限公司' in completion and '杭州市城建设计研究院' not in completion
    rows = sheet(client.get('/oversight/dashboard?export=completion'))
    jt = next(r for r in rows[1:] if r[0] == '浙江交通工程建设集团有限公司')
    assert jt == ['浙江交通工程建设集团有限公司', 2, 1, 1, 1, 1, 50.0]
    pathways = {r[0]: r[1:] for r in sheet(client.get('/oversight/dashboard?export=pathways'))[1:]}
    assert pathways == {'参加高研班': [1, 1, 36], '参加培训进修': [2, 1, 36]}  # 李娜's waits; 陈静's is 住建厅's
    months = sheet(client.get('/oversight/dashboard?export=months&pathway=seminar'))
    assert months[0] == ['月份', '参加高研班', '合计'] and sum(r[-1] for r in months[1:]) == 36
    backlog = sheet(client.get('/oversight/dashboard?export=backlog'))
    assert [r[0] for r in backlog[1:]] == ['学时登记 · 待初审'] and backlog[1][1] == 1 and backlog[1][5] == 1
    decisions = sheet(client.get('/oversight/dashboard?export=decisions'))
    assert sum(r[1] for r in decisions[1:]) == 4       # two claims, each approved by the unit and by 交通厅
    filtered = client.get('/oversight/dashboard?pathway=seminar').get_data(as_text=True)
    assert '参加培训进修' not in table_rows(filtered, 'pathways')


def test_the_dashboard_stays_inside_the_sub_tree(client, ctx):
    approved('330105199202150045')
    stats.rebuild()
    db.session.commit()
    login(client, 'jiaotong')
    assert sheet(client.get('/oversight/dashboard?export=pathways'))[1:] == []
    for name in ('杭州市城建设计研究院', '浙江省住房和城乡建设厅', '浙江省专业技术人员继续教育学时办'):
        assert client.get(f'/oversight/dashboard?org={org(name).id}').status_code == 404
        assert client.get(f'/oversight/dashboard?org={org(name).id}&export=pathways').status_code == 404
    jt = org('浙江交通工程建设集团有限公司')
    assert client.get(f'/oversight/dashboard?org={jt.id}').status_code == 200
    assert client.get('/oversight/dashboard?export=nothing').status_code == 404
    client.post('/logout')
    login(client, 'shengji')
    pathways = {r[0]: r[1:] for r in sheet(client.get('/oversight/dashboard?export=pathways'))[1:]}
    assert pathways == {'参加培训进修': [1, 1, 18]}
    housing = org('浙江省住房和城乡建设厅')
    assert client.get(f'/oversight/dashboard?org={housing.id}&export=pathways').status_code == 200
    client.post('/logout')
    login(client, 'jtjt_admin')
    assert client.get('/oversight/dashboard').status_code == 403


def test_backlog_ages(ctx):
    submitted_claim('33010619850312001X')
    submitted_claim('33010219900708002X', title='另一个培训班')
    item = db.session.scalar(select(WorkItem).where(WorkItem.completed_at.is_(None)).order_by(WorkItem.id))
    item.created_at -= timedelta(days=40)
    db.session.flush()
    stats.rebuild()
    for name in ('浙江省交通运输厅', '浙江交通工程建设集团有限公司', '浙江省专业技术人员继续教育学时办'):
        assert dashboard.backlog(dashboard.Scope(org(name).id)).rows == [['学时登记 · 待初审', 1, 0, 1, 0, 2, 40]], name
    assert dashboard.backlog(dashboard.Scope(org('浙江省住房和城乡建设厅').id)).rows == []


def test_the_worker_rebuilds_when_the_figures_are_old(app, ctx):
    db.session.execute(StatRefresh.__table__.delete())
    assert stats.refresh_if_due() == 1
    first = stats.refreshed_at()
    assert stats.refresh_if_due() == 0                  # fresh: nothing to do
    db.session.get(StatRefresh, 1).refreshed_at = first - timedelta(seconds=app.config['STATS_REFRESH_SECONDS'] + 1)
    db.session.commit()
    assert stats.refresh_if_due() == 1
    assert year() in stats.years()
