"""Notifications (issue 15): what a person must know reaches her in the app and, when her account has an e-mail
address, by mail — written to the outbox with the decision and sent by `flask worker` through a real SMTP server
(an in-process aiosmtpd), once, even with two workers."""
import os
import secrets
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from models import Claim, MailOutbox, Notification, Organisation, RegistrationWindow, User, WorkItem, db, utcnow
from models.workflow import MAIL_FAILED, MAIL_PENDING, MAIL_SENT
from webapp import mail
from webapp.claims import operations as ops
from webapp.dates import today
from webapp.notifications.reminders import deadline_notices, todo_digest
from webapp.profile import operations as profile
from webapp.transfers import operations as transfers

from ..apps import make_app
from ..helpers import claim_input, submitted_claim
from ..people import LI_NA, WANG_QIANG, ZHANG_WEI, login, membership
from ..smtp import free_port

ROOT = Path(__file__).resolve().parents[2]
ADDRESS = 'zhangwei@example.com'
REASON = '培训证明不清晰，无法辨认培训机构公章'


def _with_address(learner_key: str, address: str | None = ADDRESS, on: bool = True) -> User:
    user = membership(learner_key, 'learner').user
    user.email, user.email_notifications = address, on
    db.session.commit()
    return user


def _reject(item_id: int, reason: str = REASON) -> None:
    ops.review(membership('jtjt_admin', 'unit_admin'), item_id, 'reject', None, reason)
    db.session.commit()


def _outbox(address: str) -> list[MailOutbox]:
    return db.session.scalars(select(MailOutbox).where(MailOutbox.to_address == address)).all()


def test_a_rejection_is_a_notification_with_the_reason_and_one_mail(app, client, mailbox):
    app.config.update(mailbox.config())
    with app.app_context():
        user = _with_address(ZHANG_WEI)
        claim_id, item_id = submitted_claim(ZHANG_WEI, title='公路养护培训')
        assert not _outbox(ADDRESS)  # submitting tells her nothing by mail
        _reject(item_id)
        note = db.session.scalar(select(Notification).where(Notification.user_id == user.id)
                                 .order_by(Notification.id.desc()))
        assert '公路养护培训' in note.text and REASON in note.text and note.read_at is None
        note_id = note.id
        assert len(_outbox(ADDRESS)) == 1 and not mailbox.messages  # queued with the decision, not sent by it
        assert mail.send_due() == 1 and mail.send_due() == 0
        [message] = mailbox.to(ADDRESS)
        assert '未通过' in message['Subject']
        body = mailbox.text(message)
        assert REASON in body and f'/claims/{claim_id}' in body
        assert _outbox(ADDRESS)[0].status == MAIL_SENT
    login(client, ZHANG_WEI)
    page = client.get('/notifications/').get_data(as_text=True)
    assert REASON in page and 'id="unread-count"' in page
    opened = client.post(f'/notifications/{note_id}')
    assert opened.status_code == 302 and opened.headers['Location'].endswith(f'/claims/{claim_id}')


def test_approval_and_return_reach_the_learner(app):
    with app.app_context():
        user = _with_address(ZHANG_WEI)
        _claim_id, item_id = submitted_claim(ZHANG_WEI, title='返回测试')
        ops.review(membership('jtjt_admin', 'unit_admin'), item_id, 'return', None, '请补充培训通知')
        db.session.commit()
        texts = db.session.scalars(select(Notification.text).where(Notification.user_id == user.id)).all()
        assert any('退回修改' in t and '请补充培训通知' in t for t in texts)
        assert len(_outbox(ADDRESS)) == 1


def test_a_refused_transfer_and_title_change_are_told_with_the_reason(app):
    with app.app_context():
        hz = db.session.scalar(select(Organisation.id).where(Organisation.name == '杭州市城建设计研究院'))
        t = transfers.request_transfer(membership(WANG_QIANG, 'learner'), hz, '工作调动')
        transfers.decide(membership(WANG_QIANG, 'unit_admin'), transfers.open_item(t).id, 'reject', '项目未结束')
        li_na = membership(LI_NA, 'learner')
        change = profile.request_title_change(li_na, '高级工程师', date(today().year - 1, 6, 1))
        item = db.session.scalar(select(WorkItem.id).where(WorkItem.subject_type == 'title_change',
                                                           WorkItem.subject_id == change.id))
        profile.review_title_change(membership('jtjt_admin'), item, 'reject', '证书未上传')
        db.session.commit()
        for who, words in ((membership(WANG_QIANG, 'learner').user_id, ('未获同意', '项目未结束')),
                           (li_na.user_id, ('高级工程师', '证书未上传'))):
            texts = db.session.scalars(select(Notification.text).where(Notification.user_id == who)).all()
            assert any(all(w in t for w in words) for t in texts), texts


def test_no_mail_without_an_address_or_with_mail_turned_off(app):
    with app.app_context():
        _with_address(ZHANG_WEI, None)
        _with_address(LI_NA, 'lina@example.com', on=False)
        for key in (ZHANG_WEI, LI_NA):
            _claim_id, item_id = submitted_claim(key)
            _reject(item_id)
        assert db.session.scalar(select(func.count(MailOutbox.id))) == 0
        people = [membership(k, 'learner').user_id for k in (ZHANG_WEI, LI_NA)]
        assert db.session.scalar(select(func.count(Notification.id)).where(Notification.user_id.in_(people))) == 2


