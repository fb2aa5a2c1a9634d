"""bpmn/superior_change.bpmn through its operations: the old superior, then the new one; a superior that is a
supervising department decides in the supervisor lane, one that is a unit in the unit_admin lane."""
import pytest
from sqlalchemy import select

from models import FlowLog, Membership, Organisation, User, db
from models.org import UNIT
from webapp.transfers import superior as ops
from webapp.transfers.operations import TransferError

from ..people import WANG_QIANG, membership

JT, NB, HZ = '浙江交通工程建设集团有限公司', '宁波港航工程有限公司', '杭州市城建设计研究院'
TRANSPORT, HOUSING = '浙江省交通运输厅', '浙江省住房和城乡建设厅'


def org(name) -> Organisation:
    return db.session.scalar(select(Organisation).where(Organisation.name == name))


def nb_admin() -> Membership:
    return membership(WANG_QIANG, 'unit_admin')


def logged(c) -> list[str]:
    return list(db.session.scalars(select(FlowLog.action).where(
        FlowLog.subject_type == 'superior_change', FlowLog.subject_id == c.id).order_by(FlowLog.id)))


def sub_unit_of_jt() -> Membership:
    """A unit under 交工集团 (a parent unit) with its own principal admin."""
    sub = Organisation(kind=UNIT, name='交工集团第一工程分公司', locality='杭州市', parent=org(JT))
    admin = User(name='分公司管理员', account_name='jtfgs_admin', password_hash='x')
    m = Membership(user=admin, role='unit_admin', org=sub)
    db.session.add_all([sub, admin, m])
    db.session.flush()
    return m


def test_supervisor_to_supervisor_both_approve(ctx):
    c = ops.request_change(nb_admin(), org(HOUSING).id, '业务划转至住建系统')
    assert (c.status_label, c.old_parent.name, c.new_parent.name) == ('待原上级审核', TRANSPORT, HOUSING)
    item = ops.open_item(c)
    assert (item.lane, item.scope_org.name, item.form_key) == ('supervisor', TRANSPORT, 'superior_old_review')
    with pytest.raises(TransferError, match='无权处理'):
        ops.decide(membership('zhujian'), item.id, 'approve', None)
    ops.decide(membership('jiaotong'), item.id, 'approve', None)
    assert c.status_label == '待新上级审核' and org(NB).parent.name == TRANSPORT
    item = ops.open_item(c)
    assert (item.lane, item.scope_org.name, item.form_key) == ('supervisor', HOUSING, 'superior_new_review')
    ops.decide(membership('zhujian'), item.id, 'approve', None)
    assert (c.status_label, c.outcome) == ('已更换', 'approved') and c.decided_at is not None
    db.session.expire_all()
    assert org(NB).parent.name == HOUSING and org(NB).supervisor.name == HOUSING
    assert logged(c) == ['提交更换申请', '原上级同意', '新上级同意', '更换完成']


def test_the_old_superior_refuses(ctx):
    c = ops.request_change(nb_admin(), org(HOUSING).id, '业务划转')
    ops.decide(membership('jiaotong'), ops.open_item(c).id, 'reject', '尚有未结项目')
    assert (c.status_label, c.outcome, c.refusal_reason) == ('原上级不同意', 'rejected', '尚有未结项目')
    assert ops.open_item(c) is None and org(NB).parent.name == TRANSPORT


def test_the_new_superior_refuses(ctx):
    c = ops.request_change(nb_admin(), org(HOUSING).id, '业务划转')
    ops.decide(membership('jiaotong'), ops.open_item(c).id, 'approve', None)
    with pytest.raises(TransferError, match='必须填写原因'):
        ops.decide(membership('zhujian'), ops.open_item(c).id, 'reject', '')
    ops.decide(membership('zhujian'), ops.open_item(c).id, 'reject', '不属于本系统')
    assert (c.status_label, c.refusal_reason) == ('新上级不同意', '不属于本系统')
    assert org(NB).parent.name == TRANSPORT


