"""`flask worker` as a real process: two workers on one PostgreSQL database never fire the same timer twice."""
import os
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from models import FlowLog, Notification, db
from webapp.claims import operations as ops

from ..apps import make_app
from ..helpers import claim_input
from ..people import ZHANG_WEI, membership

ROOT = Path(__file__).resolve().parents[2]
CLAIMS = 30

pytestmark = pytest.mark.committing  # the workers are other processes


def test_two_workers_share_the_due_timers_without_firing_any_twice(committed_postgres_url, tmp_path):
    postgres_url = committed_postgres_url
    app = make_app(postgres_url, tmp_path, REVIEW_REMIND_AFTER='PT1S')
    with app.app_context():
        learner = membership(ZHANG_WEI, 'learner')
        for n in range(CLAIMS):
            claim = ops.create_claim(learner, claim_input(title=f'培训 {n}'))
            ops.submit_claim(learner, claim, 'unit')
        db.session.commit()
    time.sleep(1.5)  # every reminder is now due
    env = {**os.environ, 'DATABASE_URL': postgres_url, 'FLASK_APP': 'webapp', 'SECRET_KEY': secrets.token_hex(32)}
    workers = [subprocess.Popen([sys.executable, '-m', 'flask', 'worker', '--once'], cwd=ROOT, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for _ in range(2)]
    outputs = [w.communicate(timeout=120)[0] for w in workers]
    assert all(w.returncode == 0 for w in workers), outputs
    fired = [int(re.search(r'fired (\d+), failed 0', out).group(1)) for out in outputs]
    print('timers fired per worker:', fired)
    assert sum(fired) == CLAIMS, outputs
    with app.app_context():
        reminders = db.session.scalar(select(func.count(FlowLog.id)).where(FlowLog.action == '超时提醒'))
        notes = db.session.scalar(select(func.count(Notification.id)).where(Notification.event_key.is_(None)))
        # principal + department admin, once per claim (besides the day's 待办 digest, after 8:00)
        assert reminders == CLAIMS and notes == 2 * CLAIMS
        db.session.remove()
        db.engine.dispose()
