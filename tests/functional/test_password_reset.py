"""找回密码 (issue 15): a one-time code to the e-mail address on the account, sent by the worker through SMTP (an
in-process aiosmtpd server); the same answer whether or not the account exists; rate-limited; short-lived, few
tries, once; using it ends the account's other sessions."""
import re
from datetime import timedelta

from flask import Flask
from sqlalchemy import func, select

from models import MailOutbox, PasswordReset, db, utcnow
from webapp import mail

from ..people import ZHANG_WEI, login, membership

ADDRESS = 'zhangwei@example.com'
NEW_PASSWORD = 'Xin2026mima'
SENT = '验证码已发送至该邮箱'


def _with_address(app: Flask, address: str = ADDRESS) -> None:
    with app.app_context():
        membership(ZHANG_WEI, 'learner').user.email = address
        db.session.commit()


def _ask(client, username=ZHANG_WEI, email=ADDRESS):
    return client.post('/password/forgot', data={'username': username, 'email': email}, follow_redirects=True)


def _reset(client, code, password=NEW_PASSWORD, username=ZHANG_WEI):
    return client.post('/password/reset', data={'username': username, 'code': code, 'new': password,
                                                'confirm': password})


def _mailed_code(app, mailbox) -> str:
    with app.app_context():
        assert mail.send_due() >= 1
    [message] = [m for m in mailbox.to(ADDRESS) if '找回密码' in m['Subject']]
    return re.search(r'验证码为：(\d{6})', mailbox.text(message)).group(1)


def test_the_login_error_offers_to_find_the_password(client):
    client.get('/captcha.png')
    page = client.post('/login', data={'username': ZHANG_WEI, 'password': 'wrong-one1', 'captcha': 'TEST'})
    assert page.status_code == 422
    assert 'id="forgot-hint"' in page.get_data(as_text=True) and '/password/forgot' in page.get_data(as_text=True)


def test_a_forgotten_password_is_reset_by_the_mailed_code_and_other_sessions_end(app, mailbox):
    app.config.update(mailbox.config())
    _with_address(app)
    elsewhere = login(app.test_client(), ZHANG_WEI)  # she is signed in on another device
    assert elsewhere.get('/claims/').status_code == 200
    client = app.test_client()
    page = _ask(client)
    assert SENT in page.get_data(as_text=True) and 'id="reset-form"' in page.get_data(as_text=True)
    code = _mailed_code(app, mailbox)
    with app.app_context():
        stored = db.session.scalar(select(PasswordReset).order_by(PasswordReset.id.desc()))
        assert stored.code_hash and code not in stored.code_hash  # kept hashed
    done = _reset(client, code)
    assert done.status_code == 302 and done.headers['Location'].endswith('/login')
    assert elsewhere.get('/claims/').status_code == 302  # the other session has ended
    login(app.test_client(), ZHANG_WEI, NEW_PASSWORD)
    again = _reset(client, code, 'Another2026x')  # once only
    assert again.status_code == 422 and '验证码错误或已失效' in again.get_data(as_text=True)


def test_the_answer_is_the_same_whether_or_not_the_account_exists(app, mailbox):
    app.config.update(mailbox.config())
    _with_address(app)
    answers = [_ask(app.test_client(), username, email).get_data(as_text=True)
               for username, email in ((ZHANG_WEI, 'someone@example.com'), ('no_such_account', ADDRESS))]
    assert all(SENT in answer for answer in answers)
    with app.app_context():
        assert db.session.scalar(select(func.count(MailOutbox.id))) == 0


def test_requests_are_rate_limited(app):
    _with_address(app)
    client = app.test_client()
    for username in (ZHANG_WEI, 'no_such_account'):
        for _n in range(app.config['RESET_REQUESTS_PER_ACCOUNT']):
            assert SENT in _ask(client, username).get_data(as_text=True)
        refused = client.post('/password/forgot', data={'username': username, 'email': ADDRESS})
        assert refused.status_code == 422 and '过于频繁' in refused.get_data(as_text=True)


def test_a_code_is_good_for_a_few_tries_and_a_short_while(app, mailbox):
    app.config.update(mailbox.config())
    _with_address(app)
    client = app.test_client()
    _ask(client)
    code = _mailed_code(app, mailbox)
    wrong = f'{(int(code) + 1) % 10 ** 6:06d}'
    for _n in range(app.config['RESET_CODE_TRIES']):
        assert _reset(client, wrong).status_code == 422
    assert _reset(client, code).status_code == 422  # too many wrong tries: even the right code no longer works
    _ask(client)
    code = _mailed_code_any(app, mailbox)  # a new request, a new code
    with app.app_context():
        latest = db.session.scalar(select(PasswordReset).order_by(PasswordReset.id.desc()))
        latest.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert _reset(client, code).status_code == 422
    login(app.test_client(), ZHANG_WEI)  # the password has not changed


def _mailed_code_any(app, mailbox) -> str:
    with app.app_context():
        mail.send_due()
    message = [m for m in mailbox.to(ADDRESS) if '找回密码' in m['Subject']][-1]
    return re.search(r'验证码为：(\d{6})', mailbox.text(message)).group(1)
