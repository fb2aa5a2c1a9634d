"""bpmn/registration.bpmn through the registration operations: each kind approved by the right level, rejection with
a reason, withdrawal with the right and wrong password, registering again, a second role of an existing account."""
import io

import pytest
from PIL import Image
from sqlalchemy import select
from stdnum.cn import ric, uscc

from models import FlowLog, Organisation, Registration, User, WorkItem, db
from webapp.permissions import work_item_scope
from webapp.registration import operations as ops
from webapp.workflow import runtime

from ..people import WANG_QIANG, ZHANG_WEI, membership

PASSWORD = 'Reg2026abc'


def new_id(seq: int) -> str:
    body = f'33010619900101{seq:03d}'
    return body + ric.calc_check_digit(body + '0')


def new_code(seq: int) -> str:
    body = f'91330100MA2H{seq:05d}'
    return body + uscc.calc_check_digit(body)


def png() -> bytes:
    out = io.BytesIO()
    Image.new('RGB', (20, 10), 'white').save(out, 'PNG')
    return out.getvalue()


def org(name: str) -> Organisation:
    return db.session.scalar(select(Organisation).where(Organisation.name == name))


def learner_input(seq=1, unit='浙江交通工程建设集团有限公司', **changes) -> ops.RegistrationInput:
    values = dict(kind='learner', name='赵六', id_number=new_id(seq), phone='13812345678', email='zl@example.com',
                  password=PASSWORD, confirm=PASSWORD, parent_org_id=org(unit).id)
    return ops.RegistrationInput(**{**values, **changes})


def unit_input(seq=1, parent='浙江省交通运输厅', **changes) -> ops.RegistrationInput:
    values = dict(kind='unit', name='孙七', id_number=new_id(100 + seq), phone='0571-87654321', password=PASSWORD,
                  confirm=PASSWORD, parent_org_id=org(parent).id, org_name=f'测试路桥公司{seq}',
                  credit_code=new_code(seq), locality='杭州市', nature='国有企业', level='省级', industry='交通运输',
                  org_phone='0571-88888888', address='杭州市某路 1 号', licence=png())
    return ops.RegistrationInput(**{**values, **changes})


def supervisor_input(seq=1, **changes) -> ops.RegistrationInput:
    province = db.session.scalar(select(Organisation).where(Organisation.kind == 'province'))
    values = dict(kind='supervisor', name='周八', id_number=new_id(200 + seq), phone='13900001111', password=PASSWORD,
                  confirm=PASSWORD, parent_org_id=province.id, org_name=f'浙江省测试厅{seq}',
                  credit_code=new_code(50 + seq), org_phone='0571-86666666', licence=png())
    return ops.RegistrationInput(**{**values, **changes})


def visible_items(m) -> list[WorkItem]:
    return db.session.scalars(select(WorkItem).where(WorkItem.subject_type == 'registration',
                                                     WorkItem.completed_at.is_(None), work_item_scope(m))).all()


def item_of(reg) -> int:
    return ops.open_item(reg).id


def test_learner_is_approved_by_her_units_main_admin_only(ctx):
    reg = ops.register(learner_input())
    assert (reg.status_label, reg.outcome, reg.approver_lane) == ('注册审核中', 'pending', 'unit_admin')
    user = db.session.get(User, reg.user_id)
    assert user.memberships == [] and user.check_password(PASSWORD)
    admin = membership('jtjt_admin')
    assert [i.subject_id for i in visible_items(admin)] == [reg.id]
    for other in ('hzcj_admin', 'jtjt_gcb', 'jiaotong', 'shengji'):   # another unit, a secondary admin, superiors
        assert visible_items(membership(other)) == []
        with pytest.raises(ops.RegistrationError):
            ops.decide(membership(other), item_of(reg), 'approve', None)
    ops.decide(admin, item_of(reg), 'approve', None)
    assert (reg.status_label, reg.outcome) == ('已注册', 'approved')
    [m] = user.active_memberships
    assert (m.role, m.org.name) == ('learner', '浙江交通工程建设集团有限公司')
    logs = db.session.scalars(select(FlowLog).where(FlowLog.subject_id == reg.id,
                                                    FlowLog.subject_type == 'registration').order_by(FlowLog.id))
    assert [(log.action, log.actor_label) for log in logs] == [
        ('提交注册', '赵六（申请人）'), ('注册审核', '交工集团管理员（单位管理员（浙江交通工程建设集团有限公司））')]


