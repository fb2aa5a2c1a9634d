"""A real browser does 修改单位信息: the principal admin of a unit under 交通厅 asks for a new name with a licence
scan, 交通厅 approves it in its inbox, the unit's page shows the new name and the new scan."""
from ..functional.test_claim_forms import png
from ..workflow.test_unit_info_change_process import code
from .helpers import confirm
from .test_claim_path import log_in, log_out, pytestmark, shot  # noqa: F401 (the marks apply here too)

NEW_NAME = '浙江交通工程集团有限公司'


def test_name_change_approved_by_the_supervising_department_in_a_browser(live_server, page, tmp_path):
    base = live_server
    scan = tmp_path / 'licence.png'
    scan.write_bytes(png('blue', (200, 140)))
    log_in(page, base, 'jtjt_admin')
    page.click('nav >> text=部门与管理员')
    page.click('#unit-info-link')
    page.click('#request-info-change')
    page.fill('#name', NEW_NAME)
    page.fill('#credit_code', code(61))
    page.set_input_files('#licence', str(scan))
    page.fill('#reason', '集团更名')
    page.click('#info-change-form button')
    confirm(page, '确定提交修改单位信息申请')
    page.wait_for_selector('#info-change-status .status-label:has-text("待上级审核")')
    assert page.is_visible('#flow-log >> text=提交修改申请')
    shot(page, 'unit-info-1-requested')
    log_out(page)

    log_in(page, base, 'jiaotong')
    page.goto(f'{base}/inbox/?kind=unit_info_change')
    page.click('#inbox-table a:has-text("修改单位信息")')
    page.wait_for_selector(f'#new-name:has-text("{NEW_NAME}")')
    page.check('#decision-form input[value=approve]')
    page.click('#decision-form button')
    page.wait_for_selector('#info-change-status .status-label:has-text("已变更")')
    assert page.is_visible('#flow-log >> text=变更完成')
    shot(page, 'unit-info-2-approved')
    log_out(page)

    log_in(page, base, 'jtjt_admin')
    page.goto(f'{base}/unit/info')
    assert NEW_NAME in page.inner_text('#unit-identity') and code(61) in page.inner_text('#unit-identity')
    assert page.is_visible('#licence-link')
    with page.expect_popup() as popup:
        page.click('#licence-link')
    assert popup.value.url.endswith('/licence')
    shot(page, 'unit-info-3-changed')
