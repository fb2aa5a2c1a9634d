"""Who is who in the demo data the tests start from, and acting as one of them: signing in, their membership, and a
test client that is one person."""
from flask import g, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import or_, select

from models import Membership, Organisation, User, db
from webapp.cli import DEMO_PASSWORD

# Demo accounts (see webapp/cli.py and README.md); every one has the password DEMO_PASSWORD.
ZHANG_WEI = '33010619850312001X'   # learner, 交工集团 · 工程部
LI_NA = '33010219900708002X'       # learner, 交工集团 · 设计院
WANG_QIANG = '330203198801010034'  # learner and unit admin, 宁波港航
CHEN_JING = '330105199202150045'   # learner, 杭州城建院 · 建筑所

__all__ = ['ActorClient', 'CHEN_JING', 'DEMO_PASSWORD', 'GUANGXI', 'LI_NA', 'WANG_QIANG', 'ZHANG_WEI', 'ZHEJIANG',
           'login', 'membership', 'province_id', 'zj']


class ActorClient(FlaskClient):
    """A test client that is one person: while a test holds an app context, every request shares its `g`, where
    Flask-Login caches the signed-in user and Flask-Babel the locale; forget them so that two clients (two people,
    or one who switched language) can take turns."""

    def open(self, *args, **kwargs):
        if has_app_context():
            for key in ('_login_user', 'membership', 'membership_key', '_flask_babel'):
                g.pop(key, None)
        return super().open(*args, **kwargs)


def login(client, username, password=DEMO_PASSWORD):
    client.get('/captcha.png')  # as the login page's image does: its cookie carries what the answer must be
    response = client.post('/login', data={'username': username, 'password': password, 'captcha': 'TEST'})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client


def membership(username, role=None) -> Membership:
    """The demo membership of an account (by account name or ID number), inside an app context."""
    user = db.session.scalar(select(User).where(or_(User.account_name == username, User.id_number == username)))
    return next(m for m in user.memberships if role is None or m.role == role)


ZHEJIANG = '浙江省专业技术人员继续教育学时办'   # the demo provinces (webapp/cli.py); each owns its process versions
GUANGXI = '广西壮族自治区专业技术人员继续教育学时办'


def province_id(name: str = ZHEJIANG) -> int:
    """The id of a demo province (inside an app context): 浙江 unless told."""
    return db.session.scalar(select(Organisation.id).where(Organisation.kind == 'province', Organisation.name == name))


zj = province_id  # the versions, tables and test cases most tests work with are 浙江's
