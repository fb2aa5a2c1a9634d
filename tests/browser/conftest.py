"""The browser every browser test drives: Debian's chromium through Playwright."""
import pytest

from .test_claim_path import CHROMIUM


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=['--no-sandbox', '--disable-gpu', '--disable-background-networking'])
        context = browser.new_context(viewport={'width': 1400, 'height': 1000}, locale='zh-CN')
        yield context.new_page()
        browser.close()
