"""找回密码 (seed 004: "通过注册时的邮箱或手机号重置登录密码"): a one-time code to the address registered with the
account, then a new password with it. Flushes, never commits (the view commits a wrong code's count on its own).

- The answer to a request is the same whether or not the account exists and the address is hers; every request is
  kept (PasswordReset), so the rate limit (per account name and per network address, per hour) counts them alike.
- The code: six digits, stored only as an HMAC under the app's secret key; good for RESET_CODE_LIFETIME, for
  RESET_CODE_TRIES wrong tries, and once. A newer request replaces the older codes.
- Used, it sets the new password, which ends every session of the account (User.session_epoch).
- It reaches the person through a channel (mail.CodeChannel): e-mail today; SMS would be a second channel.
"""
import hashlib
import hmac
import re
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, or_, select, update

from models import PasswordReset, User, db, utcnow

from .. import audit, mail, security
from ..i18n import _l
from ..refusals import Refused

WINDOW = timedelta(hours=1)


class ResetRefused(Refused):
    """Refused; nothing changed (but a wrong code's try, see WrongCode)."""


class WrongCode(ResetRefused):
    """The code does not match: the try counts (`reset_id`), committed by the caller after the rollback."""

    def __init__(self, message, reset_id: int | None):
        super().__init__(message, 'code')
        self.reset_id = reset_id


def _digest(reset_name: str, code: str) -> str:
    key = current_app.config['SECRET_KEY'].encode()
    return hmac.new(key, f'{reset_name}\n{code.strip()}'.encode(), hashlib.sha256).hexdigest()


ID_NUMBER = re.compile(r'[0-9]{17}[0-9xX]')


def login_key(login_name: str) -> str:
    """The account name as typed, an ID number with its check letter in capitals (as accounts keep it)."""
    name = login_name.strip()[:50]
    return name.upper() if ID_NUMBER.fullmatch(name) else name


def _account(login_name: str) -> User | None:
    return db.session.scalar(select(User).where(or_(User.id_number == login_name.upper(),
                                                    User.account_name == login_name)))


def request_code(login_name: str, contact: str, ip: str, channel: str = 'email') -> None:
    """Send a code when *login_name* is an enabled account and *contact* its address on *channel*; say nothing
    either way. Refused only when too many requests came for this account name or from this address."""
    cfg = current_app.config
    name, ip, now = login_key(login_name), (ip or '')[:45], utcnow()
    recent = select(func.count(PasswordReset.id)).where(PasswordReset.created_at >= now - WINDOW)
    if (db.session.scalar(recent.where(PasswordReset.login_name == name)) >= cfg['RESET_REQUESTS_PER_ACCOUNT']
            or db.session.scalar(recent.where(PasswordReset.ip == ip)) >= cfg['RESET_REQUESTS_PER_ADDRESS']):
        raise ResetRefused(_l('获取验证码过于频繁，请 1 小时后再试'))
    reset = PasswordReset(login_name=name, ip=ip, created_at=now, expires_at=now + cfg['RESET_CODE_LIFETIME'],
                          tries=0)
    user = _account(name)
    sender = mail.CHANNELS[channel]
    if user is not None and user.is_enabled and sender.reaches(user, contact):
        db.session.execute(update(PasswordReset).where(PasswordReset.user_id == user.id,
                                                       PasswordReset.used_at.is_(None)).values(used_at=now))
        code = f'{secrets.randbelow(10 ** 6):06d}'
        reset.user_id, reset.code_hash = user.id, _digest(name, code)
        sender.deliver(user, code, int(cfg['RESET_CODE_LIFETIME'].total_seconds() // 60))
        audit.log('user', user.id, '找回密码', None, '验证码已发送至注册邮箱')
    db.session.add(reset)
    db.session.flush()


def reset_password(login_name: str, code: str, new_password: str) -> User:
    """The account's password becomes *new_password* when *code* is its latest code, unused, in time and within its
    tries; every session of the account ends."""
    name, now = login_key(login_name), utcnow()
    reset = db.session.scalar(select(PasswordReset).where(
        PasswordReset.login_name == name, PasswordReset.user_id.is_not(None), PasswordReset.used_at.is_(None))
        .order_by(PasswordReset.id.desc()).limit(1).with_for_update())
    wrong = _l('验证码错误或已失效，请重新获取')
    if reset is None or reset.expires_at < now or reset.tries >= current_app.config['RESET_CODE_TRIES']:
        raise WrongCode(wrong, None)
    if not hmac.compare_digest(reset.code_hash or '', _digest(name, code)):
        raise WrongCode(wrong, reset.id)
    user = db.session.get(User, reset.user_id)
    if not user.is_enabled:
        raise WrongCode(wrong, None)
    problem = security.password_problem(new_password)
    if problem:
        raise ResetRefused(_l(problem), 'new')
    if user.id_number and new_password == security.default_password(user.id_number):
        raise ResetRefused(_l('新密码不能与初始密码相同'), 'new')
    user.set_password(new_password)  # ends every session of the account
    user.must_change_password = False
    reset.used_at = now
    audit.log('user', user.id, '找回密码', None, '已通过邮箱验证码重置密码，此前的登录均已退出')
    return user


def count_wrong_try(reset_id: int) -> None:
    """A wrong code counts against its request (after the refused request was rolled back)."""
    db.session.execute(update(PasswordReset).where(PasswordReset.id == reset_id)
                       .values(tries=PasswordReset.tries + 1))
