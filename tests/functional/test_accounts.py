"""Login protection and passwords: captcha, rate limit, initial password and forced change, reset by the unit."""
import io
from datetime import datetime, timedelta, timezone

import pytest
import time_machine
from PIL import Image
from sqlalchemy import func, select

from models import FlowLog, LoginAttempt, User, db

from ..people import DEMO_PASSWORD, LI_NA, ZHANG_WEI, login, membership


def try_login(client, username, password=DEMO_PASSWORD, captcha='TEST', fetch_captcha=True):
    if fetch_captcha:
        client.get('/captcha.png')
    return client.post('/login', data={'username': username, 'password': password, 'captcha': captcha})


@pytest.mark.app_config(CAPTCHA_TEST_ANSWER=None)  # a random text, as in production
def test_the_captcha_is_a_real_image_and_good_for_one_try(app):
    client = app.test_client()
    response = client.get('/captcha.png')
    assert response.mimetype == 'image/png' and response.headers['Cache-Control'] == 'no-store'
    assert Image.open(io.BytesIO(response.data)).size == (160, 60)
    page = try_login(client, ZHANG_WEI, captcha='0000', fetch_captcha=False)  # '0' is never in the alphabet
    assert page.status_code == 422 and '验证码错误' in page.get_data(as_text=True)
    page = try_login(client, ZHANG_WEI, captcha='0000', fetch_captcha=False)  # used up: ask for a new one
    assert '验证码已失效' in page.get_data(as_text=True)


def test_a_request_racing_the_captcha_does_not_lose_it(client, ctx):
    """The browser fetches the captcha and, at the same time, something else (its favicon, say) whose response
    writes the session back from a copy older than the captcha: the login must still go through."""
    with client.session_transaction() as session:
        session['_fresh'] = False  # what Flask-Login writes on any page
    stale_session = client.get_cookie('session').value
    client.get('/captcha.png')
    client.set_cookie('session', stale_session)  # the racing response wrote the session back as it was
    page = try_login(client, ZHANG_WEI, fetch_captcha=False)
    assert page.status_code == 302, page.get_data(as_text=True)


def test_an_expired_captcha_is_refused_with_its_reason(client, ctx):
    client.get('/captcha.png')
    with time_machine.travel(datetime.now(timezone.utc) + timedelta(minutes=11)):
        page = try_login(client, ZHANG_WEI, fetch_captcha=False)
    assert page.status_code == 422 and '验证码已过期' in page.get_data(as_text=True)


def test_five_failures_lock_the_account_for_fifteen_minutes(client, ctx):
    with time_machine.travel(datetime(2026, 5, 1, 2, tzinfo=timezone.utc), tick=False) as clock:
        for _ in range(5):
            assert '账号或密码错误' in try_login(client, ZHANG_WEI, 'wrong-password').get_data(as_text=True)
        page = try_login(client, ZHANG_WEI).get_data(as_text=True)  # even the right password
        assert '登录失败次数过多，请 15 分钟后再试' in page
        assert db.session.scalar(select(func.count(LoginAttempt.id)).where(LoginAttempt.success.is_(False))) == 5
        assert try_login(client, LI_NA).status_code == 302  # another account is not locked
        client.post('/logout')
        clock.shift(timedelta(minutes=15, seconds=1))
        assert try_login(client, ZHANG_WEI).status_code == 302


def test_a_successful_login_clears_the_failures_before_it(client, ctx):
    with time_machine.travel(datetime(2026, 5, 1, 2, tzinfo=timezone.utc), tick=False):  # one timestamp for all
        for _ in range(4):
            assert '账号或密码错误' in try_login(client, ZHANG_WEI, 'wrong-password').get_data(as_text=True)
        assert try_login(client, ZHANG_WEI).status_code == 302
        client.post('/logout')
        assert '账号或密码错误' in try_login(client, ZHANG_WEI, 'wrong-password').get_data(as_text=True)
        assert try_login(client, ZHANG_WEI).status_code == 302  # one failure since her login: not locked
        client.post('/logout')
        for _ in range(5):
            try_login(client, ZHANG_WEI, 'wrong-password')
        assert '登录失败次数过多' in try_login(client, ZHANG_WEI).get_data(as_text=True)  # five since: locked


def test_an_old_15_digit_id_number_logs_in_to_the_upgraded_account(client, ctx):
    old = ZHANG_WEI[:6] + ZHANG_WEI[8:17]  # 330106850312001: registration stored it as 33010619850312001X
    assert len(old) == 15
    assert try_login(client, old).status_code == 302
    assert client.get('/claims/').status_code == 200
    client.post('/logout')
    assert '账号或密码错误' in try_login(client, old, 'wrong-password').get_data(as_text=True)
    assert db.session.scalar(select(LoginAttempt.username).where(LoginAttempt.success.is_(False))) == ZHANG_WEI
    page = try_login(client, '330106851312001')  # month 13: not an ID number, refused as any unknown account
    assert page.status_code == 422 and '账号或密码错误' in page.get_data(as_text=True)


