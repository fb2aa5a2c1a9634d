"""推荐单位注册 through the real forms: a learner whose unit is missing proposes it, the superior approves it as a unit
registration, the unit's contact logs in with the initial password, and the learner then registers under it."""
import io
import re

import pytest
from sqlalchemy import select

from models import FlowLog, Membership, Organisation, Registration, User, db

from ..people import WANG_QIANG, login
from ..workflow.test_registration_process import PASSWORD, new_code, new_id, png
from .test_registration_pages import learner_data, org_id, ops_item, post

NEW_UNIT = '浙江新港物流有限公司'
PROPOSER = new_id(301)
CONTACT = new_id(302)


def propose_data(**changes):
    data = dict(proposer_name='钱九', proposer_id_number=PROPOSER, proposer_phone='13912345678',
                parent_org_id=str(org_id('浙江省交通运输厅')), org_name=NEW_UNIT, credit_code=new_code(301),
                locality='宁波市', nature='民营企业', level='市级', industry='交通运输', org_phone='0574-88888888',
                address='宁波市某路 8 号', licence=(io.BytesIO(png()), 'licence.png'),
                name='孙七', id_number=CONTACT, phone='13812340000', email='', captcha='TEST')
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def propose(client, **changes):
    response = post(client, '/register/propose', propose_data(**changes))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    html = client.get(response.headers['Location']).get_data(as_text=True)
    code = re.search(r'推荐编号：([0-9A-F]{8})', html).group(1)
    return db.session.scalar(select(Registration).order_by(Registration.id.desc())), code


def progress(client, username, password):
    client.get('/captcha.png')
    return client.post('/register/progress', data={'username': username, 'password': password, 'captcha': 'TEST'})


def test_learner_proposes_a_unit_the_supervisor_approves_the_contact_admin_then_approves_her(client, app, ctx):
    html = client.get('/register/learner').get_data(as_text=True)
    assert '找不到单位？推荐单位注册' in html and 'href="/register/propose"' in html
    assert client.get('/orgs/search?q=新港').get_json()['total'] == 0
    assert '推荐人信息' in client.get('/register/propose').get_data(as_text=True)

    reg, code = propose(client)
    assert (reg.kind, reg.name, reg.id_number, reg.parent_org.name) == ('unit', '孙七', CONTACT, '浙江省交通运输厅')
    assert (reg.proposed_by_name, reg.proposed_by_id_number, reg.proposal_code) == ('钱九', PROPOSER, code)
    contact = db.session.get(User, reg.user_id)
    assert contact.id_number == CONTACT and contact.must_change_password and contact.memberships == []
    db.session.commit()

    # The proposer follows it with her ID number and the proposal code; she cannot withdraw it.
    html = progress(client, PROPOSER, code.lower()).get_data(as_text=True)
    assert NEW_UNIT in html and '注册审核中' in html and '等待“浙江省交通运输厅”管理员审核' in html
    assert '钱九' in html and '撤回申请' not in html
    response = progress(client, PROPOSER, '00000000')
    assert response.status_code == 422 and '推荐单位注册请输入推荐人身份证号和推荐编号' in response.get_data(as_text=True)
    # The contact's account waits for the approval.
    client.get('/captcha.png')
    html = client.post('/login', data={'username': CONTACT, 'password': CONTACT[-6:], 'captcha': 'TEST'}
                       ).get_data(as_text=True)
    assert '您的账号正在审核中' in html

    supervisor = app.test_client()
    login(supervisor, 'jiaotong')
    html = supervisor.get('/inbox/?kind=registration').get_data(as_text=True)
    assert f'/registrations/{reg.id}' in html and '学员钱九推荐' in html
    html = supervisor.get(f'/registrations/{reg.id}').get_data(as_text=True)
    assert 'id="proposed-by"' in html and '由学员 钱九（*****' + PROPOSER[-4:] in html and PROPOSER not in html
    assert '推荐单位注册' in html and '钱九（推荐人）' in html and 'decision-form' in html
    supervisor.post(f'/registrations/{reg.id}/decide', data={'work_item_id': ops_item(reg), 'decision': 'approve'})
    db.session.refresh(reg)
    assert reg.status_label == '已注册' and reg.org.name == NEW_UNIT
    assert [i['name'] for i in client.get('/orgs/search?q=新港').get_json()['items']] == [NEW_UNIT]
    html = progress(client, PROPOSER, code).get_data(as_text=True)
    assert f'单位已注册，请在“专业技术人员注册”中搜索“{NEW_UNIT}”' in html

    # The contact logs in with the last six of her ID number and must change the password first.
    admin = app.test_client()
    admin.get('/captcha.png')
    response = admin.post('/login', data={'username': CONTACT, 'password': CONTACT[-6:], 'captcha': 'TEST'})
    assert response.status_code == 302 and response.headers['Location'].endswith('/account/password')
    assert admin.get('/inbox/').headers['Location'].endswith('/account/password')
    response = admin.post('/account/password', data={'current': CONTACT[-6:], 'new': 'Admin2026x',
                                                     'confirm': 'Admin2026x'})
    assert response.status_code == 302

    # The learner registers under the new unit; its contact (now its principal admin) approves her.
    learner = app.test_client()
    response = post(learner, '/register/learner', learner_data(name='钱九', id_number=PROPOSER,
                                                               unit_id=str(reg.org_id)))
    assert response.status_code == 302
    mine = db.session.scalar(select(Registration).where(Registration.kind == 'learner'))
    assert mine.approver_org.name == NEW_UNIT
    db.session.commit()
    assert f'/registrations/{mine.id}' in admin.get('/inbox/?kind=registration').get_data(as_text=True)
    admin.post(f'/registrations/{mine.id}/decide', data={'work_item_id': ops_item(mine), 'decision': 'approve'})
    db.session.refresh(mine)
    assert mine.status_label == '已注册'
    login(learner, PROPOSER, PASSWORD)
    html = learner.get('/', follow_redirects=True).get_data(as_text=True)
    assert '钱九' in html and NEW_UNIT in html


