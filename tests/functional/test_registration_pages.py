"""Registration through the real forms: validation messages in Chinese, the pending login, progress query and
withdrawal, the unit search, the approvers' inbox tab and detail page, and who may not see or decide."""
import io

import pytest
from sqlalchemy import select
from stdnum.cn import ric

from models import Organisation, Registration, User, db

from ..people import WANG_QIANG, login
from ..workflow.test_registration_process import PASSWORD, new_code, new_id, png

JT = '浙江交通工程建设集团有限公司'


def org_id(name):
    return db.session.scalar(select(Organisation.id).where(Organisation.name == name))


def learner_data(**changes):
    data = dict(name='赵六', id_number=new_id(1), phone='13812345678', email='zl@example.com', password=PASSWORD,
                confirm=PASSWORD, unit_id=str(org_id(JT)), captcha='TEST')
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def unit_data(**changes):
    data = dict(name='孙七', id_number=new_id(101), phone='13812340000', email='sq@example.com', password=PASSWORD,
                confirm=PASSWORD, parent_org_id=str(org_id('浙江省交通运输厅')), org_name='测试路桥公司',
                credit_code=new_code(1), locality='杭州市', nature='国有企业', level='省级', industry='交通运输',
                org_phone='0571-88888888', address='杭州市某路 1 号', captcha='TEST',
                licence=(io.BytesIO(png()), 'licence.png'))
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def post(client, url, data):
    client.get('/captcha.png')
    return client.post(url, data=data, content_type='multipart/form-data')


def register_learner(client, **changes):
    response = post(client, '/register/learner', learner_data(**changes))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return db.session.scalar(select(Registration).order_by(Registration.id.desc()))


@pytest.mark.parametrize('field, value, message', [
    ('id_number', '330106199001011230', '身份证号校验位错误'),
    ('id_number', '33010619901301123' + ric.calc_check_digit('330106199013011230'), '身份证号中的出生日期无效'),
    ('id_number', '12345', '身份证号格式不正确'),
    ('phone', '12812345678', '电话号码格式不正确'),
    ('email', 'not-an-email', '电子邮箱格式不正确'),
    ('confirm', 'Other2026x', '两次输入的密码不一致'),
    ('password', 'short1', '密码至少 8 位'),
    ('unit_id', '', '请选择所在单位'),
    ('captcha', 'WRONG', '验证码错误'),
])
def test_learner_form_refuses_bad_input_in_chinese_and_changes_nothing(client, ctx, field, value, message):
    response = post(client, '/register/learner', learner_data(**{field: value}))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(Registration)) is None
    assert db.session.scalar(select(User).where(User.name == '赵六')) is None


@pytest.mark.parametrize('field, value, message', [
    ('credit_code', '91330100MA2H000010', '统一社会信用代码校验位错误'),
    ('credit_code', '123', '统一社会信用代码格式不正确'),
    ('org_phone', '888', '电话号码格式不正确'),
    ('nature', '', '请选择单位性质'),
    ('licence', b'MZ not an image', '只能上传 jpg、png 或 pdf'),
    ('licence', None, '请上传营业执照'),
    ('parent_org_id', '', '请选择上级单位'),
])
def test_unit_form_refuses_bad_input_in_chinese(client, ctx, field, value, message):
    if isinstance(value, bytes):
        value = (io.BytesIO(value), 'licence.png')
    response = post(client, '/register/unit', unit_data(**{field: value}))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(Registration)) is None


def test_a_15_digit_id_number_is_upgraded_to_18(client, ctx):
    reg = register_learner(client, id_number='330106900101123')
    assert reg.id_number == new_id(123) and len(reg.id_number) == 18


def test_unit_without_credit_code_is_accepted(client, ctx):
    response = post(client, '/register/unit', unit_data(credit_code='', no_credit_code='y'))
    assert response.status_code == 302
    reg = db.session.scalar(select(Registration))
    assert reg.credit_code is None and reg.licence_type == 'image/png'


def test_pending_login_says_under_review_and_progress_shows_who_must_approve(client, ctx):
    reg = register_learner(client)
    client.get('/captcha.png')
    response = client.post('/login', data={'username': reg.id_number, 'password': PASSWORD, 'captcha': 'TEST'})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and '您的账号正在审核中' in html and '/register/progress' in html
    client.get('/captcha.png')
    html = client.post('/register/progress', data={'username': reg.id_number, 'password': PASSWORD,
                                                   'captcha': 'TEST'}).get_data(as_text=True)
    assert '注册审核中' in html and f'等待“{JT}”管理员审核' in html and '撤回申请' in html
    client.get('/captcha.png')
    response = client.post('/register/progress', data={'username': reg.id_number, 'password': 'Wrong2026x',
                                                       'captcha': 'TEST'})
    assert response.status_code == 422 and '密码错误' in response.get_data(as_text=True)


def test_withdraw_with_wrong_then_right_password_then_register_again(client, ctx):
    reg = register_learner(client)
    wrong = {'registration_id': reg.id, 'username': reg.id_number, 'password': 'Wrong2026x', 'confirmed': '1'}
    html = client.post('/register/withdraw', data=wrong, follow_redirects=True).get_data(as_text=True)
    assert '密码错误' in html
    db.session.refresh(reg)
    assert reg.outcome == 'pending'
    html = client.post('/register/withdraw', data={'registration_id': reg.id, 'username': reg.id_number,
                                                   'password': PASSWORD}).get_data(as_text=True)
    assert '将撤回该注册申请' in html and PASSWORD not in html  # asked first: the password is typed again, not echoed
    html = client.post('/register/withdraw', data={'registration_id': reg.id, 'username': reg.id_number,
                                                   'password': PASSWORD, 'confirmed': '1'},
                       follow_redirects=True).get_data(as_text=True)
    assert '注册申请已撤回' in html
    db.session.refresh(reg)
    assert reg.status_label == '已撤回'
    again = register_learner(client, unit_id=str(org_id('宁波港航工程有限公司')))
    assert again.id != reg.id and again.approver_org.name == '宁波港航工程有限公司'


