"""Faults as a user meets them (issue 12, 15–16): a request whose COMMIT fails (the connection lost, the server
restarting) shows no success message, saves nothing and says what happened; while the database is down every page
answers with the outage page — 503, in Chinese, asking to retry — rendered without the database."""
import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import OperationalError

from models import Claim, db

from ..apps import create_test_app, dispose, sqlite_url
from ..helpers import claim_form, submitted_claim
from ..people import ZHANG_WEI, login

OUTAGE = '数据库暂时不可用，请稍后重试'


def lost_connection() -> OperationalError:
    return OperationalError('COMMIT', {}, Exception('server closed the connection unexpectedly'))


def fail_the_next_commit(monkeypatch, error):
    """The request's final commit raises *error* once (the session rolls back, as after a real failed COMMIT)."""
    real_commit = db.session.commit

    def failing_commit():
        monkeypatch.setattr(db.session, 'commit', real_commit)
        db.session.rollback()
        raise error

    monkeypatch.setattr(db.session, 'commit', failing_commit)


def claims_of_zhang_wei() -> int:
    return db.session.scalar(select(func.count(Claim.id)).where(Claim.title == '失败提交的培训'))


@pytest.mark.app_config(PROPAGATE_EXCEPTIONS=False)  # the pages a user gets, not the exception
@pytest.mark.parametrize('error, status, shown', [(lost_connection(), 503, OUTAGE),
                                                  (RuntimeError('disk full'), 500, '系统错误')])