def test_moving_under_a_parent_unit_the_new_superior_decides_as_unit_admin(ctx):
    c = ops.request_change(membership('hzcj_admin'), org(JT).id, '并入交工集团')
    ops.decide(membership('zhujian'), ops.open_item(c).id, 'approve', None)
    item = ops.open_item(c)
    assert (item.lane, item.scope_org.name, item.scope_department_id) == ('unit_admin', JT, None)
    with pytest.raises(TransferError, match='无权处理'):  # a secondary admin of the parent unit cannot
        ops.decide(membership('jtjt_gcb'), item.id, 'approve', None)
    ops.decide(membership('jtjt_admin'), item.id, 'approve', None)
    db.session.expire_all()
    assert org(HZ).parent.name == JT and org(HZ).supervisor.name == TRANSPORT


def test_leaving_a_parent_unit_the_old_superior_decides_as_unit_admin(ctx):
    m = sub_unit_of_jt()
    c = ops.request_change(m, org(HOUSING).id, '独立运营')
    item = ops.open_item(c)
    assert (item.lane, item.scope_org.name) == ('unit_admin', JT)
    ops.decide(membership('jtjt_admin'), item.id, 'approve', None)
    assert ops.open_item(c).lane == 'supervisor'
    ops.decide(membership('zhujian'), ops.open_item(c).id, 'approve', None)
    assert m.org.parent.name == HOUSING


def test_the_parent_unit_refuses(ctx):
    m = sub_unit_of_jt()
    c = ops.request_change(m, org(HOUSING).id, '独立运营')
    ops.decide(membership('jtjt_admin'), ops.open_item(c).id, 'reject', '不同意独立')
    assert c.status_label == '原上级不同意' and m.org.parent.name == JT


def test_refusals(ctx):
    with pytest.raises(TransferError, match='只有单位超级管理员'):
        ops.request_change(membership('jtjt_gcb'), org(HOUSING).id, '原因')
    with pytest.raises(TransferError, match='只有单位超级管理员'):
        ops.request_change(membership('jiaotong'), org(HOUSING).id, '原因')
    with pytest.raises(TransferError, match='已是本单位的上级'):
        ops.request_change(nb_admin(), org(TRANSPORT).id, '原因')
    with pytest.raises(TransferError, match='请填写更换原因'):
        ops.request_change(nb_admin(), org(HOUSING).id, '')
    with pytest.raises(TransferError, match='请从搜索结果中选择'):
        ops.request_change(nb_admin(), org(TRANSPORT).parent_id, '原因')  # the province
    sub = sub_unit_of_jt()
    with pytest.raises(TransferError, match='下级单位'):  # no cycle: 交工集团 may not move under its sub-unit
        ops.request_change(membership('jtjt_admin'), sub.org_id, '原因')
    assert sub.org not in ops.candidates(org(JT), '交工集团').items
    ops.request_change(nb_admin(), org(HOUSING).id, '原因')
    with pytest.raises(TransferError, match='已有一条更换上级的申请'):
        ops.request_change(nb_admin(), org(JT).id, '原因')


def test_candidates_are_supervising_departments_and_other_units(ctx):
    names = [o.name for o in ops.candidates(org(NB), '厅').items]
    assert HOUSING in names and TRANSPORT not in names  # not the current superior
    assert ops.candidates(org(NB), '宁波').items == []  # not itself


def test_candidates_page_by_ten_without_the_units_own_sub_units(ctx):
    nb = org(NB)
    for seq in range(12):
        db.session.add(Organisation(kind=UNIT, name=f'测试单位{seq:02d}', parent_id=org(HOUSING).id))
    for seq in range(3):  # its own sub-units never count, so every page stays full
        db.session.add(Organisation(kind=UNIT, name=f'测试单位下级{seq}', parent=nb))
    db.session.flush()
    first, second = ops.candidates(nb, '测试单位'), ops.candidates(nb, '测试单位', 2)
    assert (len(first.items), first.total) == (10, 12)
    assert [o.name for o in second.items] == ['测试单位10', '测试单位11']
