"""E-mail: an outbox written in the transaction of whatever it tells about, sent by `flask worker` — never inside a
request — through the SMTP server the settings name (MAIL_SERVER, MAIL_PORT, MAIL_USE_TLS/MAIL_USE_SSL,
MAIL_USERNAME, MAIL_PASSWORD, MAIL_SENDER).

One send per mail, however many workers run: a worker takes a mail by turning it from `pending` to `sending` (with
a lease) in a statement of its own that only one worker's can match — the row is picked `FOR UPDATE SKIP LOCKED` on
PostgreSQL, so the others go on to the next mail, and on SQLite the second writer's update finds it taken — commits
that, sends it, then marks it `sent`. A failed send goes back to `pending` after a backoff (1, 2, 4 … minutes) and is
given up (`failed`) after MAIL_MAX_ATTEMPTS; a worker that died while sending leaves its mail to be taken again
when the lease runs out (the one case where a mail can go twice: it cannot be known whether the server got it).

A one-time code (找回密码) reaches its person through a `CodeChannel`; e-mail is the one there is (EmailChannel): an
SMS channel would be another implementation of the same two methods (see README, 找回密码).
"""
import logging
import smtplib
import ssl
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app
from sqlalchemy import and_, or_, select, update

from models import MailOutbox, User, db, utcnow
from models.workflow import MAIL_FAILED, MAIL_PENDING, MAIL_SENDING, MAIL_SENT

from . import timers

log = logging.getLogger('creditflow.mail')

LEASE = timedelta(minutes=5)  # a sending worker that has not finished by then is taken to be dead


def queue(to_address: str, subject: str, body: str, user_id: int | None = None) -> None:
    """Put a mail in the outbox (sent by `flask worker` once the caller's transaction commits)."""
    db.session.add(MailOutbox(to_address=to_address.strip()[:254], subject=subject[:200], body=body,
                              user_id=user_id, status=MAIL_PENDING, attempts=0, next_attempt_at=utcnow()))


def queue_many(rows: list[dict]) -> None:
    """`queue` for many mails at once: dicts of to_address, subject, body, user_id; one insert."""
    if rows:
        now = utcnow()
        db.session.execute(MailOutbox.__table__.insert(), [
            {**row, 'status': MAIL_PENDING, 'attempts': 0, 'next_attempt_at': now, 'created_at': now}
            for row in rows])


def smtp_send(to_address: str, subject: str, body: str, message_id: str | None = None) -> None:
    """Hand one plain-text mail to the configured SMTP server (raises on any failure)."""
    cfg = current_app.config
    message = EmailMessage()
    message['From'] = cfg['MAIL_SENDER']
    message['To'] = to_address
    message['Subject'] = subject
    message['Date'] = formatdate(localtime=True)
    message['Message-ID'] = message_id or make_msgid(domain='creditflow')
    message.set_content(body)
    smtp_class = smtplib.SMTP_SSL if cfg['MAIL_USE_SSL'] else smtplib.SMTP
    with smtp_class(cfg['MAIL_SERVER'], cfg['MAIL_PORT'], timeout=cfg['MAIL_TIMEOUT']) as smtp:
        if cfg['MAIL_USE_TLS'] and not cfg['MAIL_USE_SSL']:
            smtp.starttls(context=ssl.create_default_context())
        if cfg['MAIL_USERNAME']:
            smtp.login(cfg['MAIL_USERNAME'], cfg['MAIL_PASSWORD'] or '')
        smtp.send_message(message)


def _due(now: datetime):
    return or_(and_(MailOutbox.status == MAIL_PENDING, MailOutbox.next_attempt_at <= now),
               and_(MailOutbox.status == MAIL_SENDING, MailOutbox.lease_until < now))