def test_unit_under_a_supervising_department_is_approved_there_and_gets_its_data(ctx):
    reg = ops.register(unit_input())
    assert reg.approver_lane == 'supervisor' and org('测试路桥公司1') is None   # nothing exists before approval
    with pytest.raises(ops.RegistrationError):
        ops.decide(membership('zhujian'), item_of(reg), 'approve', None)
    ops.decide(membership('jiaotong'), item_of(reg), 'approve', None)
    unit = org('测试路桥公司1')
    assert (unit.kind, unit.parent.name, unit.credit_code, unit.nature, unit.industry) == (
        'unit', '浙江省交通运输厅', new_code(1), '国有企业', '交通运输')
    [m] = db.session.get(User, reg.user_id).active_memberships
    assert (m.role, m.org_id, m.department_id) == ('unit_admin', unit.id, None)


def test_unit_under_a_parent_unit_is_approved_by_that_units_admin(ctx):
    reg = ops.register(unit_input(parent='浙江交通工程建设集团有限公司'))
    assert reg.approver_lane == 'unit_admin'
    assert visible_items(membership('jiaotong')) == []
    ops.decide(membership('jtjt_admin'), item_of(reg), 'approve', None)
    assert org('测试路桥公司1').parent.name == '浙江交通工程建设集团有限公司'


def test_unit_without_credit_code_gets_a_platform_temporary_code(ctx):
    first = ops.register(unit_input(1, credit_code='', no_credit_code=True))
    second = ops.register(unit_input(2, credit_code='', no_credit_code=True))
    ops.decide(membership('jiaotong'), item_of(first), 'approve', None)
    ops.decide(membership('jiaotong'), item_of(second), 'approve', None)
    year = ops.utcnow().year
    assert [org('测试路桥公司1').credit_code, org('测试路桥公司2').credit_code] == [f'LS{year}000001', f'LS{year}000002']


def test_supervising_department_is_approved_by_the_province(ctx):
    reg = ops.register(supervisor_input())
    assert reg.approver_lane == 'province'
    with pytest.raises(ops.RegistrationError):
        ops.decide(membership('jiaotong'), item_of(reg), 'approve', None)
    ops.decide(membership('shengji'), item_of(reg), 'approve', None)
    dept = org('浙江省测试厅1')
    assert dept.kind == 'supervisor' and dept.parent.kind == 'province'
    assert db.session.get(User, reg.user_id).active_memberships[0].role == 'supervisor'


def test_the_order_holds_a_new_unit_registers_under_a_new_department_then_a_learner_under_it(ctx):
    dept_reg = ops.register(supervisor_input())
    ops.decide(membership('shengji'), item_of(dept_reg), 'approve', None)
    unit_reg = ops.register(unit_input(parent='浙江省测试厅1'))
    dept_admin = db.session.get(User, dept_reg.user_id).active_memberships[0]
    ops.decide(dept_admin, item_of(unit_reg), 'approve', None)
    learner_reg = ops.register(learner_input(unit='测试路桥公司1'))
    unit_admin = db.session.get(User, unit_reg.user_id).active_memberships[0]
    ops.decide(unit_admin, item_of(learner_reg), 'approve', None)
    assert learner_reg.outcome == 'approved'


def test_learner_cannot_register_under_a_department_and_a_unit_not_under_the_province(ctx):
    with pytest.raises(ops.RegistrationError, match='所在单位'):
        ops.register(learner_input(parent_org_id=org('浙江省交通运输厅').id))
    with pytest.raises(ops.RegistrationError, match='所属省份'):
        ops.register(supervisor_input(parent_org_id=org('浙江省交通运输厅').id))


def test_rejection_needs_a_reason_ends_and_the_applicant_may_register_again(ctx):
    reg = ops.register(learner_input())
    admin = membership('jtjt_admin')
    with pytest.raises(ops.RegistrationError, match='原因'):
        ops.decide(admin, item_of(reg), 'reject', '  ')
    ops.decide(admin, item_of(reg), 'reject', '本单位无此人')
    assert (reg.status_label, reg.outcome, reg.reason) == ('注册未通过', 'rejected', '本单位无此人')
    assert db.session.get(User, reg.user_id).memberships == [] and ops.open_item(reg) is None
    again = ops.register(learner_input(password='Another2026', confirm='Another2026'))
    assert again.user_id == reg.user_id and again.outcome == 'pending'
    assert db.session.get(User, again.user_id).check_password('Another2026')   # the new password counts


def test_a_second_pending_registration_of_the_same_person_is_refused(ctx):
    ops.register(learner_input())
    with pytest.raises(ops.RegistrationError, match='正在审核中'):
        ops.register(learner_input(unit='宁波港航工程有限公司'))


