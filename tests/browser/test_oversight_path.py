"""In a real browser (issue 16): 交通厅 opens 下属机构管理, drills into a unit and reads its completion, opens the
dashboard (charts drawn by ECharts under the Content-Security-Policy), filters by pathway and exports a table; the
province adds an admin to 交通厅, who then logs in. 交工集团's admin opens her dashboard by department, and 工程部's
secondary admin sees only her department."""
from io import BytesIO

import pytest
from openpyxl import load_workbook

from models import db
from webapp.oversight import stats

from ..certificates.helpers import meet_requirement
from ..helpers import submitted_claim
from ..people import LI_NA, ZHANG_WEI
from .helpers import serving
from .test_claim_path import log_in, log_out, pytestmark, shot, wait_for_captcha  # noqa: F401 (the marks apply here)

NEW_ADMIN = '110105198001010032'


@pytest.fixture
def live_server(browser_app):
    with browser_app.app_context():
        meet_requirement(ZHANG_WEI)
        submitted_claim(LI_NA)
        stats.rebuild()
        db.session.commit()
    with serving(browser_app) as base:
        yield base


def test_oversight_dashboard_and_admins(live_server, page):
    base = live_server
    log_in(page, base, 'jiaotong')
    page.click('nav >> text=下属机构管理')
    row = page.locator('#units tr', has_text='浙江交通工程建设集团有限公司')
    assert row.locator('.staff-count').inner_text() == '2' and row.locator('.completion-rate').inner_text() == '50.0%'
    shot(page, 'oversight-units')
    row.locator('.unit-link').click()
    assert page.locator('#met-count').inner_text() == '1' and page.locator('#unmet-count').inner_text() == '1'
    assert '待初审' in page.locator('#unit-pending').inner_text()
    shot(page, 'oversight-unit')
    page.click('nav >> text=统计看板')
    page.wait_for_selector('#figure-pathways .chart[data-drawn=true] canvas')
    assert page.locator('.chart[data-drawn=true]').count() == 7   # supplements and registrations by month too
    assert '数据更新于' in page.locator('#refreshed-at').inner_text()
    shot(page, 'oversight-dashboard')
    page.select_option('#pathway', 'seminar')
    page.wait_for_url('**pathway=seminar**')
    page.wait_for_selector('#figure-pathways .chart[data-drawn=true] canvas')
    page.locator('#figure-pathways summary').click()
    assert '参加培训进修' not in page.locator('#table-pathways').inner_text()
    with page.expect_download() as download:
        page.locator('#figure-pathways .export-link').click()
    rows = list(load_workbook(BytesIO(open(download.value.path(), 'rb').read())).active.iter_rows(values_only=True))
    assert rows[1:] == [('参加高研班', 1, 1, 36)]
    log_out(page)

    log_in(page, base, 'shengji')
    page.click('nav >> text=下属机构管理')
    page.locator('#units tr', has_text='浙江省交通运输厅').locator('.admins-link').click()
    page.fill('#admin-name', '赵敏')
    page.fill('#admin-id', NEW_ADMIN)
    page.click('#add-admin button[value=add]')
    assert '已新增管理员' in page.locator('.alert-success').inner_text()
    assert '赵敏' in page.locator('#org-admins').inner_text()
    shot(page, 'oversight-admins')
    log_out(page)

    page.goto(f'{base}/login')
    page.fill('#username', NEW_ADMIN)
    page.fill('#password', NEW_ADMIN[-6:])
    page.fill('#captcha', 'TEST')
    wait_for_captcha(page)
    page.click('button[type=submit]')
    page.wait_for_url(lambda url: '/login' not in url)
    assert '赵敏' in page.locator('nav').inner_text()
    shot(page, 'oversight-new-admin')


def test_unit_admins_dashboard_by_department(live_server, page):
    base = live_server
    log_in(page, base, 'jtjt_admin')
    page.click('nav >> text=统计看板')
    page.wait_for_selector('#figure-completion .chart[data-drawn=true] canvas')
    assert page.locator('.chart[data-drawn=true]').count() == 6   # no registrations: they are not by department
    assert '各部门学时达标率' in page.locator('#figure-completion h2').inner_text()
    page.locator('#figure-completion summary').click()
    rates = {row.locator('th').inner_text(): row.locator('td').last.inner_text()
             for row in page.locator('#table-completion tbody tr').all()}
    assert rates == {'设计院': '0.0', '工程部': '100.0'}                 # 张伟 met the requirement, 李娜 not yet
    page.locator('#figure-backlog summary').click()
    assert '待初审' in page.locator('#table-backlog').inner_text()      # 李娜's claim (设计院)
    assert '数据更新于' in page.locator('#refreshed-at').inner_text()
    shot(page, 'unit-dashboard')
    log_out(page)

    log_in(page, base, 'jtjt_gcb')
    page.click('nav >> text=统计看板')
    page.wait_for_selector('#figure-completion .chart[data-drawn=true] canvas')
    assert '工程部' in page.locator('h1').inner_text()
    page.locator('#figure-completion summary').click()
    assert [row.inner_text() for row in page.locator('#table-completion tbody th').all()] == ['工程部']
    page.locator('#figure-backlog summary').click()
    assert '待初审' not in page.locator('#table-backlog').inner_text()  # 李娜 is 设计院's
    shot(page, 'unit-dashboard-department')
