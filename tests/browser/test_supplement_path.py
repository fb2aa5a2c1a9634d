"""A real browser does the whole supplement (增补) path: request, unit agrees, entry, unit and 学时办 review, filing,
and the supplemented year's total."""
import threading
from datetime import timedelta

import pytest
from werkzeug.serving import make_server

from sqlalchemy import select

from models import Organisation, SupplementWindow, db
from models.org import PROVINCE
from webapp.dates import today

from ..people import ZHANG_WEI
from ..workflow.test_supplement_process import approved_claim_last_year
from .helpers import confirm
from .test_claim_path import log_in, log_out, pytestmark, shot  # noqa: F401 (the marks apply here too)


@pytest.fixture
def supplement_server(browser_app):
    """The province opened a supplement window around today for last year; 张伟 has 18 approved hours then."""
    app = browser_app
    with app.app_context():
        approved_claim_last_year()
        province = db.session.scalar(select(Organisation.id).where(Organisation.kind == PROVINCE)
                                     .order_by(Organisation.id))  # 浙江 (seeded first)
        db.session.add(SupplementWindow(province_id=province, opens_on=today() - timedelta(days=1),
                                        closes_on=today() + timedelta(days=5), year=today().year - 1))
        db.session.commit()
    server = make_server('127.0.0.1', 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f'http://127.0.0.1:{server.server_port}'
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


def open_supplement_from_inbox(page, base, who):
    log_in(page, base, who)
    page.goto(f'{base}/inbox/?kind=supplement')
    page.click('#inbox-table a:has-text("增补")')


def test_supplement_path_in_a_browser(supplement_server, page):
    base, last_year = supplement_server, today().year - 1
    log_in(page, base, ZHANG_WEI)
    page.click('nav >> text=增补申请')
    page.select_option('#pathway', 'training')
    page.click('#request-form button')
    confirm(page)
    page.wait_for_selector('text=增补申请成功')
    page.wait_for_selector('#supplement-status .status-label:has-text("已申请")')
    page.click('button:has-text("提交申请")')
    confirm(page)
    page.wait_for_selector('#supplement-status .status-label:has-text("个人申请中")')
    shot(page, 'supplement-1-requested')
    log_out(page)

    open_supplement_from_inbox(page, base, 'jtjt_admin')
    page.check('#agree-form input[value=agree]')
    page.click('#agree-form button')
    page.wait_for_selector('text=已同意增补')
    log_out(page)

    log_in(page, base, ZHANG_WEI)
    page.click('nav >> text=增补申请')
    page.wait_for_selector('#handled-flag:has-text("已处理")')
    page.click('#supplements-table >> text=查看')
    page.click('text=新增')
    assert page.input_value('#pathway') == 'training' and page.input_value('#year') == str(last_year)
    page.select_option('#sub_type', '培训班')
    page.fill('#title', '补登：港口安全管理培训班（省级）')
    page.fill('#start_date', f'{last_year}-11-02')
    page.fill('#end_date', f'{last_year}-11-03')
    page.dispatch_event('#end_date', 'change')
    page.wait_for_function("() => document.querySelector('#applied_hours').value === '12'")  # 2 days from the DMN table
    page.check('#pledge')
    shot(page, 'supplement-2-entry-form')
    page.click('button:has-text("保存")')
    page.wait_for_selector('#entries-table .status-label:has-text("个人保存")')
    page.click('button:has-text("个人上报")')
    confirm(page)
    page.wait_for_selector('#supplement-status .status-label:has-text("个人上报")')
    log_out(page)

    open_supplement_from_inbox(page, base, 'jtjt_admin')
    page.check('#review-form input[value=approve]')
    page.click('#review-form button')
    page.wait_for_selector('#supplement-status .status-label:has-text("企业审核通过")')
    log_out(page)

    open_supplement_from_inbox(page, base, 'shengji')
    assert '18' in page.inner_text('#review-form')  # 36 - 18 left for last year
    shot(page, 'supplement-3-province-review')
    page.check('#review-form input[value=approve]')
    page.click('#review-form button')
    page.wait_for_selector('#supplement-status .status-label:has-text("省级备案")')
    log_text = page.inner_text('#flow-log')
    for action in ('增补申请', '提交申请', '同意增补', '新增增补学时', '个人上报', '企业审核', '学时办审核'):
        assert action in log_text
    shot(page, 'supplement-4-filed')
    log_out(page)

    log_in(page, base, ZHANG_WEI)
    page.click('text=培训总体查询')
    row = page.locator(f'#totals tr[data-year="{last_year}"]')
    assert row.locator('.professional').inner_text() == '30'
    shot(page, 'supplement-5-total')
