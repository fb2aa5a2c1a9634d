"""What every browser test drives: Debian's chromium through Playwright, against the app on a real HTTP server."""
import threading
from contextlib import contextmanager

import pytest
from werkzeug.serving import make_server

from models import db

from ..conftest import make_app
from .test_claim_path import CHROMIUM


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=['--no-sandbox', '--disable-gpu', '--disable-background-networking'])
        context = browser.new_context(viewport={'width': 1400, 'height': 1000}, locale='zh-CN', accept_downloads=True)
        yield context.new_page()
        browser.close()


@contextmanager
def serving(app):
    """The app on a threaded HTTP server for the browser to reach: yields its base URL."""
    server = make_server('127.0.0.1', 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f'http://127.0.0.1:{server.server_port}'
    finally:
        server.shutdown()
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def browser_app(tmp_path):
    """The demo app on its own SQLite file, with CSRF on as in production."""
    return make_app(f"sqlite:///{tmp_path / 'browser.db'}", tmp_path, WTF_CSRF_ENABLED=True)


@pytest.fixture
def app_and_server(browser_app):
    with serving(browser_app) as base:
        yield browser_app, base


@pytest.fixture
def live_server(app_and_server):
    return app_and_server[1]