def test_a_failed_commit_shows_no_success_message_and_saves_nothing(app, monkeypatch, error, status, shown):
    client = login(app.test_client(), ZHANG_WEI)
    fail_the_next_commit(monkeypatch, error)
    response = client.post('/claims/new', data=claim_form(title='失败提交的培训'), follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == status and shown in page
    assert '已保存为待提交' not in page
    assert '已保存为待提交' not in client.get('/claims/').get_data(as_text=True)  # nor on the next page
    with app.app_context():
        assert claims_of_zhang_wei() == 0


@pytest.mark.app_config(PROPAGATE_EXCEPTIONS=False)
def test_an_approval_whose_commit_fails_does_not_say_it_was_approved(app, monkeypatch):
    """The issue's case: "已处理，当前状态：…" on the 500 page while nothing was saved."""
    with app.app_context():
        claim_id, item_id = submitted_claim(ZHANG_WEI)
    client = login(app.test_client(), 'jtjt_admin')
    fail_the_next_commit(monkeypatch, lost_connection())
    response = client.post(f'/claims/{claim_id}/review', data={'work_item_id': item_id, 'decision': 'approve'},
                           follow_redirects=True)
    assert response.status_code == 503 and response.headers['Retry-After'].isdigit()
    assert '已处理，当前状态' not in response.get_data(as_text=True)
    page = client.get(f'/claims/{claim_id}').get_data(as_text=True)
    assert '已处理，当前状态' not in page and '待初审' in page  # still waiting: the approval was not saved


@pytest.mark.app_config(PROPAGATE_EXCEPTIONS=False)
def test_messages_of_earlier_requests_survive_a_failed_request(app, monkeypatch):
    """Only what the failed request queued is taken back: a message another request queued still shows."""
    client = login(app.test_client(), ZHANG_WEI)
    with client.session_transaction() as session:
        session['_flashes'] = [('info', '之前的提示')]
    fail_the_next_commit(monkeypatch, lost_connection())
    client.post('/claims/new', data=claim_form(title='失败提交的培训'))
    page = client.get('/claims/').get_data(as_text=True)
    assert '之前的提示' in page and '已保存为待提交' not in page


@pytest.mark.committing  # the backend is really killed: its connection cannot be the test's shared one
@pytest.mark.app_config(PROPAGATE_EXCEPTIONS=False)
def test_a_backend_killed_at_commit_shows_the_outage_page_and_no_success(app, monkeypatch):
    """PostgreSQL terminates the request's backend just before its COMMIT (a restart, kill -9 of the backend)."""
    if app.config['SQLALCHEMY_DATABASE_URI'].startswith('sqlite'):
        pytest.skip('SQLite has no server to lose')
    client = login(app.test_client(), ZHANG_WEI)
    real_commit = db.session.commit
    killer = create_engine(app.config['SQLALCHEMY_DATABASE_URI'], isolation_level='AUTOCOMMIT')

    def commit_after_the_backend_died():
        monkeypatch.setattr(db.session, 'commit', real_commit)
        backend = db.session.scalar(text('SELECT pg_backend_pid()'))
        with killer.connect() as conn:
            conn.execute(text('SELECT pg_terminate_backend(:pid)'), {'pid': backend})
        real_commit()

    monkeypatch.setattr(db.session, 'commit', commit_after_the_backend_died)
    response = client.post('/claims/new', data=claim_form(title='失败提交的培训'), follow_redirects=True)
    killer.dispose()
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and OUTAGE in page and '已保存为待提交' not in page
    page = client.get('/claims/').get_data(as_text=True)  # the next request reconnects
    assert '失败提交的培训' not in page and '已保存为待提交' not in page
    with app.app_context():
        assert claims_of_zhang_wei() == 0


def test_the_transaction_keeps_its_conflict_page(app, client, monkeypatch):
    """A unique key refused at COMMIT still answers 409 (tests/functional/test_transaction.py), without the
    message queued before it."""
    from models import Membership
    from webapp.unit import operations as unit_ops
    real_add = unit_ops.add_department

    def racing_add(m, name):
        department = real_add(m, name)
        db.session.add(Membership(user_id=m.user_id, role=m.role, org_id=m.org_id))
        return department

    monkeypatch.setattr(unit_ops, 'add_department', racing_add)
    login(client, 'jtjt_admin')
    response = client.post('/unit/departments', data={'action': 'add', 'name': '质检部'}, follow_redirects=True)
    assert response.status_code == 409 and '已新增部门' not in response.get_data(as_text=True)


DEAD = {'postgresql': 'postgresql+psycopg://postgres:postgres@127.0.0.1:1/creditflow',  # nothing listens there
        'sqlite': None}


@pytest.fixture(params=['sqlite', 'postgresql'])
def database_down(request, tmp_path):
    """An app whose database cannot be reached (as while PostgreSQL restarts), in production mode."""
    url = DEAD[request.param] or sqlite_url(tmp_path / 'no-such-directory' / 'creditflow.db')
    app = create_test_app(url, PROPAGATE_EXCEPTIONS=False)
    yield app
    dispose(app)


@pytest.mark.parametrize('method, path', [('GET', '/claims/'), ('GET', '/inbox/'), ('POST', '/claims/new'),
                                          ('GET', '/claims/1'),
                                          ('GET', '/no-such-page')])  # the 404 page, too, shows who is signed in
def test_the_outage_page_renders_with_the_database_down(database_down, method, path):
    client = database_down.test_client()
    with client.session_transaction() as session:  # a signed-in learner: her user is loaded from the database
        session.update({'_user_id': '7:0', '_fresh': True})  # User.get_id: id and session epoch
    response = client.open(path, method=method, data=claim_form() if method == 'POST' else None)
    page = response.get_data(as_text=True)
    assert response.status_code == 503, page[:300]
    assert response.headers['Retry-After'] == '5'
    assert OUTAGE in page and '请稍等片刻后重试' in page and 'Internal Server Error' not in page
    assert (f'href="{path}"' in page) == (method == 'GET')  # 重试 (the same page) when that is safe


def test_an_anonymous_visitor_gets_the_outage_page_too(database_down):
    client = database_down.test_client()
    response = client.post('/login', data={'username': ZHANG_WEI, 'password': 'x', 'captcha': 'TEST'})
    assert response.status_code == 503 and OUTAGE in response.get_data(as_text=True)
