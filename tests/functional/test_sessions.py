"""Sessions that cannot be forged and that end: a real secret or no start, test-only hooks only in tests, a captcha
good for one try on any worker, and a logout, a new password or a reset ending every copy of the session."""
import os
import secrets
import stat
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select

import models
from models import User, db, utcnow
from webapp import create_app

from ..apps import create_test_app, dispose, rolled_back
from ..helpers import first_one_holding_on
from ..people import DEMO_PASSWORD, WANG_QIANG, ZHANG_WEI, login, membership

ROOT = Path(__file__).resolve().parents[2]
OLD_DEFAULT_KEY = 'dev-only-change-me'  # what webapp/config.py and bin/run used to sign with: public


def signed_session(secret: str, values: dict) -> str:
    """A session cookie as Flask signs it, made offline with *secret*."""
    signer = Flask('forger')
    signer.secret_key = secret
    return SecureCookieSessionInterface().get_signing_serializer(signer).dumps(values)


def session_of(username: str, role=None) -> dict:
    m = membership(username, role)
    return {'_user_id': m.user.get_id(), '_fresh': True, 'membership_id': m.id}


@pytest.fixture
def production_app(db_url, tmp_path):
    """The app as `bash bin/run` starts it on a fresh clone: not in test mode, its secret read from the file bin/run
    generated; the test hooks of TEST_CONFIG (captcha answer, fast hash) are in its configuration all the same."""
    secret = tmp_path / 'secret_key'
    secret.write_text(secrets.token_hex(32) + '\n')
    app = create_test_app(db_url, TESTING=False, SECRET_KEY=None, SECRET_KEY_FILE=str(secret),
                          EVIDENCE_DIR=str(tmp_path / 'evidence'))
    with rolled_back(app):
        yield app
    dispose(app)


# 1. A real secret, or no start ----------------------------------------------------------------------------------

def test_the_app_refuses_to_start_without_a_real_secret(tmp_path):
    base = {'SQLALCHEMY_DATABASE_URI': f"sqlite:///{tmp_path / 'none.db'}",
            'SECRET_KEY_FILE': str(tmp_path / 'secret_key')}  # not there
    for key in (None, '', OLD_DEFAULT_KEY, 'test-secret', 'short-secret'):
        with pytest.raises(RuntimeError, match='SECRET_KEY') as refused:
            create_app({**base, 'SECRET_KEY': key})
        assert 'bin/run' in str(refused.value) and '拒绝启动' in str(refused.value)
    create_app({**base, 'SECRET_KEY': None, 'TESTING': True})  # the tests choose their own
    key = secrets.token_hex(32)
    (tmp_path / 'secret_key').write_text(key + '\n')
    assert create_app({**base, 'SECRET_KEY': None}).config['SECRET_KEY'] == key
    assert create_app({**base, 'SECRET_KEY': 'x' * 40}).config['SECRET_KEY'] == 'x' * 40  # the environment's first