@pytest.mark.parametrize('field, value, message', [
    ('org_name', '浙江交通工程建设集团有限公司', '已注册或正在注册审核中'),
    ('proposer_name', '', '请填写推荐人姓名'),
    ('proposer_id_number', '330106199001011230', '推荐人身份证号校验位错误'),
    ('proposer_phone', '123', '电话号码格式不正确'),
    ('id_number', '330106199001011230', '身份证号校验位错误'),
    ('name', '', '请填写单位联系人姓名'),
    ('credit_code', '91330100MA2H000010', '统一社会信用代码校验位错误'),
    ('org_name', '', '请填写单位名称'),
    ('parent_org_id', '', '请选择上级单位'),
    ('nature', '', '请选择单位性质'),
    ('licence', None, '请上传营业执照'),
    ('captcha', 'WRONG', '验证码错误'),
])
def test_propose_form_refuses_bad_input_in_chinese_and_changes_nothing(client, ctx, field, value, message):
    response = post(client, '/register/propose', propose_data(**{field: value}))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(Registration)) is None
    assert db.session.scalar(select(User).where(User.id_number == CONTACT)) is None


def test_a_unit_already_proposed_cannot_be_proposed_or_registered_again(client, ctx):
    propose(client)
    db.session.commit()
    response = post(client, '/register/propose', propose_data(credit_code=new_code(302), id_number=new_id(303)))
    assert response.status_code == 422 and f'“{NEW_UNIT}”已注册或正在注册审核中' in response.get_data(as_text=True)
    response = post(client, '/register/propose', propose_data(org_name='另一家公司', id_number=new_id(303)))
    assert response.status_code == 422 and '该统一社会信用代码已注册或正在注册审核中' in response.get_data(as_text=True)
    response = post(client, '/register/propose', propose_data(org_name='另一家公司', credit_code=new_code(302)))
    assert response.status_code == 422 and '单位联系人的身份证号已有注册申请正在审核中' in response.get_data(as_text=True)
    assert db.session.scalar(select(Registration.id).where(Registration.org_name == '另一家公司')) is None


def test_a_disabled_account_cannot_be_the_contact(client, ctx):
    wang = db.session.scalar(select(User).where(User.id_number == WANG_QIANG))
    wang.is_enabled = False
    db.session.commit()
    response = post(client, '/register/propose', propose_data(name='王强', id_number=WANG_QIANG))
    assert response.status_code == 422 and '单位联系人的账号已停用' in response.get_data(as_text=True)
    assert db.session.scalar(select(Registration)) is None


def test_the_proposer_may_name_herself_as_contact(client, ctx):
    reg, code = propose(client, name='钱九', id_number=PROPOSER, credit_code='', no_credit_code='y')
    user = db.session.get(User, reg.user_id)
    assert user.id_number == PROPOSER == reg.proposed_by_id_number and user.check_password(PROPOSER[-6:])
    db.session.commit()
    html = progress(client, PROPOSER, PROPOSER[-6:]).get_data(as_text=True)   # her own login shows it too
    assert NEW_UNIT in html and code in html and '撤回申请' in html


def test_an_existing_account_as_contact_is_joined_without_a_password(client, app, ctx):
    reg, _ = propose(client, name='王强', id_number=WANG_QIANG)
    wang = db.session.scalar(select(User).where(User.id_number == WANG_QIANG))
    assert reg.user_id == wang.id and wang.check_password('Demo@2026') and not wang.must_change_password
    db.session.commit()
    supervisor = app.test_client()
    login(supervisor, 'jiaotong')
    supervisor.post(f'/registrations/{reg.id}/decide', data={'work_item_id': ops_item(reg), 'decision': 'approve'})
    db.session.refresh(reg)
    roles = db.session.scalars(select(Membership.role).where(Membership.user_id == wang.id,
                                                             Membership.org_id == reg.org_id)).all()
    assert roles == ['unit_admin']
    log = db.session.scalar(select(FlowLog).where(FlowLog.subject_type == 'registration', FlowLog.subject_id == reg.id,
                                                  FlowLog.action == '推荐单位注册'))
    assert '钱九推荐' in log.remark and '单位管理员：王强' in log.remark
    assert db.session.scalar(select(Organisation.parent_id).where(Organisation.id == reg.org_id)) == \
        org_id('浙江省交通运输厅')
