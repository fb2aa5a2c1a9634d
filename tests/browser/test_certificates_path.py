"""In a real browser: the learner sees her progress chart, produces her certificate, confirms her profile and prints
the 学时记录表; anyone opens the verification page; the unit admin sees her staff's completion."""
import pytest

from models import db

from ..certificates.helpers import enrolled, meet_requirement
from ..helpers import year
from ..people import ZHANG_WEI
from .helpers import serving
from .test_claim_path import log_in, log_out, pytestmark, shot  # noqa: F401 (the marks apply here too)


@pytest.fixture
def live_server(browser_app):
    with browser_app.app_context():
        meet_requirement(ZHANG_WEI)
        enrolled(ZHANG_WEI)
        db.session.commit()
    with serving(browser_app) as base:
        yield base


def test_progress_certificate_verification_and_record(live_server, page):
    base = live_server
    log_in(page, base, ZHANG_WEI)
    page.click('text=年度进度')
    assert page.locator('#progress').get_attribute('data-met') == 'yes'
    assert page.locator('svg.progress-chart rect').count() == 6
    page.click('#issue-certificate')
    number = f'ZJ{year()}000001'
    assert number in page.locator('.alert-success').inner_text()
    shot(page, 'certificates-progress')
    verify_path = page.locator('#certificates .verify-link').first.get_attribute('href')  # by its code, not number
    pdf = page.request.get(base + page.locator('#certificate-link').get_attribute('href'))
    assert pdf.ok and pdf.headers['content-type'] == 'application/pdf'
    page.click('#record-link')
    assert page.locator('#unconfirmed').is_visible()
    page.click('#confirm')
    assert page.locator('#confirmed').is_visible()
    with page.expect_download() as download:
        page.click('#print')
    assert download.value.suggested_filename.endswith('.pdf')
    page.reload()
    assert f'XS{year()}000001' in page.locator('#prints').inner_text()
    shot(page, 'certificates-record')
    log_out(page)
    page.goto(base + verify_path)  # signed out
    assert '证书有效' in page.locator('#verify-result').inner_text()
    assert '*****001X' in page.locator('#certificate').inner_text()
    shot(page, 'certificates-verify')
    page.goto(f'{base}/verify/{number}')  # the sequential number opens nothing
    assert '未找到该证书' in page.locator('#verify-result').inner_text() and page.locator('#certificate').count() == 0
    log_in(page, base, 'jtjt_admin')
    page.click('text=学时达标情况')
    assert page.locator('#met-count').inner_text() == '1' and page.locator('#unmet-count').inner_text() == '1'
    page.check('#unmet')
    page.wait_for_url('**unmet=1**')
    assert page.locator('#staff tbody tr').count() == 1 and '李娜' in page.locator('#staff').inner_text()
    shot(page, 'certificates-staff')
