"""What an English reader sees of registration, departments and admins, the province's windows, the profile, login
and notifications: refusals, flashes and labels in English; Chinese stays the default. Stored values (unit types,
notification texts) are data: kept as written; a select shows the unit types translated.

Each request runs in its own app context here (the `app` fixture, not `ctx`), as in production: Flask-Babel keeps
the translations it chose in the app context, so requests sharing one would keep the first request's language."""
from datetime import date, timedelta

from sqlalchemy import select

from models import Notification, RegistrationWindow, db
from webapp.dates import today

from ..people import LI_NA, WANG_QIANG, ZHANG_WEI, login, membership
from .test_registration_pages import learner_data, post, unit_data


def english(client):
    client.get('/lang/en')
    return client


def in_app(app, function):
    with app.app_context():
        return function()


def test_registration_refusals_labels_and_search_in_english(app):
    client = english(app.test_client())
    response = post(client, '/register/learner', in_app(app, lambda: learner_data(phone='12812345678')))
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'The phone number is not valid' in page
    assert '电话号码格式不正确' not in page
    response = post(client, '/register/unit', in_app(app, lambda: unit_data(nature='')))
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'Choose the unit type' in page and '请选择单位性质' not in page
    assert '>State-owned enterprise</option>' in page and 'value="国有企业"' in page  # stored as data, shown in English
    items = client.get('/orgs/search?purpose=parent&q=浙江省').get_json()['items']
    assert items and {o['kind'] for o in items} <= {'Provincial', 'Supervising department', 'Employer'}

    client.get('/lang/zh_CN')
    response = post(client, '/register/learner', in_app(app, lambda: learner_data(phone='12812345678')))
    assert '电话号码格式不正确' in response.get_data(as_text=True)
    assert '>国有企业</option>' in client.get('/register/unit').get_data(as_text=True)


def test_department_refusals_and_password_reset_in_english(app):
    client = english(login(app.test_client(), 'jtjt_admin'))
    page = client.post('/unit/departments', data={'action': 'add', 'name': '工程部'},
                       follow_redirects=True).get_data(as_text=True)
    assert 'Department “工程部” already exists' in page and '已存在' not in page
    engineering = in_app(app, lambda: next(d.id for d in membership('jtjt_admin').org.departments if d.name == '工程部'))
    page = client.post('/unit/departments', data={'action': 'delete', 'department_id': engineering},
                       follow_redirects=True).get_data(as_text=True)
    assert 'Department “工程部” still has 2 staff or admins' in page
    li = in_app(app, lambda: membership(LI_NA, 'learner').id)
    page = client.post(f'/unit/staff/{li}/reset-password', follow_redirects=True).get_data(as_text=True)
    assert '李娜&#39;s password was reset to the initial password' in page and '已将' not in page

    client.get('/lang/zh_CN')
    page = client.post('/unit/departments', data={'action': 'add', 'name': '工程部'},
                       follow_redirects=True).get_data(as_text=True)
    assert '部门“工程部”已存在' in page


def test_a_unit_admin_is_refused_a_reset_in_english(app):
    client = login(app.test_client(), WANG_QIANG)  # learner and unit admin of 宁波港航: not his unit's alone
    admin, learner = in_app(app, lambda: (membership(WANG_QIANG, 'unit_admin').id,
                                          membership(WANG_QIANG, 'learner').id))
    client.post('/switch-role', data={'membership_id': admin})
    page = english(client).post(f'/unit/staff/{learner}/reset-password', follow_redirects=True).get_data(as_text=True)
    assert 'This account also holds roles in other units or admin roles' in page
    assert '该账号还有其他单位或管理员角色' not in page


def test_province_window_saved_in_english(app):
    client = english(login(app.test_client(), 'shengji'))
    year = date.today().year
    form = {'year': year, 'opens_on': f'{year}-01-01', 'closes_on': f'{year}-12-31'}
    page = client.post('/province/window', data=form, follow_redirects=True).get_data(as_text=True)
    assert 'Registration window saved' in page and '登记开放日期已保存' not in page
    assert in_app(app, lambda: db.session.scalar(select(RegistrationWindow.closes_on))) == date(year, 12, 31)
    client.get('/lang/zh_CN')
    form['closes_on'] = f'{year}-12-30'
    page = client.post('/province/window', data=form, follow_redirects=True).get_data(as_text=True)
    assert '登记开放日期已保存' in page


def test_profile_refusals_in_english(app):
    client = english(login(app.test_client(), ZHANG_WEI))
    response = client.post('/profile/', data={'what': 'basic', 'basic-phone': '123', 'basic-email': ''})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'The mobile phone number is not valid' in page
    assert '手机号格式不正确' not in page
    tomorrow = (today() + timedelta(days=1)).isoformat()  # a plausible year (2999 is refused as such by the form)
    response = client.post('/profile/', data={'what': 'title', 'title-title': '工程师', 'title-title_date': tomorrow})
    assert 'The date obtained cannot be later than today' in response.get_data(as_text=True)
    client.get('/lang/zh_CN')
    response = client.post('/profile/', data={'what': 'basic', 'basic-phone': '123', 'basic-email': ''})
    assert '手机号格式不正确' in response.get_data(as_text=True)


def test_login_refusal_in_english(app):
    client = english(app.test_client())
    client.get('/captcha.png')
    response = client.post('/login', data={'username': ZHANG_WEI, 'password': 'wrong-one1', 'captcha': 'TEST'})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'Wrong account or password' in page and '账号或密码错误' not in page


def test_a_stored_notification_reads_as_written_in_english(app):
    """Notification texts are written once, by the worker, for readers of any language: data, shown as stored."""
    def add():
        db.session.add(Notification(user_id=membership(ZHANG_WEI).user_id, text='“单位初审”已等待 3 天，请尽快处理'))
        db.session.commit()
    in_app(app, add)
    page = english(login(app.test_client(), ZHANG_WEI)).get('/notifications/').get_data(as_text=True)
    assert 'Notifications' in page and '“单位初审”已等待 3 天，请尽快处理' in page
