"""Admins of a supervising department or the province (issue 16, seed 004 13、): its 超级管理员 and the organisations
above it add, switch off, reset and delete admins and hand the principal role over; the old principal's role is not
kept and one principal always stays; nobody else may."""
import pytest
from sqlalchemy import select

from models import FlowLog, Membership, Organisation, User, db
from models.people import SUPERVISOR_ADMIN
from webapp.oversight import operations as ops

from ..people import login, membership

NEW_ADMIN = '110105198001010032'
SECOND = '110105198502020036'


def org(name) -> Organisation:
    return db.session.scalar(select(Organisation).where(Organisation.name == name))


def transport() -> Organisation:
    return org('浙江省交通运输厅')


def test_the_principal_adds_switches_off_and_hands_over(ctx):
    jiaotong = membership('jiaotong')
    assert jiaotong.principal
    new = ops.add_admin(jiaotong, transport(), ' 赵敏 ', NEW_ADMIN)
    assert (new.role, new.org_id, new.principal, new.user.must_change_password) == (
        SUPERVISOR_ADMIN, transport().id, False, True)
    assert new.user.check_password(NEW_ADMIN[-6:])
    with pytest.raises(ops.OrgAdminError, match='已是该机构的管理员'):
        ops.add_admin(jiaotong, transport(), '赵敏', NEW_ADMIN)
    with pytest.raises(ops.OrgAdminError, match='身份证号无效'):
        ops.add_admin(jiaotong, transport(), '钱七', '110105198001010033')
    with pytest.raises(ops.OrgAdminError, match='姓名与填写的不符'):
        ops.add_admin(jiaotong, transport(), '别人', '33010619850312001X')  # 张伟's number
    ops.set_login(jiaotong, transport(), new.id, False)
    assert not new.login_allowed
    with pytest.raises(ops.OrgAdminError, match='已停用'):
        ops.hand_over(jiaotong, transport(), new.id)
    with pytest.raises(ops.OrgAdminError, match='超级管理员不能停用'):
        ops.set_login(jiaotong, transport(), jiaotong.id, False)
    with pytest.raises(ops.OrgAdminError, match='超级管理员不能删除'):
        ops.remove_admin(jiaotong, transport(), jiaotong.id)
    ops.set_login(jiaotong, transport(), new.id, True)
    old_id = jiaotong.id
    ops.hand_over(jiaotong, transport(), new.id)
    db.session.flush()
    assert new.principal
    assert db.session.get(Membership, old_id) is None                      # the old role is not kept
    assert [a.id for a in ops.admins(transport()) if a.principal] == [new.id]
    actions = list(db.session.scalars(select(FlowLog.action).where(FlowLog.subject_type == 'membership')
                                      .order_by(FlowLog.id)))
    assert actions == ['新增管理员', '停用管理员', '启用管理员', '移交超级管理员', '设为超级管理员']


def test_only_the_principal_or_those_above_manage(ctx):
    jiaotong = membership('jiaotong')
    helper = ops.add_admin(jiaotong, transport(), '赵敏', NEW_ADMIN)
    with pytest.raises(ops.OrgAdminError, match='只有本机构的超级管理员或上级机构'):
        ops.add_admin(helper, transport(), '孙八', SECOND)               # an ordinary admin of 交通厅
    with pytest.raises(ops.OrgAdminError, match='只有本机构的超级管理员或上级机构'):
        ops.add_admin(membership('zhujian'), transport(), '孙八', SECOND)  # a sibling department
    with pytest.raises(ops.OrgAdminError, match='只有本机构的超级管理员或上级机构'):
        ops.add_admin(jiaotong, org('浙江省专业技术人员继续教育学时办'), '孙八', SECOND)  # the level above
    shengji = membership('shengji')
    ops.reset_password(shengji, transport(), helper.id)                   # the province, from above
    assert helper.user.must_change_password


def test_a_department_without_admins_gets_its_first_as_principal(ctx):
    water = org('浙江省水利厅')
    assert ops.admins(water) == []
    first = ops.add_admin(membership('shengji'), water, '孙八', SECOND)
    assert first.principal


def test_reset_refuses_accounts_it_may_not_reset(ctx):
    jiaotong = membership('jiaotong')
    with pytest.raises(ops.OrgAdminError, match='不能重置自己的密码'):
        ops.reset_password(jiaotong, transport(), jiaotong.id)
    with pytest.raises(ops.OrgAdminError, match='没有登记身份证号'):
        ops.reset_password(membership('shengji'), transport(), jiaotong.id)
    wang = ops.add_admin(jiaotong, transport(), '王强', '330203198801010034')  # also a learner and a unit admin
    with pytest.raises(ops.OrgAdminError, match='还有其他单位或管理员角色'):
        ops.reset_password(jiaotong, transport(), wang.id)


def test_the_province_adds_an_admin_to_a_department_who_then_logs_in(app, client, ctx):
    login(client, 'shengji')
    page = client.get(f'/oversight/orgs/{transport().id}/admins').get_data(as_text=True)
    assert '交通厅审核员' in page and '超级管理员' in page
    response = client.post(f'/oversight/orgs/{transport().id}/admins',
                           data={'action': 'add', 'name': '赵敏', 'id_number': NEW_ADMIN}, follow_redirects=True)
    assert '已新增管理员' in response.get_data(as_text=True)
    client.post('/logout')
    login(client, NEW_ADMIN, NEW_ADMIN[-6:])
    assert db.session.scalar(select(User).where(User.id_number == NEW_ADMIN)).must_change_password


def test_pages_refuse_outside_the_scope(client, ctx):
    login(client, 'jiaotong')
    assert client.get('/oversight/admins').status_code == 200
    for name in ('浙江省住房和城乡建设厅', '浙江省专业技术人员继续教育学时办'):
        assert client.get(f'/oversight/orgs/{org(name).id}/admins').status_code == 404
        assert client.post(f'/oversight/orgs/{org(name).id}/admins',
                           data={'action': 'add', 'name': '赵敏', 'id_number': NEW_ADMIN}).status_code == 404
    unit = org('浙江交通工程建设集团有限公司')
    assert client.get(f'/oversight/orgs/{unit.id}/admins').status_code == 404   # a unit's are on its own pages
    assert client.post('/oversight/admins', data={'action': 'nonsense'}).status_code == 400
    assert client.post('/oversight/admins', data={'action': 'reset', 'membership_id': 'x'}).status_code == 400
    client.post('/logout')
    login(client, 'jtjt_admin')
    assert client.get('/oversight/admins').status_code == 403
    assert db.session.scalar(select(User).where(User.id_number == NEW_ADMIN)) is None


def test_handing_over_ones_own_role_over_the_web(client, ctx):
    jiaotong = membership('jiaotong')
    new = ops.add_admin(jiaotong, transport(), '赵敏', NEW_ADMIN)
    db.session.commit()
    login(client, 'jiaotong')
    response = client.post('/oversight/admins', data={'action': 'handover', 'membership_id': str(new.id)},
                           follow_redirects=True)
    assert response.status_code == 403                                   # no role left to act in
    assert '已移交超级管理员' in response.get_data(as_text=True)
    db.session.expire_all()
    assert [a.user.name for a in ops.admins(transport())] == ['赵敏']
