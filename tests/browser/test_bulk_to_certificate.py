"""The whole year of a member of staff, in a real browser: the unit imports her trainings from Excel (progress bar,
then batch submission), the unit and the supervising department approve in batches, a learning platform pushes her
public hours through the API, she produces her certificate, and anyone can verify it."""
import threading
import time
from datetime import date

import pytest
from openpyxl import Workbook

from sqlalchemy import select

from models import Organisation, db
from models.org import PROVINCE
from webapp.claims.sheets import COLUMNS
from webapp.imports import operations as imports
from webapp.learning.operations import create_platform

from ..helpers import year
from ..people import ZHANG_WEI
from .helpers import confirm, serving
from .test_claim_path import log_in, log_out, pytestmark, shot  # noqa: F401 (the marks apply here too)


@pytest.fixture
def server(browser_app):
    app = browser_app
    with app.app_context():
        province = db.session.scalar(select(Organisation.id).where(Organisation.kind == PROVINCE)
                                     .order_by(Organisation.id))  # 浙江 (seeded first)
        _platform, token = create_platform(None, '浙江省专技人员继续教育在线学习平台', province_id=province)
        db.session.commit()
    stop = threading.Event()

    def worker():  # what `flask worker` does beside the web server
        with app.app_context():
            while not stop.is_set():
                if not imports.run_pending():
                    db.session.remove()
                    time.sleep(0.3)
    threading.Thread(target=worker, daemon=True).start()
    with serving(app) as base:
        yield base, token
    stop.set()


def staff_file(path):
    y = year()
    wb = Workbook()
    ws = wb.active
    ws.title = '学员培训信息'
    ws.append(COLUMNS)
    ws.append([ZHANG_WEI, '张伟', '参加培训进修', '培训班', '', '', 1, '公路养护技术培训班（省级）', date(y, 3, 2),
               date(y, 3, 7), 36, y, '', ''])
    ws.append([ZHANG_WEI, '张伟', '参加高研班', '高级研修班', '省级', '', 1, '智慧交通高级研修班（省级）', date(y, 5, 6),
               date(y, 5, 10), 36, y, '', ''])
    ws.append([ZHANG_WEI, '张三', '参加培训进修', '培训班', '', '', 1, '姓名写错的一行', date(y, 6, 1), date(y, 6, 1),
               6, y, '', ''])
    wb.save(path)


def test_import_submit_approve_certificate_verify(server, page, tmp_path):
    base, token = server
    y = year()
    log_in(page, base, 'jtjt_admin')
    page.click('nav >> text=批量导入')
    staff_file(tmp_path / '导入学员培训信息.xlsx')
    page.set_input_files('#upload-form input[type=file]', str(tmp_path / '导入学员培训信息.xlsx'))
    page.check('#upload-form input[name=pledge]')
    page.click('#upload-form button')
    page.wait_for_selector('#ok-rows')  # the page polls the worker's progress, then shows the results
    assert page.inner_text('#ok-rows') == '2' and page.inner_text('#failed-rows') == '1'
    assert '姓名“张三”与身份证号' in page.inner_text('#failed-table')
    shot(page, 'bulk-1-import-results')
    page.click('text=去“我发起的”批量提交审核')
    page.check('#mine-table thead input[type=checkbox]')
    page.click('button:has-text("批量提交至本单位审核")')
    confirm(page, '将所选 2 条学时登记提交审核')
    page.wait_for_selector('text=已提交 2 条学时登记')

    page.goto(f'{base}/inbox/')
    page.check('#inbox-table thead input[type=checkbox]')
    page.select_option('#inbox-form select[name=decision]', 'approve')
    page.click('#inbox-form button:has-text("执行")')
    confirm(page, '将对所选 2 条待办执行“批量通过审核”')
    page.wait_for_selector('text=暂无事项')
    log_out(page)
    log_in(page, base, 'jiaotong')
    page.check('#inbox-table thead input[type=checkbox]')
    page.select_option('#inbox-form select[name=decision]', 'approve')
    page.click('#inbox-form button:has-text("执行")')
    confirm(page, '将对所选 2 条待办执行“批量通过审核”')
    page.wait_for_selector('text=暂无事项')
    log_out(page)

    pushed = page.request.post(f'{base}/api/v1/learning-records', headers={'Authorization': f'Bearer {token}'},
                               data={'records': [{'id_number': ZHANG_WEI, 'course': '专业技术人员职业道德', 'category':
                                                  'general', 'hours': 18, 'completed_on': f'{y}-02-20',
                                                  'record_id': 'ZJ-2026-0001'}]})
    assert pushed.ok and pushed.json()['created'] == 1

    log_in(page, base, ZHANG_WEI)
    page.click('text=年度进度')
    assert page.locator('#progress').get_attribute('data-met') == 'yes'
    page.click('#issue-certificate')
    number = f'ZJ{y}000001'
    assert number in page.locator('.alert-success').inner_text()
    shot(page, 'bulk-2-certificate')
    verify_path = page.locator('#certificates .verify-link').first.get_attribute('href')  # by its code, not number
    log_out(page)
    page.goto(base + verify_path)
    assert '证书有效' in page.locator('#verify-result').inner_text()
    shot(page, 'bulk-3-verified')