def test_withdraw_needs_the_registration_password_and_then_allows_registering_again(ctx):
    reg = ops.register(learner_input())
    with pytest.raises(ops.RegistrationError, match='密码错误'):
        ops.withdraw(reg.id_number, 'wrong-password1', reg.id)
    assert reg.outcome == 'pending' and ops.open_item(reg) is not None
    ops.withdraw(reg.id_number, PASSWORD, reg.id)
    assert (reg.status_label, reg.outcome) == ('已撤回', 'deleted')
    assert ops.open_item(reg) is None
    with pytest.raises(ops.RegistrationError, match='不能撤回'):
        ops.withdraw(reg.id_number, PASSWORD, reg.id)
    again = ops.register(learner_input(unit='宁波港航工程有限公司'))
    assert again.parent_org.name == '宁波港航工程有限公司'


def test_withdrawing_a_decided_registration_is_refused_by_the_process(ctx):
    reg = ops.register(learner_input())
    ops.decide(membership('jtjt_admin'), item_of(reg), 'approve', None)
    reg.outcome = 'pending'   # even if the row said otherwise, the engine is no longer waiting for the message
    with pytest.raises(runtime.WorkflowError, match='不能撤回'):
        ops.withdraw(reg.id_number, PASSWORD, reg.id)


def test_second_role_with_the_existing_password_joins_the_same_account(ctx):
    wang = db.session.scalar(select(User).where(User.id_number == WANG_QIANG))
    # 王强 is learner and admin at 宁波港航; he registers a new unit as its administrator.
    with pytest.raises(ops.RegistrationError, match='如果已是本系统用户'):
        ops.register(unit_input(id_number=WANG_QIANG))
    with pytest.raises(ops.RegistrationError, match='原密码错误'):
        ops.register(unit_input(id_number=WANG_QIANG, existing=True, password='Wrong2026x'))
    reg = ops.register(unit_input(id_number=WANG_QIANG, existing=True, password='Demo@2026', confirm=''))
    assert reg.user_id == wang.id and wang.check_password('Demo@2026')
    assert db.session.scalar(select(User).where(User.id_number == WANG_QIANG)).id == wang.id
    ops.decide(membership('jiaotong'), item_of(reg), 'approve', None)
    assert {(m.role, m.org.name) for m in wang.active_memberships} == {
        ('learner', '宁波港航工程有限公司'), ('unit_admin', '宁波港航工程有限公司'), ('unit_admin', '测试路桥公司1')}


def test_a_learner_cannot_register_as_learner_twice(ctx):
    with pytest.raises(ops.RegistrationError, match='不能重复注册'):
        ops.register(learner_input(id_number=ZHANG_WEI, existing=True, password='Demo@2026'))


def test_learner_without_employer_registers_under_other_unit_approved_by_the_province(ctx):
    reg = ops.register(learner_input(unit=ops.OTHER_UNIT))
    assert (reg.approver_lane, reg.approver_org.kind) == ('province', 'province')
    ops.decide(membership('shengji'), item_of(reg), 'approve', None)
    assert db.session.get(User, reg.user_id).active_memberships[0].org.name == ops.OTHER_UNIT


def test_unit_search_is_fuzzy_and_pages_by_ten(ctx):
    rows, total = ops.search_orgs('交通', 1, 'unit')
    assert [o.name for o in rows] == ['浙江交通工程建设集团有限公司'] and total == 1
    assert [o.name for o in ops.search_orgs('91330000MA27', 1)[0]] == ['浙江交通工程建设集团有限公司']
    assert {o.name for o in ops.search_orgs('宁波', 1)[0]} == {'宁波港航工程有限公司'}
    assert '浙江省交通运输厅' in [o.name for o in ops.search_orgs('交通', 1, 'parent')[0]]
    for seq in range(12):
        db.session.add(Organisation(kind='unit', name=f'测试单位{seq:02d}', parent_id=org('浙江省水利厅').id))
    db.session.flush()
    page1, total = ops.search_orgs('测试单位', 1)
    page2, _ = ops.search_orgs('测试单位', 2)
    assert (len(page1), len(page2), total) == (10, 2, 12)
    assert [o.name for o in page2] == ['测试单位10', '测试单位11']
    assert ops.search_orgs('%', 1)[1] == 0   # a wildcard is searched for literally


def test_registration_is_listed_by_the_inbox_kind(ctx):
    from webapp.inbox_kinds import kind_for
    reg = ops.register(unit_input())
    with ctx.test_request_context():
        summary = kind_for('registration').summarise([reg.id])[reg.id]
    assert summary.title == '注册 · 用人单位 · 测试路桥公司1' and summary.person_name == '孙七'
    assert db.session.get(Registration, reg.id).licence_type == 'image/png'