def test_existing_user_must_give_the_existing_password(client, ctx):
    response = post(client, '/register/unit', unit_data(id_number=WANG_QIANG))
    assert response.status_code == 422 and '如果已是本系统用户' in response.get_data(as_text=True)
    response = post(client, '/register/unit', unit_data(id_number=WANG_QIANG, existing='y', password='Wrong2026x',
                                                        confirm=''))
    assert response.status_code == 422 and '原密码错误' in response.get_data(as_text=True)
    response = post(client, '/register/unit', unit_data(id_number=WANG_QIANG, existing='y', password='Demo@2026',
                                                        confirm=''))
    assert response.status_code == 302
    assert db.session.scalar(select(User).where(User.id_number == WANG_QIANG)).check_password('Demo@2026')


def test_unit_search_json_pages_by_ten(client, ctx):
    data = client.get('/orgs/search?q=交通').get_json()
    assert [i['name'] for i in data['items']] == [JT] and data['total'] == 1
    for seq in range(11):
        db.session.add(Organisation(kind='unit', name=f'测试单位{seq:02d}', locality='温州市',
                                    parent_id=org_id('浙江省水利厅')))
    db.session.commit()
    data = client.get('/orgs/search?q=温州&page=2').get_json()
    assert (data['total'], data['pages'], [i['name'] for i in data['items']]) == (11, 2, ['测试单位10'])
    assert client.get('/orgs/search?q=x&page=abc').status_code == 200
    parents = client.get('/orgs/search?q=运输厅&purpose=parent').get_json()
    assert {i['name'] for i in parents['items']} == {'浙江省交通运输厅', '广西壮族自治区交通运输厅'}  # public: any province


def test_approver_inbox_detail_and_approval_then_the_learner_logs_in(client, app, ctx):
    reg = register_learner(client)
    db.session.commit()
    admin = app.test_client()
    login(admin, 'jtjt_admin')
    html = admin.get('/inbox/?kind=registration').get_data(as_text=True)
    assert '注册审核' in html and f'/registrations/{reg.id}' in html
    html = admin.get(f'/registrations/{reg.id}').get_data(as_text=True)
    assert '*****' + reg.id_number[-4:] in html and reg.id_number not in html and 'decision-form' in html
    reject = {'work_item_id': ops_item(reg), 'decision': 'reject', 'comment': ''}
    html = admin.post(f'/registrations/{reg.id}/decide', data=reject, follow_redirects=True).get_data(as_text=True)
    assert '驳回注册时必须填写原因' in html
    admin.post(f'/registrations/{reg.id}/decide', data={'work_item_id': ops_item(reg), 'decision': 'approve'})
    db.session.refresh(reg)
    assert reg.status_label == '已注册'
    login(client, reg.id_number, PASSWORD)   # asserts the login went through (302 to the home page)
    html = client.get('/', follow_redirects=True).get_data(as_text=True)
    assert '赵六' in html and JT in html


def ops_item(reg):
    from webapp.registration.operations import open_item
    return open_item(reg).id


@pytest.mark.parametrize('other', ['hzcj_admin', 'jtjt_gcb', 'jiaotong', 'zhujian'])
def test_other_units_and_departments_cannot_see_or_decide(client, app, ctx, other):
    reg = register_learner(client)
    item = ops_item(reg)
    db.session.commit()
    intruder = app.test_client()
    login(intruder, other)
    assert f'/registrations/{reg.id}' not in intruder.get('/inbox/?kind=registration').get_data(as_text=True)
    assert intruder.get(f'/registrations/{reg.id}').status_code == 404
    assert intruder.post(f'/registrations/{reg.id}/decide',
                         data={'work_item_id': item, 'decision': 'approve'}).status_code == 404
    db.session.refresh(reg)
    assert reg.outcome == 'pending'


def test_unit_registration_licence_is_shown_to_the_supervisor_only(client, app, ctx):
    assert post(client, '/register/unit', unit_data()).status_code == 302
    reg = db.session.scalar(select(Registration))
    db.session.commit()
    supervisor = app.test_client()
    login(supervisor, 'jiaotong')
    html = supervisor.get(f'/registrations/{reg.id}').get_data(as_text=True)
    assert 'licence-link' in html and '测试路桥公司' in html
    response = supervisor.get(f'/registrations/{reg.id}/licence')
    assert response.status_code == 200 and response.mimetype == 'image/png'
    other = app.test_client()
    login(other, 'zhujian')
    assert other.get(f'/registrations/{reg.id}/licence').status_code == 404


def test_login_page_links_to_registration_and_progress(client, ctx):
    html = client.get('/login').get_data(as_text=True)
    assert '/register"' in html and '/register/progress' in html
    for kind in ('learner', 'unit', 'supervisor'):
        assert client.get(f'/register/{kind}').status_code == 200
    assert client.get('/register/nobody').status_code == 404
