"""Login protection: a locally generated captcha, rate limits on failed logins, initial passwords and the password
policy. Attempts live in the database, so the limits hold across workers and hosts. Shared by the login (auth), the
public registration forms and the admins who create accounts or reset passwords (unit, profile)."""
import hashlib
import hmac
import io
import re
import secrets
from datetime import timedelta

from captcha.image import ImageCaptcha
from flask import after_this_request, current_app, request
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from models import LoginAttempt, UsedCaptcha, db, utcnow

from . import audit
from .i18n import N_

CAPTCHA_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ'  # no 0/O, 1/I: easy to read
CAPTCHA_LENGTH = 4
CAPTCHA_TTL = timedelta(minutes=10)
WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 30


def _digest(text: str) -> str:
    key = current_app.config['SECRET_KEY'].encode()
    return hmac.new(key, text.strip().upper().encode(), hashlib.sha256).hexdigest()


CAPTCHA_COOKIE = 'captcha'


def _captcha_signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config['SECRET_KEY'], salt='captcha')


def new_captcha() -> tuple[bytes, str]:
    """A fresh captcha image and a signed, timestamped digest of its text for the captcha cookie.

    The digest lives in a cookie of its own, not in the session: a request the browser sends at the same time
    (its favicon fetch, say) may write the session back as it was before the captcha, and the login would then
    fail for no reason the user can see."""
    test_answer = current_app.config.get('CAPTCHA_TEST_ANSWER') if current_app.testing else None
    text = test_answer or ''.join(secrets.choice(CAPTCHA_ALPHABET) for _ in range(CAPTCHA_LENGTH))
    out = io.BytesIO()
    ImageCaptcha(width=160, height=60).write(text, out, format='png')
    # The nonce makes each captcha one of its own, which check_captcha consumes in the database.
    return out.getvalue(), _captcha_signer().dumps([secrets.token_urlsafe(16), _digest(text)])


def check_captcha(answer: str) -> str | None:
    """None when right; otherwise why not (marked with N_: show it with _()). A captcha is good for one try only:
    its cookie goes with the answer, and its nonce is recorded as used (committed at once, whatever the request
    then does: call this before changing anything), so a copy of the cookie is refused on any worker or host."""
    token = request.cookies.get(CAPTCHA_COOKIE)

    @after_this_request
    def forget(response):
        response.delete_cookie(CAPTCHA_COOKIE, secure=current_app.config.get('SESSION_COOKIE_SECURE', False),
                               httponly=True, samesite='Lax')
        return response

    if not token:
        return N_('验证码已失效，请点击图片刷新后重新输入')
    try:
        nonce, digest = _captcha_signer().loads(token, max_age=int(CAPTCHA_TTL.total_seconds()))
    except SignatureExpired:
        return N_('验证码已过期，请点击图片刷新后重新输入')
    except (BadSignature, TypeError, ValueError):  # not ours, or a cookie of the kind without a nonce
        return N_('验证码已失效，请点击图片刷新后重新输入')
    if not (isinstance(nonce, str) and isinstance(digest, str) and _consume(nonce)):
        return N_('验证码已失效，请点击图片刷新后重新输入')
    if not hmac.compare_digest(digest, _digest(answer or '')):
        return N_('验证码错误')
    return None


def _consume(nonce: str) -> bool:
    """Record the captcha as used; False when it was already (two requests at once: the database's key decides)."""
    now = utcnow()
    db.session.execute(delete(UsedCaptcha).where(UsedCaptcha.expires_at < now))  # past their TTL anyway
    try:
        with db.session.begin_nested():
            db.session.add(UsedCaptcha(nonce=nonce[:32], expires_at=now + CAPTCHA_TTL))
    except IntegrityError:
        return False
    db.session.commit()  # used, even when the answer is wrong or the rest of the request fails
    return True


def locked_out(username: str, ip: str) -> bool:
    since = utcnow() - WINDOW
    failures = select(func.count(LoginAttempt.id)).where(LoginAttempt.success.is_(False), LoginAttempt.at >= since)
    # The owner's own successful login clears the failures before it (her typos of this morning); the ids say
    # which came after, even when two attempts share a timestamp.
    last_success = db.session.scalar(select(func.max(LoginAttempt.id)).where(
        LoginAttempt.username == username, LoginAttempt.success.is_(True), LoginAttempt.at >= since))
    by_account = db.session.scalar(failures.where(LoginAttempt.username == username,
                                                  LoginAttempt.id > (last_success or 0)))
    by_address = db.session.scalar(failures.where(LoginAttempt.ip == ip))
    return by_account >= MAX_FAILURES_PER_ACCOUNT or by_address >= MAX_FAILURES_PER_ADDRESS


def record_attempt(username: str, ip: str, success: bool) -> None:
    db.session.add(LoginAttempt(username=username[:50], ip=(ip or '')[:45], success=success))


def reset_to_default(user, actor) -> None:
    """Back to the initial password, to be changed at the next login; logged with who did it."""
    user.set_password(default_password(user.id_number))
    user.must_change_password = True
    audit.log('user', user.id, '重置密码', actor, f'{user.name}（{user.masked_id_number}）的密码已重置为初始密码')


def default_password(id_number: str) -> str:
    """Seed 004: the initial (and reset) password is the last six characters of the ID number."""
    return id_number[-6:]


def password_problem(password: str) -> str | None:
    """None when the password is good enough; otherwise why not (marked with N_: show it with _())."""
    if len(password) < 8:
        return N_('密码至少 8 位')
    if not (re.search(r'[A-Za-z]', password) and re.search(r'\d', password)):
        return N_('密码须同时包含字母和数字')
    return None