def test_an_initial_password_must_be_changed_before_anything_else(client, ctx):
    user = membership(ZHANG_WEI).user
    user.set_password(ZHANG_WEI[-6:])
    user.must_change_password = True
    db.session.commit()
    response = try_login(client, ZHANG_WEI, ZHANG_WEI[-6:])
    assert response.headers['Location'].endswith('/account/password')
    assert client.get('/claims/').headers['Location'].endswith('/account/password')
    form = {'current': ZHANG_WEI[-6:], 'new': 'short1', 'confirm': 'short1'}
    assert '密码至少 8 位' in client.post('/account/password', data=form).get_data(as_text=True)
    form.update(new='onlyletters', confirm='onlyletters')
    assert '须同时包含字母和数字' in client.post('/account/password', data=form).get_data(as_text=True)
    form.update(new='Better2026', confirm='Better2027')
    assert '两次输入的新密码不一致' in client.post('/account/password', data=form).get_data(as_text=True)
    form.update(current='nope', confirm='Better2026')
    assert '原密码错误' in client.post('/account/password', data=form).get_data(as_text=True)
    form.update(current=ZHANG_WEI[-6:])
    assert client.post('/account/password', data=form).status_code == 302
    assert client.get('/claims/').status_code == 200
    client.post('/logout')
    assert try_login(client, ZHANG_WEI, 'Better2026').status_code == 302


def test_a_unit_admin_resets_a_members_password_and_it_is_logged(client, ctx):
    login(client, 'jtjt_gcb')  # 工程部: 张伟 is hers, 李娜 (设计院) is not
    page = client.get('/unit/staff').get_data(as_text=True)
    assert '张伟' in page and '李娜' not in page
    zhang, li = membership(ZHANG_WEI, 'learner'), membership(LI_NA, 'learner')
    assert client.post(f'/unit/staff/{li.id}/reset-password').status_code == 404
    response = client.post(f'/unit/staff/{zhang.id}/reset-password', follow_redirects=True)
    assert '已将 张伟 的密码重置为初始密码' in response.get_data(as_text=True)
    user = db.session.get(User, zhang.user_id)
    assert user.must_change_password and user.check_password(ZHANG_WEI[-6:])
    assert db.session.scalar(select(FlowLog.action).where(FlowLog.subject_type == 'user')) == '重置密码'
    other = client.application.test_client()
    login(other, ZHANG_WEI, ZHANG_WEI[-6:])
    assert other.get('/claims/').headers['Location'].endswith('/account/password')


def test_a_unit_admin_cannot_reset_an_account_that_holds_roles_outside_her_unit(client, ctx):
    """The password is the whole account's: a learner here who is an admin or learner elsewhere keeps his."""
    from models import Membership, Organisation
    from models.people import LEARNER, PROVINCE_ADMIN, UNIT_ADMIN
    zhang = membership(ZHANG_WEI, 'learner')
    province = db.session.scalar(select(Organisation).where(Organisation.kind == 'province'))
    other_unit = db.session.scalar(select(Organisation).where(Organisation.name == '杭州市城建设计研究院'))
    extra = Membership(user_id=zhang.user_id, role=PROVINCE_ADMIN, org_id=province.id)
    db.session.add(extra)
    db.session.commit()
    login(client, 'jtjt_gcb')
    for role, org in ((PROVINCE_ADMIN, province), (LEARNER, other_unit), (UNIT_ADMIN, zhang.org)):
        extra.role, extra.org_id = role, org.id
        extra.login_allowed = role != UNIT_ADMIN  # a switched-off admin role may be switched on again
        db.session.commit()
        response = client.post(f'/unit/staff/{zhang.id}/reset-password', follow_redirects=True)
        assert response.status_code == 200
        assert '该账号还有其他单位或管理员角色，请联系省级学时办重置密码' in response.get_data(as_text=True)
        db.session.expire_all()
        user = db.session.get(User, zhang.user_id)
        assert user.check_password(DEMO_PASSWORD) and not user.must_change_password
    assert db.session.scalar(select(func.count(FlowLog.id)).where(FlowLog.subject_type == 'user')) == 0
    wang = membership('330203198801010034', 'learner')  # learner and unit admin of 宁波港航
    other = client.application.test_client()
    login(other, '330203198801010034')
    other.post('/switch-role', data={'membership_id': membership('330203198801010034', 'unit_admin').id})
    response = other.post(f'/unit/staff/{wang.id}/reset-password', follow_redirects=True)
    assert '该账号还有其他单位或管理员角色' in response.get_data(as_text=True)


def test_staff_list_exports_with_its_search(client, ctx):
    from openpyxl import load_workbook
    login(client, 'jtjt_admin')
    rows = list(load_workbook(io.BytesIO(client.get('/unit/staff?q=李娜&export=xlsx').data)).active
                .iter_rows(values_only=True))
    assert rows == [('姓名', '身份证号', '单位', '部门', '手机号'), ('李娜', LI_NA, '浙江交通工程建设集团有限公司', '设计院', None)]
    learner = client.application.test_client()
    login(learner, ZHANG_WEI)
    assert learner.get('/unit/staff').status_code == 403


def test_province_staff_reset_an_account_with_several_roles(client, ctx):
    """王强 is a learner and his unit's admin: no unit may reset him, the province may."""
    from ..people import WANG_QIANG
    unit = login(client.application.test_client(), 'jtjt_admin')
    assert unit.post('/profile/people/reset-password', data={'q': WANG_QIANG}).status_code == 403
    province = login(client, 'shengji')
    page = province.get(f'/profile/people?q={WANG_QIANG}').get_data(as_text=True)
    assert 'id="reset-password-form"' in page
    html = province.post('/profile/people/reset-password', data={'q': WANG_QIANG},
                         follow_redirects=True).get_data(as_text=True)
    assert '已将 王强 的密码重置为初始密码' in html
    user = db.session.scalar(select(User).where(User.id_number == WANG_QIANG))
    db.session.refresh(user)
    assert user.check_password(WANG_QIANG[-6:]) and user.must_change_password
    assert db.session.scalar(select(FlowLog.remark).where(FlowLog.action == '重置密码')).startswith('王强')
    assert province.post('/profile/people/reset-password', data={'q': '110105194912310021'}).status_code == 404