def _take(now: datetime) -> tuple[int, int, str, str, str] | None:
    """The next due mail, taken for this worker and committed as such: (id, attempts, to, subject, body); None when
    nothing is due. No transaction stays open after it: the SMTP conversation holds no lock (on SQLite a worker's
    transaction holds the write lock)."""
    while True:
        mail_id = db.session.scalar(select(MailOutbox.id).where(_due(now))
                                    .order_by(MailOutbox.next_attempt_at, MailOutbox.id)
                                    .limit(1).with_for_update(skip_locked=True))
        if mail_id is None:
            db.session.rollback()
            return None
        taken = db.session.execute(update(MailOutbox).where(MailOutbox.id == mail_id, _due(now)).values(
            status=MAIL_SENDING, lease_until=now + LEASE, attempts=MailOutbox.attempts + 1)
            .execution_options(synchronize_session=False))
        if taken.rowcount == 1:
            row = db.session.execute(select(MailOutbox.id, MailOutbox.attempts, MailOutbox.to_address,
                                            MailOutbox.subject, MailOutbox.body)
                                     .where(MailOutbox.id == mail_id)).one()
            db.session.commit()
            return tuple(row)
        db.session.rollback()  # another worker took it between our look and our update: the next one


def send_next(now: datetime | None = None) -> bool | None:
    """Send the next due mail. None: nothing due; True: sent; False: failed (retried later, or given up)."""
    now = now or utcnow()
    taken = _take(now)
    if taken is None:
        return None
    mail_id, attempts, to_address, subject, body = taken
    try:
        smtp_send(to_address, subject, body, make_msgid(idstring=f'outbox{mail_id}', domain='creditflow'))
    except Exception as exc:  # the server down, refusing, timing out: this mail waits, the others go on
        log.warning('mail %s to %s failed (attempt %s): %s', mail_id, to_address, attempts, exc)
        given_up = attempts >= current_app.config['MAIL_MAX_ATTEMPTS']
        db.session.execute(update(MailOutbox).where(MailOutbox.id == mail_id).values(
            status=MAIL_FAILED if given_up else MAIL_PENDING, lease_until=None,
            next_attempt_at=utcnow() + timers.backoff(attempts), error=f'{type(exc).__name__}: {exc}'[:1000])
            .execution_options(synchronize_session=False))
        db.session.commit()
        return False
    db.session.execute(update(MailOutbox).where(MailOutbox.id == mail_id).values(
        status=MAIL_SENT, sent_at=utcnow(), lease_until=None, error=None)
        .execution_options(synchronize_session=False))
    db.session.commit()
    return True


def send_due(limit: int = 100) -> int:
    """The worker's mail job: send what is due (at most *limit*); how many were tried. Nothing without MAIL_SERVER."""
    if not current_app.config.get('MAIL_SERVER'):
        return 0
    tried = 0
    now = utcnow()
    while tried < limit and send_next(now) is not None:
        tried += 1
    return tried


timers.register_background(send_due)


class CodeChannel:
    """How a one-time code reaches a person (找回密码). `reaches(user, contact)`: whether *contact* (what she typed)
    is this channel's address of hers; `deliver(user, code, minutes)`: queue the code to it (never sent inside the
    request). Another channel (SMS to User.phone) implements the same two methods."""
    name = ''

    def reaches(self, user: User, contact: str) -> bool:
        raise NotImplementedError

    def deliver(self, user: User, code: str, minutes: int) -> None:
        raise NotImplementedError


class EmailChannel(CodeChannel):
    name = 'email'

    def reaches(self, user: User, contact: str) -> bool:
        return bool(user.email) and user.email.strip().lower() == (contact or '').strip().lower()

    def deliver(self, user: User, code: str, minutes: int) -> None:
        queue(user.email, '学时通：找回密码验证码', RESET_BODY.format(  # i18n: data — the mail, written once
            name=user.name, code=code, minutes=minutes), user_id=user.id)


RESET_BODY = ('{name}，您好：\n\n您正在找回学时通的登录密码，验证码为：{code}\n\n'  # i18n: data — the mail, in Chinese
              '验证码 {minutes} 分钟内有效，只能使用一次。如非本人操作，请忽略本邮件，您的密码不会改变。\n\n——学时通\n')

CHANNELS: dict[str, CodeChannel] = {EmailChannel.name: EmailChannel()}
