"""Departments and admins of a unit (seed 001): only the principal admin manages them, one principal always stays,
new admins start on the initial password, a department decides what a secondary admin sees."""
import pytest
from sqlalchemy import select

from models import Department, FlowLog, Membership, User, db
from webapp.claims import operations as claims
from webapp.unit import operations as ops

from ..helpers import claim_input
from ..people import LI_NA, ZHANG_WEI, login, membership

NEW_ADMIN = '110105198001010032'


def dept(name) -> Department:
    return db.session.scalar(select(Department).where(Department.name == name))


def test_the_principal_admin_manages_departments(ctx):
    m = membership('jtjt_admin')
    qa = ops.add_department(m, ' 质检部 ')
    assert qa.name == '质检部' and qa.unit_id == m.org_id
    with pytest.raises(ops.UnitError, match='部门“质检部”已存在'):
        ops.add_department(m, '质检部')
    with pytest.raises(ops.UnitError, match='部门名称为必填'):
        ops.add_department(m, '  ')
    ops.rename_department(m, qa.id, '质量检测部')
    with pytest.raises(ops.UnitError, match='还有 2 名人员或管理员'):
        ops.delete_department(m, dept('工程部').id)  # 张伟 and the secondary admin
    ops.delete_department(m, qa.id)
    assert dept('质量检测部') is None
    actions = list(db.session.scalars(select(FlowLog.action).where(FlowLog.subject_type == 'department')))
    assert actions == ['新增部门', '修改部门', '删除部门']
    with pytest.raises(ops.UnitError, match='只有本单位的主管理员'):
        ops.add_department(membership('jtjt_gcb'), '财务部')
    with pytest.raises(ops.UnitError, match='部门不存在'):
        ops.rename_department(membership('hzcj_admin'), dept('设计院').id, '抢来的部门')


def test_a_department_with_records_is_not_deleted(client, ctx):
    """张伟 filed a claim in 工程部 and moved on: the claim (and its inbox row) still name the department, so the
    principal admin is told why it stays instead of a database error."""
    zhang = membership(ZHANG_WEI, 'learner')
    claim = claims.create_claim(zhang, claim_input())
    claims.submit_claim(zhang, claim, 'unit')
    engineering = dept('工程部')
    assert claim.department_id == engineering.id
    zhang.department_id = membership('jtjt_gcb').department_id = None
    db.session.commit()
    login(client, 'jtjt_admin')
    response = client.post('/unit/departments', data={'action': 'delete', 'department_id': engineering.id},
                           follow_redirects=True)
    assert response.status_code == 200
    assert '部门“工程部”已有学时登记、待办事项等业务记录，不能删除；可修改部门名称' in response.get_data(as_text=True)
    db.session.expire_all()
    assert dept('工程部') is not None
    assert '删除部门' not in db.session.scalars(select(FlowLog.action).where(FlowLog.subject_type == 'department'))
    client.post('/unit/departments', data={'action': 'add', 'name': '后勤部'})
    client.post('/unit/departments', data={'action': 'delete', 'department_id': dept('后勤部').id})
    assert dept('后勤部') is None  # one nothing refers to still goes


def test_a_new_admin_starts_on_the_initial_password_and_an_existing_person_keeps_his(client, ctx):
    m = membership('jtjt_admin')
    admin = ops.add_admin(m, '赵敏', NEW_ADMIN, dept('设计院').id, True)
    assert admin.label == '二级管理员（浙江交通工程建设集团有限公司 · 设计院）'
    user = admin.user
    assert user.must_change_password and user.check_password(NEW_ADMIN[-6:])
    zhang = ops.add_admin(m, '张伟', ZHANG_WEI, None, True)  # already a learner: one account, a second role
    assert zhang.user.check_password('Demo@2026') and not zhang.user.must_change_password
    assert {x.role for x in zhang.user.memberships} == {'learner', 'unit_admin'}
    with pytest.raises(ops.UnitError, match='已是本单位管理员'):
        ops.add_admin(m, '张伟', ZHANG_WEI, None, True)
    with pytest.raises(ops.UnitError, match='姓名与填写的不符'):
        ops.add_admin(m, '张三', LI_NA, None, True)
    with pytest.raises(ops.UnitError, match='身份证号无效'):
        ops.add_admin(m, '钱七', '110105198001010038', None, True)
    db.session.commit()
    login(client, NEW_ADMIN, NEW_ADMIN[-6:])
    assert client.get('/inbox/').headers['Location'].endswith('/account/password')


