"""On a phone (390 × 844): a learner signs in, files a claim with a photo from the camera, reads her totals and a
notification, and looks at every page of her menu; the unit admin works her inbox. The menu collapses behind its
toggler, and no page scrolls sideways (`scrollWidth <= clientWidth`). Screenshots in test-artifacts/phone-*.png."""
from PIL import Image

from models import Notification, db
from webapp.dates import today

from ..people import ZHANG_WEI, membership
from .conftest import REPORT_VIOLATIONS
from .test_claim_path import log_in, pytestmark, shot, wait_for_captcha  # noqa: F401 (the marks apply here too)

import pytest

PHONE = {'width': 390, 'height': 844}


@pytest.fixture
def phone(chromium):
    context = chromium.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                   locale='zh-CN')
    context.add_init_script(REPORT_VIOLATIONS)
    page = context.new_page()
    violations = []
    page.on('console', lambda message: violations.append(f'{page.url}: {message.text}') if message.type == 'error'
            and message.text.startswith('CSP violation') else None)
    yield page
    context.close()
    assert not violations, 'the Content-Security-Policy blocked something:\n' + '\n'.join(violations)


WIDTHS = '[document.documentElement.scrollWidth, document.documentElement.clientWidth]'


def checker():
    """fits(page, name): saves the page's screenshot and notes it when it is wider than the phone's screen; the
    test asserts at its end that no page was (all the pages that were are named at once)."""
    too_wide = []

    def fits(page, name):
        shot(page, f'phone-{name}')
        scroll, client = page.evaluate(WIDTHS)
        if scroll > client:
            too_wide.append(f'{name}: {page.url} scrolls sideways ({scroll} px on a {client} px screen)')
    return fits, too_wide


def menu(page, text):
    """Open the collapsed menu with its toggler, then follow one of its links."""
    assert page.locator('.navbar-collapse').is_hidden()  # collapsed: the menu does not fill the first screen
    page.click('.navbar-toggler')
    page.locator('.navbar-collapse').get_by_role('link', name=text, exact=True).click()
    page.wait_for_load_state()


def test_learner_on_a_phone(app_and_server, phone, tmp_path):
    app, base = app_and_server
    with app.app_context():
        learner = membership(ZHANG_WEI, 'learner')
        db.session.add(Notification(user_id=learner.user_id, text='您的学时登记“安全生产培训”已退回修改：请补充结业证书'))
        db.session.commit()
    page = phone
    fits, too_wide = checker()
    page.goto(f'{base}/login')
    wait_for_captcha(page)
    fits(page, '0-login')
    log_in(page, base, ZHANG_WEI)
    fits(page, '1-home')

    menu(page, '新登记培训')
    year = today().year
    page.select_option('#pathway', 'training')
    page.select_option('#sub_type', '培训班')
    page.fill('#title', '公路桥梁检测新技术培训班')
    page.fill('#start_date', f'{year}-03-01')
    page.fill('#end_date', f'{year}-03-03')
    page.dispatch_event('#end_date', 'change')
    page.wait_for_function("() => document.querySelector('#applied_hours').value === '18'")
    page.check('#pledge')
    fits(page, '2-claim-form')
    page.click('button:has-text("保存")')
    page.wait_for_selector('text=已保存为待提交')
    fits(page, '3-claim-saved')

    upload = page.locator('#evidence-form input[type=file]')
    assert upload.get_attribute('accept') == 'image/*,.pdf'  # the phone offers its camera and photos
    assert upload.get_attribute('capture') is None  # (capture would forbid choosing a photo already taken)
    photo = tmp_path / 'IMG_0001.jpg'
    Image.new('RGB', (1200, 1600), 'lightgray').save(photo, 'JPEG')
    upload.set_input_files(str(photo))
    page.fill('#evidence-form input[name=caption]', '结业证书照片')
    page.click('#evidence-form button')
    page.wait_for_selector('text=附件已上传')
    assert page.locator('#evidence-list img').count() == 1
    page.click('#submit-form button[type=submit]')
    page.wait_for_selector('.status-label:has-text("待初审")')
    fits(page, '4-claim-submitted')

    menu(page, '培训登记详情')
    assert page.locator('#claims-table >> text=公路桥梁检测新技术培训班').is_visible()
    fits(page, '5-my-claims')
    menu(page, '培训总体查询')
    assert page.locator('#totals').is_visible()
    fits(page, '6-totals')

    page.click('#notifications-link')
    page.wait_for_selector('text=请补充结业证书')
    fits(page, '7-notifications')

    for n, text in enumerate(('学员报名', '增补申请', '单位调转', '年度进度', '待我处理', '我已处理', '我发起的'), start=8):
        menu(page, text)
        fits(page, f'{n}-{text}')
    page.click('.navbar-toggler')
    page.click('.navbar-collapse a[title=个人信息]')
    fits(page, '15-profile')
    assert not too_wide, '\n'.join(too_wide)


def test_unit_admin_inbox_on_a_phone(app_and_server, phone):
    _app, base = app_and_server
    page = phone
    fits, too_wide = checker()
    log_in(page, base, 'jtjt_admin')
    fits(page, 'admin-1-todo')
    for n, text in enumerate(('我已处理', '我发起的', '学时审核结果'), start=2):
        menu(page, text)
        fits(page, f'admin-{n}-{text}')
    assert not too_wide, '\n'.join(too_wide)