def test_flask_commands_refuse_without_a_secret_and_bin_run_generates_one_kept_across_runs(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ('SECRET_KEY', 'CAPTCHA_TEST_ANSWER')}
    env.update(FLASK_APP='webapp', DATABASE_URL=f"sqlite:///{tmp_path / 'cli.db'}",
               SECRET_KEY_FILE=str(tmp_path / 'instance' / 'secret_key'))
    flask = [sys.executable, '-m', 'flask', 'routes']
    refused = subprocess.run(flask, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert refused.returncode != 0 and 'SECRET_KEY is missing' in refused.stderr, refused.stderr[-2000:]
    for _ in range(2):  # bin/run's step, run twice: the secret is made once and kept
        subprocess.run(['bash', '-c', f'set -euo pipefail; source {ROOT}/bin/_setup.sh; setup_secret'],
                       cwd=tmp_path, env=env, check=True, timeout=20)
        if _ == 0:
            first = (tmp_path / 'instance' / 'secret_key').read_text()
    secret = tmp_path / 'instance' / 'secret_key'
    assert secret.read_text() == first and len(first.strip()) == 64 and int(first, 16)
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    started = subprocess.run(flask, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert started.returncode == 0 and '/login' in started.stdout, started.stderr[-2000:]


def test_a_session_forged_with_the_old_default_key_opens_nothing(production_app):
    """The attack of the report: a cookie signed offline with the public default for a unit admin and for province
    staff. The same cookie signed with the app's own secret does open the pages: only the key was wrong."""
    client = production_app.test_client()
    with production_app.app_context():
        pages = {'/unit/staff': session_of('jtjt_admin'), '/workbench/': session_of('shengji')}
        for path, values in pages.items():
            for user_id in (values['_user_id'], values['_user_id'].split(':')[0]):  # either session format
                client.set_cookie('session', signed_session(OLD_DEFAULT_KEY, {**values, '_user_id': user_id}))
                response = client.get(path)
                assert response.status_code == 302 and '/login' in response.headers['Location'], path
            client.set_cookie('session', signed_session(production_app.secret_key, values))
            assert client.get(path).status_code == 200, path


def test_outside_test_mode_the_captcha_test_answer_and_the_fast_hash_are_ignored(production_app):
    client = production_app.test_client()
    client.get('/captcha.png')
    page = client.post('/login', data={'username': ZHANG_WEI, 'password': DEMO_PASSWORD, 'captcha': 'TEST'})
    assert page.status_code == 422 and '验证码错误' in page.get_data(as_text=True)
    with production_app.app_context():
        user = membership(ZHANG_WEI).user
        user.set_password('Better2026')
        assert user.password_hash.startswith('scrypt:')  # not TEST_CONFIG's pbkdf2 with 1000 rounds
        db.session.rollback()


# 7. A captcha is good for one try -------------------------------------------------------------------------------

def test_a_captcha_cookie_replayed_is_refused(client, ctx):
    """One solved captcha logged in three times in ten minutes: its copy is refused now, wherever it is shown."""
    first = client.application.test_client()
    first.get('/captcha.png')
    captcha = first.get_cookie('captcha').value
    assert first.post('/login', data={'username': ZHANG_WEI, 'password': DEMO_PASSWORD,
                                      'captcha': 'TEST'}).status_code == 302
    for username in (ZHANG_WEI, 'jtjt_admin'):
        replay = client.application.test_client()
        replay.set_cookie('captcha', captcha)
        page = replay.post('/login', data={'username': username, 'password': DEMO_PASSWORD, 'captcha': 'TEST'})
        assert page.status_code == 422 and '验证码已失效' in page.get_data(as_text=True)
        assert replay.get('/claims/').status_code == 302
    wrong = client.application.test_client()  # a wrong answer uses it up as well
    wrong.get('/captcha.png')
    captcha = wrong.get_cookie('captcha').value
    page = wrong.post('/login', data={'username': ZHANG_WEI, 'password': DEMO_PASSWORD, 'captcha': 'NOPE'})
    assert '验证码错误' in page.get_data(as_text=True)
    wrong.set_cookie('captcha', captcha)
    page = wrong.post('/login', data={'username': ZHANG_WEI, 'password': DEMO_PASSWORD, 'captcha': 'TEST'})
    assert '验证码已失效' in page.get_data(as_text=True)


def test_a_replayed_captcha_is_refused_on_the_registration_progress_page_too(client, ctx):
    client.get('/captcha.png')
    captcha = client.get_cookie('captcha').value
    form = {'username': ZHANG_WEI, 'password': DEMO_PASSWORD, 'captcha': 'TEST'}
    assert '验证码已失效' not in client.post('/register/progress', data=form).get_data(as_text=True)
    client.set_cookie('captcha', captcha)
    assert '验证码已失效' in client.post('/register/progress', data=form).get_data(as_text=True)


@pytest.mark.committing
def test_two_workers_given_the_same_captcha_at_once_let_one_through(app):
    """Another worker consumes the captcha and has not committed yet: this one waits for it, then refuses."""
    client = app.test_client()
    client.get('/captcha.png')
    cookie = client.get_cookie('captcha').value
    nonce = URLSafeTimedSerializer(app.secret_key, salt='captcha').loads(cookie)[0]

    def other_worker():
        db.session.add(models.UsedCaptcha(nonce=nonce, expires_at=utcnow() + timedelta(minutes=10)))
        db.session.flush()

    with first_one_holding_on(app, other_worker):
        page = client.post('/login', data={'username': ZHANG_WEI, 'password': DEMO_PASSWORD, 'captcha': 'TEST'})
    assert page.status_code == 422 and '验证码已失效' in page.get_data(as_text=True)


# 8. Sessions that end -------------------------------------------------------------------------------------------

def copied(client):
    """Another browser holding a copy of *client*'s session cookie."""
    thief = client.application.test_client()
    thief.set_cookie('session', client.get_cookie('session').value)
    return thief


def refused_to_login(client, path):
    response = client.get(path)
    return response.status_code == 302 and '/login' in response.headers['Location']


def test_logout_ends_every_copy_of_the_session(client, ctx):
    login(client, 'jtjt_admin')
    thief, elsewhere = copied(client), login(client.application.test_client(), 'jtjt_admin')
    assert thief.get('/unit/staff').status_code == 200
    client.post('/logout')
    assert refused_to_login(thief, '/unit/staff') and refused_to_login(elsewhere, '/unit/staff')
    assert refused_to_login(client, '/unit/staff')
    assert login(client, 'jtjt_admin').get('/unit/staff').status_code == 200  # a new login works


def test_a_new_password_ends_the_other_sessions_and_keeps_this_one(client, ctx):
    login(client, ZHANG_WEI)
    thief = copied(client)
    assert thief.get('/claims/').status_code == 200
    form = {'current': DEMO_PASSWORD, 'new': 'Better2026', 'confirm': 'Better2026'}
    response = client.post('/account/password', data=form)
    assert response.status_code == 302
    assert refused_to_login(thief, '/claims/')
    assert client.get('/claims/').status_code == 200


def test_a_unit_admins_reset_ends_the_members_sessions(client, ctx):
    learner = login(client.application.test_client(), ZHANG_WEI)
    thief = copied(learner)
    admin = login(client, 'jtjt_admin')
    zhang = membership(ZHANG_WEI, 'learner')
    assert admin.post(f'/unit/staff/{zhang.id}/reset-password').status_code == 302
    assert refused_to_login(learner, '/claims/') and refused_to_login(thief, '/claims/')
    assert admin.get('/unit/staff').status_code == 200  # the admin's own session goes on


def test_a_province_reset_ends_the_accounts_sessions(client, ctx):
    wang = login(client.application.test_client(), WANG_QIANG)
    province = login(client, 'shengji')
    assert province.post('/profile/people/reset-password', data={'q': WANG_QIANG}).status_code == 302
    assert refused_to_login(wang, '/claims/')
    user = db.session.scalar(select(User).where(User.id_number == WANG_QIANG))
    db.session.refresh(user)
    assert user.must_change_password
