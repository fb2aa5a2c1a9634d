"""A real browser (Debian's chromium via Playwright) does learner -> unit -> supervisor and checks the total."""
import os
from pathlib import Path

import pytest
from PIL import Image

from ..people import ZHANG_WEI

CHROMIUM = '/usr/bin/chromium'
ARTIFACTS = Path(__file__).resolve().parents[2] / 'test-artifacts'

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not os.path.exists(CHROMIUM) and not os.environ.get('CI'),
                                 reason='Debian chromium not installed (bin/test installs it)')]


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f'{name}.png'), full_page=True)


def wait_for_captcha(page):
    """The captcha image's response puts the captcha in the session: a form sent before it arrived is refused."""
    page.wait_for_function(
        "[...document.querySelectorAll('img[src*=captcha]')].every(i => i.complete && i.naturalWidth)")


def log_in(page, base, username):
    page.goto(f'{base}/login')
    page.fill('#username', username)
    page.fill('#password', 'Demo@2026')
    page.fill('#captcha', 'TEST')  # the test app's captcha (CAPTCHA_TEST_ANSWER)
    wait_for_captcha(page)
    page.click('button[type=submit]')
    page.wait_for_url(lambda url: '/login' not in url)


def log_out(page):
    page.click('text=退出')
    page.wait_for_url('**/login')


def test_learner_unit_supervisor_path_and_total(live_server, page, tmp_path):
    from webapp.dates import today
    year = today().year
    base = live_server
    log_in(page, base, ZHANG_WEI)
    page.click('text=新登记培训')
    page.select_option('#pathway', 'training')
    page.select_option('#sub_type', '培训班')
    page.fill('#title', '省级公路养护技术培训班（省级）')
    page.fill('#start_date', f'{year}-03-01')
    page.fill('#end_date', f'{year}-03-03')
    page.dispatch_event('#end_date', 'change')
    page.wait_for_function("() => document.querySelector('#applied_hours').value === '18'")  # from the DMN table
    page.check('#pledge')
    shot(page, '1-claim-form')
    page.click('button:has-text("保存")')
    page.wait_for_selector('text=已保存为待提交')

    picture = tmp_path / '结业证书.png'
    Image.new('RGB', (300, 200), 'white').save(picture)
    page.set_input_files('#evidence-form input[type=file]', str(picture))
    page.fill('#evidence-form input[name=caption]', '结业证书')
    page.click('#evidence-form button')
    page.wait_for_selector('text=附件已上传')
    page.click('#submit-form button[type=submit]')
    page.wait_for_selector('.status-label:has-text("待初审")')
    shot(page, '2-submitted')
    log_out(page)

    log_in(page, base, 'jtjt_admin')
    assert page.inner_text('#todo-count') == '1'
    page.click('text=省级公路养护技术培训班（省级）')
    page.check('#review-form input[value=approve]')
    page.fill('#review-form #hours', '18')
    shot(page, '3-unit-review')
    page.click('#review-form button[type=submit]')
    page.wait_for_selector('text=已处理，当前状态：待终审')
    log_out(page)

    log_in(page, base, 'jiaotong')
    page.click('text=省级公路养护技术培训班（省级）')
    assert page.inner_text('#remaining strong') == '36'
    page.check('#review-form input[value=approve]')
    page.click('#review-form button[type=submit]')
    page.wait_for_selector('text=已处理，当前状态：通过认定')
    log_out(page)

    log_in(page, base, ZHANG_WEI)
    page.click('text=培训总体查询')
    row = page.locator(f'#totals tr[data-year="{year}"]')
    assert row.locator('.professional').inner_text() == '18'
    assert row.locator('.total').inner_text() == '18'
    shot(page, '4-learner-total')
    page.click('text=培训登记详情')
    page.click('text=省级公路养护技术培训班（省级）')
    log_text = page.inner_text('#flow-log')
    for action in ('新增登记', '上传附件', '提交审核', '单位审核', '终审'):
        assert action in log_text
    shot(page, '5-flow-log')