def test_the_profile_turns_mail_off(app, client):
    login(client, ZHANG_WEI)
    page = client.get('/profile/').get_data(as_text=True)
    assert 'id="email-notifications"' in page and 'checked' in page
    response = client.post('/profile/', data={'what': 'basic', 'basic-phone': '',
                                              'basic-email': ADDRESS})
    assert response.status_code == 302
    with app.app_context():
        user = membership(ZHANG_WEI, 'learner').user
        assert user.email == ADDRESS and user.email_notifications is False


def test_a_mail_the_server_refuses_is_retried_with_backoff(app, mailbox):
    down = {**mailbox.config(), 'MAIL_PORT': free_port()}  # nothing listens there
    app.config.update(down)
    with app.app_context():
        _with_address(ZHANG_WEI)
        _claim_id, item_id = submitted_claim(ZHANG_WEI)
        _reject(item_id)
        assert mail.send_due() == 1
        [queued] = _outbox(ADDRESS)
        db.session.refresh(queued)
        assert queued.status == MAIL_PENDING and queued.attempts == 1 and queued.error
        assert queued.next_attempt_at > utcnow()
        assert mail.send_due() == 0  # not before its time
        app.config.update(mailbox.config())  # the server is back
        assert mail.send_next(queued.next_attempt_at + timedelta(seconds=1)) is True
        db.session.refresh(queued)
        assert queued.status == MAIL_SENT and len(mailbox.to(ADDRESS)) == 1
        app.config.update(down, MAIL_MAX_ATTEMPTS=1)
        _claim_id, item_id = submitted_claim(ZHANG_WEI, title='第二条')
        _reject(item_id)
        assert mail.send_due() == 1
        assert {m.status for m in _outbox(ADDRESS)} == {MAIL_SENT, MAIL_FAILED}


def test_a_deadline_drawing_near_is_told_once(app):
    with app.app_context():
        user = _with_address(ZHANG_WEI)
        ops.create_claim(membership(ZHANG_WEI, 'learner'), claim_input(title='未提交的草稿'))
        window = db.session.scalar(select(RegistrationWindow).where(
            RegistrationWindow.province_id == membership(ZHANG_WEI, 'learner').org.province.id))
        window.opens_on, window.closes_on = today() - timedelta(days=10), today() + timedelta(days=2)
        db.session.commit()
        assert deadline_notices() >= 1
        assert deadline_notices() == 0
        notes = db.session.scalars(select(Notification).where(Notification.user_id == user.id,
                                                              Notification.event_key.is_not(None))).all()
        assert len(notes) == 1 and window.closes_on.isoformat() in notes[0].text
        assert len(_outbox(ADDRESS)) == 1


def test_admins_hear_of_their_waiting_tasks_once_a_day(app):
    app.config['TODO_DIGEST_HOUR'] = 0
    with app.app_context():
        for key in (ZHANG_WEI, ZHANG_WEI, LI_NA):  # 张伟: 工程部 (its secondary admin too); 李娜: 设计院
            submitted_claim(key)
        assert todo_digest() >= 2
        assert todo_digest() == 0  # once a day

        def told(account):
            user_id = membership(account).user_id
            return db.session.scalars(select(Notification.text).where(Notification.user_id == user_id)).all()
        assert told('jtjt_admin') == ['您有 3 件待办事项等待处理，请到“待我处理”查看']
        assert told('jtjt_gcb') == ['您有 2 件待办事项等待处理，请到“待我处理”查看']
        assert told('hzcj_admin') == []


@pytest.mark.committing  # the workers are other processes
def test_a_rejection_sends_one_mail_with_the_reason_even_with_two_workers(db_url, tmp_path, mailbox):
    app = make_app(db_url, tmp_path)
    with app.app_context():
        _with_address(ZHANG_WEI)
        claims = [submitted_claim(ZHANG_WEI, title=f'两个工人 {n}') for n in range(5)]
        for _claim_id, item_id in claims:
            _reject(item_id, f'{REASON}（{_claim_id}）')
    env = {**os.environ, 'DATABASE_URL': db_url, 'FLASK_APP': 'webapp', 'SECRET_KEY': secrets.token_hex(32),
           'MAIL_SERVER': '127.0.0.1', 'MAIL_PORT': str(mailbox.port), 'MAIL_SENDER': 'xueshi@example.com'}
    workers = [subprocess.Popen([sys.executable, '-m', 'flask', 'worker', '--once'], cwd=ROOT, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for _ in range(2)]
    outputs = [w.communicate(timeout=120)[0] for w in workers]
    assert all(w.returncode == 0 for w in workers), outputs
    arrived = mailbox.to(ADDRESS)
    assert sorted(m['Subject'] for m in arrived) == ['学时通：学时登记未通过'] * len(claims), outputs
    for claim_id, _item_id in claims:
        [one] = [m for m in arrived if f'（{claim_id}）' in mailbox.text(m)]
        assert REASON in mailbox.text(one)
    with app.app_context():
        assert {m.status for m in _outbox(ADDRESS)} == {MAIL_SENT}
        assert db.session.scalar(select(func.count(Claim.id)).where(Claim.outcome == 'rejected')) == len(claims)
        db.session.remove()
        db.engine.dispose()
