"""Under the Content-Security-Policy no inline handler runs: the pages declare what they do with data attributes
(static/app.js). The browser still asks before a reset, submits the role switch when chosen, ticks every row, loads
a new captcha on a click and draws progress bars; and the policy reported nothing blocked (the `page` fixture)."""
from models import db
from webapp.claims import operations as ops

from ..helpers import claim_input
from ..people import WANG_QIANG, ZHANG_WEI, membership
from .helpers import confirm
from .test_claim_path import log_in, log_out, pytestmark, shot  # noqa: F401 (the marks apply here too)


def test_confirmations_role_switch_check_all_captcha_and_progress_bars(app_and_server, page):
    app, base = app_and_server
    with app.app_context():
        learner = membership(ZHANG_WEI, 'learner')
        for n in range(2):
            ops.create_claim(learner, claim_input(title=f'草稿 {n}'))
        db.session.commit()

    page.goto(f'{base}/login')
    before = page.get_attribute('img[data-refresh-src]', 'src')
    page.click('img[data-refresh-src]')
    page.wait_for_function("() => document.querySelector('img[data-refresh-src]').src.includes('?')")
    assert page.get_attribute('img[data-refresh-src]', 'src') != before

    log_in(page, base, ZHANG_WEI)
    page.goto(f'{base}/claims/')
    assert page.locator('.pick').count() == 2
    page.check('[data-check-all]')
    assert page.locator('.pick:checked').count() == 2
    page.uncheck('[data-check-all]')
    assert page.locator('.pick:checked').count() == 0
    log_out(page)

    log_in(page, base, 'jtjt_admin')
    page.goto(f'{base}/unit/staff?q=张伟')
    page.click('form[data-confirm] button')
    page.wait_for_selector('#confirm-modal.show')
    assert '重置为初始密码' in page.inner_text('#confirm-text')
    page.click('#confirm-modal button:has-text("取消")')
    page.wait_for_selector('#confirm-modal', state='hidden')
    assert '已将 张伟 的密码重置' not in page.content()  # cancelled: nothing sent
    page.click('form[data-confirm] button')
    confirm(page, '重置为初始密码')
    page.wait_for_selector('text=已将 张伟 的密码重置为初始密码')

    page.goto(f'{base}/certificates/staff')
    page.wait_for_selector('.progress-bar[data-width]', state='attached')
    widths = page.eval_on_selector_all('.progress-bar[data-width]',
                                       'bars => bars.map(b => [b.dataset.width, b.style.width])')
    assert widths and all(style == f'{width}%' for width, style in widths)
    shot(page, 'csp-staff-progress')
    log_out(page)

    log_in(page, base, WANG_QIANG)  # learner and unit admin: the select in the top bar switches at once
    page.select_option('select[name=membership_id]', label=next(
        o for o in page.eval_on_selector_all('select[name=membership_id] option', 'os => os.map(o => o.label)')
        if '单位管理员' in o))
    page.wait_for_selector('text=已切换角色')
    assert page.locator('nav >> text=人员管理').count() == 1
