"""Telling people what happened: an in-app notification (通知, counted unread in the navigation) and, when the account
has an e-mail address and the person has not turned e-mail off, the same by mail — written to the outbox in the
transaction of the decision, sent later by `flask worker` (webapp/mail.py).

The texts are data: stored in Chinese as written, once for readers of any language (the worker writes some of them
outside any request).
"""
from flask import current_app
from sqlalchemy import insert, select

from models import Notification, User, db, utcnow

from . import mail

SIGNATURE = ('\n\n——学时通（专业技术人员继续教育学时管理）\n'  # i18n: data — the mail, in Chinese
             '如不想再收到邮件通知，请登录后在“个人信息”页关闭“邮件通知”。\n')


SUBJECT_PREFIX = '学时通：'  # i18n: data — the mail, in Chinese
NOTIFICATIONS_PATH = '/notifications/'  # the 通知 page: where a mail about a notification without a page leads


def page(endpoint: str, **values) -> str:
    """The path of a page of this site, also outside a request (the worker): '/claims/12'."""
    return current_app.url_map.bind('localhost').build(endpoint, values)


def mail_body(name: str, text: str, url: str | None) -> str:
    link = f'\n\n查看详情：{current_app.config["PUBLIC_URL"]}{url or NOTIFICATIONS_PATH}'  # i18n: data — the mail
    return f'{name}，您好：\n\n{text}{link}{SIGNATURE}'  # i18n: data — the mail


def notify(user_ids, text: str, *, url: str | None = None, work_item_id: int | None = None,
           subject: str | None = None, event_key: str | None = None) -> None:
    """Notify each person of *user_ids* (duplicates once) with *text*; *url* (a path of this site) is where the
    notification leads, *subject* the mail's subject line (else the text's start). One query for the people, one
    insert for the notifications, one for the mails."""
    ids = sorted({i for i in user_ids if i is not None})
    if not ids:
        return
    text = text[:500]
    with db.session.no_autoflush:
        people = db.session.execute(select(User.id, User.name, User.email, User.email_notifications)
                                    .where(User.id.in_(ids), User.is_enabled.is_(True))).all()
        now = utcnow()
        db.session.execute(insert(Notification), [
            {'user_id': p.id, 'text': text, 'url': url, 'work_item_id': work_item_id, 'created_at': now,
             'event_key': event_key} for p in people])
        mail.queue_many([{'to_address': p.email.strip(), 'user_id': p.id,
                          'subject': SUBJECT_PREFIX + (subject or text[:60]),
                          'body': mail_body(p.name, text, url)}
                         for p in people if p.email and p.email.strip() and p.email_notifications])
