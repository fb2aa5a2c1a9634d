"""Several gunicorn workers behind one address: no state in process memory, sessions and work survive hopping."""
import http.cookiejar
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from models import Claim, db

from ..people import ZHANG_WEI

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.committing  # the gunicorn workers are other processes


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


class Browser:
    """A cookie-keeping HTTP client that posts forms with their CSRF token, as a browser would."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path) -> str:
        with self.opener.open(self.base + path, timeout=20) as response:
            return response.read().decode(errors='replace')  # the captcha is an image

    def post(self, form_page, action, data) -> str:
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"',
                          self.get(form_page))
        body = urllib.parse.urlencode({**data, 'csrf_token': token.group(1) or token.group(2)}).encode()
        with self.opener.open(self.base + action, data=body, timeout=20) as response:
            return response.read().decode()


@pytest.fixture
def gunicorn(app, db_url, tmp_path):
    port = free_port()
    env = {**os.environ, 'DATABASE_URL': db_url, 'SECRET_KEY': secrets.token_hex(32),  # one secret for all workers
           'EVIDENCE_DIR': str(tmp_path / 'evidence')}
    # The captcha shows a known text only in test mode, which the factory's own argument turns on (no variable can).
    factory = "webapp:create_app({'TESTING': True, 'CAPTCHA_TEST_ANSWER': 'TEST'})"
    proc = subprocess.Popen([sys.executable, '-m', 'gunicorn', '--workers', '3', '--bind', f'127.0.0.1:{port}',
                             factory], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f'http://127.0.0.1:{port}/login', timeout=2)
            break
        except OSError:
            time.sleep(0.2)
    yield f'http://127.0.0.1:{port}'
    proc.terminate()
    proc.wait(10)


def test_claim_path_across_three_workers(gunicorn, app):
    from webapp.dates import today
    y = today().year
    learner = Browser(gunicorn)
    learner.get('/captcha.png')
    learner.post('/login', '/login', {'username': ZHANG_WEI, 'password': 'Demo@2026', 'captcha': 'TEST'})
    page = learner.post('/claims/new', '/claims/new', {
        'pathway': 'exam', 'sub_type': '交通运输类执（职）业资格考试', 'quantity': '1', 'title': '多进程考试',
        'start_date': f'{y}-04-01', 'end_date': f'{y}-04-01', 'applied_hours': '8', 'year': str(y), 'pledge': 'y'})
    claim_id = int(re.search(r'/claims/(\d+)/submit', page).group(1))
    for _ in range(6):  # several requests: they land on different workers and all see the same session
        assert '多进程考试' in learner.get('/claims/')
    learner.post(f'/claims/{claim_id}/edit', f'/claims/{claim_id}/submit', {'target': 'unit'})
    admin = Browser(gunicorn)
    admin.get('/captcha.png')
    admin.post('/login', '/login', {'username': 'jtjt_admin', 'password': 'Demo@2026', 'captcha': 'TEST'})
    detail = admin.get(f'/claims/{claim_id}')
    item_id = re.search(r'name="work_item_id" type="hidden" value="(\d+)"', detail).group(1)
    admin.post(f'/claims/{claim_id}', f'/claims/{claim_id}/review', {'work_item_id': item_id, 'decision': 'approve'})
    with app.app_context():
        assert db.session.get(Claim, claim_id).status_label == '待终审'