def test_one_principal_admin_always_stays_and_login_can_be_switched_off(client, ctx):
    m = membership('jtjt_admin')
    with pytest.raises(ops.UnitError, match='至少要保留一名可登录的主管理员'):
        ops.update_admin(m, m.id, dept('工程部').id, True)
    with pytest.raises(ops.UnitError, match='至少要保留一名可登录的主管理员'):
        ops.remove_admin(m, m.id)
    second = ops.add_admin(m, '赵敏', NEW_ADMIN, None, True)
    ops.update_admin(m, second.id, None, False)  # 不允许登录: he no longer counts
    with pytest.raises(ops.UnitError, match='至少要保留一名'):
        ops.update_admin(m, m.id, None, False)
    ops.update_admin(m, membership('jtjt_gcb').id, None, True)  # the 工程部 admin becomes a principal
    ops.update_admin(m, m.id, dept('设计院').id, True)
    assert m.department.name == '设计院'
    db.session.commit()
    client.get('/captcha.png')
    page = client.post('/login', data={'username': NEW_ADMIN, 'password': NEW_ADMIN[-6:], 'captcha': 'TEST'})
    assert '已被单位禁止登录' in page.get_data(as_text=True)


def test_a_department_decides_what_a_secondary_admin_sees(client, ctx):
    li = membership(LI_NA, 'learner')
    login(client, 'jtjt_gcb')
    assert '李娜' not in client.get('/unit/staff').get_data(as_text=True)
    assert client.post(f'/unit/staff/{li.id}/department', data={'department_id': dept('工程部').id},
                       follow_redirects=True).status_code == 200
    assert db.session.get(Membership, li.id).department.name == '设计院'  # a secondary admin cannot move people
    principal = client.application.test_client()
    login(principal, 'jtjt_admin')
    principal.post(f'/unit/staff/{li.id}/department', data={'department_id': dept('工程部').id})
    db.session.refresh(li)
    assert li.department.name == '工程部'
    assert '李娜' in client.get('/unit/staff').get_data(as_text=True)
    claim = claims.create_claim(li, claim_input())
    claims.submit_claim(li, claim, 'unit')
    db.session.commit()
    assert claim.department.name == '工程部' and '省级公路养护技术培训班' in client.get('/inbox/').get_data(as_text=True)


def test_a_learner_chooses_her_own_department(client, ctx):
    login(client, ZHANG_WEI)
    page = client.get('/unit/my-department').get_data(as_text=True)
    assert '工程部' in page and '设计院' in page and '建筑所' not in page  # only her unit's departments
    client.post('/unit/my-department', data={'department_id': dept('设计院').id})
    assert membership(ZHANG_WEI, 'learner').department.name == '设计院'
    response = client.post('/unit/my-department', data={'department_id': dept('建筑所').id}, follow_redirects=True)
    assert '部门不存在' in response.get_data(as_text=True)
    assert client.get('/unit/departments').status_code == 403


def test_unit_pages_through_the_forms(client, ctx):
    login(client, 'jtjt_admin')
    client.post('/unit/departments', data={'action': 'add', 'name': '财务部'})
    assert '财务部' in client.get('/unit/departments').get_data(as_text=True)
    html = client.post('/unit/admins', data={'action': 'add', 'name': '赵敏', 'id_number': NEW_ADMIN,
                                             'department_id': dept('财务部').id, 'login_allowed': 'y'},
                       follow_redirects=True).get_data(as_text=True)
    assert '已添加管理员' in html and '赵敏' in html
    assert db.session.scalar(select(User).where(User.id_number == NEW_ADMIN)).must_change_password
    html = client.post('/unit/admins', data={'action': 'add', 'name': '', 'id_number': 'x'},
                       follow_redirects=True).get_data(as_text=True)
    assert '身份证号无效' in html
    secondary = client.application.test_client()
    login(secondary, 'jtjt_gcb')
    html = secondary.post('/unit/departments', data={'action': 'add', 'name': '后勤部'},
                          follow_redirects=True).get_data(as_text=True)
    assert '只有本单位的主管理员' in html and dept('后勤部') is None


def test_the_principal_admin_changes_the_units_contact_data(client, ctx):
    """修改单位信息: contact data at once, logged; a bad phone or an unknown choice changes nothing; only the
    principal admin may."""
    login(client, 'jtjt_admin')
    data = {'phone': '0571-87654321', 'address': '杭州市西湖区文三路 1 号', 'locality': '杭州市',
            'nature': '国有企业', 'level': '省级', 'industry': '交通运输'}
    assert '已保存单位信息' in client.post('/unit/info', data=data, follow_redirects=True).get_data(as_text=True)
    unit = membership('jtjt_admin').org
    db.session.refresh(unit)
    assert (unit.phone, unit.address, unit.nature) == ('0571-87654321', '杭州市西湖区文三路 1 号', '国有企业')
    assert '修改单位信息' in db.session.scalars(select(FlowLog.action).where(FlowLog.subject_type == 'organisation'))
    page = client.post('/unit/info', data={**data, 'phone': '12345', 'address': '别处'}).get_data(as_text=True)
    assert '电话号码格式不正确' in page
    page = client.post('/unit/info', data={**data, 'industry': '造假'}).get_data(as_text=True)
    assert '请从列表中选择' in page
    db.session.refresh(unit)
    assert unit.address == '杭州市西湖区文三路 1 号'
    client.post('/logout')
    login(client, 'jtjt_gcb')
    assert client.get('/unit/info').status_code == 200
    assert client.post('/unit/info', data=data).status_code == 403
