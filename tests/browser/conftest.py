"""What every browser test drives: Debian's chromium through Playwright, against the app on a real HTTP server.
The server answers from other threads, so these tests commit for real: each has a copy of the seeded SQLite file."""
import pytest

from ..apps import copy_sqlite, make_app
from .helpers import serving
from .test_claim_path import CHROMIUM


@pytest.fixture(scope='package')
def chromium():
    """One chromium for all the browser tests (starting it took a second a test); each test has a context of its own:
    its own cookies, storage and downloads."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=['--no-sandbox', '--disable-gpu', '--disable-background-networking'])
        yield browser
        browser.close()


# Every page the browser tests open runs under the app's Content-Security-Policy: whatever it blocks (an inline
# script or handler, an inline style, a resource from elsewhere) is reported by the page, and fails the test.
REPORT_VIOLATIONS = """
document.addEventListener('securitypolicyviolation', function (e) {
  console.error('CSP violation: ' + e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at '
                + e.sourceFile + ':' + e.lineNumber + ' ' + (e.sample || ''));
});
"""


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport={'width': 1400, 'height': 1000}, locale='zh-CN', accept_downloads=True)
    context.add_init_script(REPORT_VIOLATIONS)
    page = context.new_page()
    violations = []
    page.on('console', lambda message: violations.append(f'{page.url}: {message.text}') if message.type == 'error'
            and ('Content Security Policy' in message.text or message.text.startswith('CSP violation')) else None)
    yield page
    context.close()
    assert not violations, 'the Content-Security-Policy blocked something:\n' + '\n'.join(violations)


@pytest.fixture
def browser_app(sqlite_template, tmp_path):
    """The demo app on its own SQLite file, with CSRF on as in production."""
    return make_app(copy_sqlite(sqlite_template, tmp_path / 'browser.db'), tmp_path, WTF_CSRF_ENABLED=True)


@pytest.fixture
def app_and_server(browser_app):
    with serving(browser_app) as base:
        yield browser_app, base


@pytest.fixture
def live_server(app_and_server):
    return app_and_server[1]
