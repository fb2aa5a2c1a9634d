"""bpmn/unit_info_change.bpmn through its operations: the unit's superior approves (the organisation takes the new
name, code and licence) or refuses with a reason; the requester withdraws while it waits. A superior that is a unit
decides in the unit_admin lane, a supervising department (or the province) in the supervisor lane."""
import pytest
from sqlalchemy import select
from stdnum.cn import uscc

from models import FlowLog, Membership, Notification, Organisation, User, db
from models.org import UNIT
from webapp.refusals import Refused
from webapp.unit import info_change as ops
from webapp.unit.operations import UnitError

from ..functional.test_claim_forms import png
from ..people import membership

JT, HZ, TRANSPORT = '浙江交通工程建设集团有限公司', '杭州市城建设计研究院', '浙江省交通运输厅'


def code(n: int) -> str:
    """A valid 统一社会信用代码 of no demo organisation."""
    body = f'91330100MA{n:07d}'
    return body + uscc.calc_check_digit(body)


def org(name) -> Organisation:
    return db.session.scalar(select(Organisation).where(Organisation.name == name))


def logged(c) -> list[str]:
    return list(db.session.scalars(select(FlowLog.action).where(
        FlowLog.subject_type == 'unit_info_change', FlowLog.subject_id == c.id).order_by(FlowLog.id)))


def unit_under(parent: Organisation, account: str) -> Membership:
    unit = Organisation(kind=UNIT, name=f'{account}单位', locality='杭州市', parent=parent, credit_code=code(900))
    admin = User(name=f'{account}管理员', account_name=account, password_hash='x')
    m = Membership(user=admin, role='unit_admin', org=unit)
    db.session.add_all([unit, admin, m])
    db.session.flush()
    return m


def test_the_supervising_department_approves_and_the_unit_takes_the_new_values(ctx):
    jt = membership('jtjt_admin')
    c = ops.request_change(jt, '浙江交通工程集团有限公司', code(1), png(), '集团更名')
    assert (c.status_label, c.outcome, c.superior.name) == ('待上级审核', 'pending', TRANSPORT)
    item = ops.open_item(c)
    assert (item.lane, item.scope_org.name, item.form_key) == ('supervisor', TRANSPORT, 'unit_info_review')
    with pytest.raises(UnitError, match='无权处理'):
        ops.decide(membership('zhujian'), item.id, 'approve', None)
    assert org(JT) is not None  # nothing changed before the approval
    ops.decide(membership('jiaotong'), item.id, 'approve', None)
    assert (c.status_label, c.outcome) == ('已变更', 'approved') and c.decided_at is not None
    db.session.expire_all()
    unit = db.session.get(Organisation, jt.org_id)
    assert (unit.name, unit.credit_code) == ('浙江交通工程集团有限公司', code(1))
    assert unit.licence_sha256 == c.new_licence_sha256 and unit.licence_type == 'image/png'
    assert logged(c) == ['提交修改申请', '上级同意', '变更完成']
    notice = db.session.scalar(select(Notification.text).where(Notification.user_id == jt.user_id)
                               .order_by(Notification.id.desc()))
    assert '已获上级同意' in notice


def test_the_superior_refuses_with_a_reason(ctx):
    jt = membership('jtjt_admin')
    c = ops.request_change(jt, JT, code(2), png(), '代码录错')
    item = ops.open_item(c)
    with pytest.raises(Refused, match='必须填写原因'):
        ops.decide(membership('jiaotong'), item.id, 'reject', ' ')
    ops.decide(membership('jiaotong'), item.id, 'reject', '证书与代码不符')
    assert (c.status_label, c.outcome, c.refusal_reason) == ('上级不同意', 'rejected', '证书与代码不符')
    assert ops.open_item(c) is None and org(JT).credit_code != code(2)
    assert logged(c) == ['提交修改申请', '上级不同意']


def test_the_requester_withdraws_while_it_waits(ctx):
    jt = membership('jtjt_admin')
    c = ops.request_change(jt, '交工集团', org(JT).credit_code, png(), '简称')
    item = ops.open_item(c)
    ops.withdraw(jt, c)
    assert (c.status_label, c.outcome) == ('已撤回', 'deleted') and ops.open_item(c) is None
    assert item.completed_at is not None or db.session.get(type(item), item.id) is None
    with pytest.raises(UnitError, match='不能撤回'):
        ops.withdraw(jt, c)
    assert org(JT) is not None and logged(c) == ['提交修改申请', '撤回']
    ops.request_change(jt, '交工集团', org(JT).credit_code, png(), '再次申请')  # the unit may ask again


def test_a_parent_unit_decides_as_its_principal_admin(ctx):
    m = unit_under(org(JT), 'jtfgs_admin')
    c = ops.request_change(m, '交工集团第二分公司', m.org.credit_code, png(), '更名')
    item = ops.open_item(c)
    assert (item.lane, item.scope_org.name, item.scope_department_id) == ('unit_admin', JT, None)
    with pytest.raises(UnitError, match='无权处理'):  # a secondary admin of the parent unit cannot
        ops.decide(membership('jtjt_gcb'), item.id, 'approve', None)
    ops.decide(membership('jtjt_admin'), item.id, 'approve', None)
    assert m.org.name == '交工集团第二分公司'


def test_the_province_decides_for_a_unit_directly_under_it(ctx):
    m = unit_under(org(TRANSPORT).parent, 'zsdw_admin')
    c = ops.request_change(m, m.org.name, m.org.credit_code, png(), '换新执照')  # only the scan
    item = ops.open_item(c)
    assert (item.lane, item.scope_org.kind) == ('supervisor', 'province')
    ops.decide(membership('shengji'), item.id, 'approve', None)
    assert m.org.licence_sha256 == c.new_licence_sha256


def test_refusals_change_nothing(ctx):
    jt, current = membership('jtjt_admin'), org(JT)
    taken = db.session.scalar(select(Organisation.credit_code).where(Organisation.credit_code.is_not(None),
                                                                     Organisation.id != current.id).limit(1))
    cases = [(membership('jtjt_gcb'), JT, code(3), '只有本单位的主管理员'),
             (membership('jiaotong'), JT, code(3), '只有本单位的主管理员'),
             (jt, '', code(3), '请填写单位名称'),
             (jt, '名' * 201, code(3), '不能超过 200 个字'),
             (jt, HZ, code(3), '已是其他单位的名称'),
             (jt, JT, '', '请填写统一社会信用代码'),
             (jt, JT, code(3)[:-1] + ('0' if code(3)[-1] != '0' else '1'), '校验位错误'),
             (jt, JT, '123', '格式不正确'),
             (jt, JT, taken, '已被其他单位使用')]
    for m, name, new_code, message in cases:
        with pytest.raises(UnitError, match=message):
            ops.request_change(m, name, new_code, png(), '原因')
    with pytest.raises(UnitError, match='请填写修改原因'):
        ops.request_change(jt, '新名称', code(3), png(), '')
    with pytest.raises(UnitError, match='须上传新的营业执照'):
        ops.request_change(jt, '新名称', code(3), None, '原因')
    with pytest.raises(UnitError, match='没有需要审核的修改'):
        ops.request_change(jt, JT, current.credit_code, None, '原因')
    with pytest.raises(UnitError, match='jpg、png 或 pdf'):
        ops.request_change(jt, '新名称', code(3), b'not a picture', '原因')
    assert ops.latest_of(current.id) is None
    ops.request_change(jt, '新名称', code(3), png(), '原因')
    with pytest.raises(UnitError, match='已有一条修改单位信息的申请'):
        ops.request_change(jt, '另一名称', code(4), png(), '原因')
    with pytest.raises(UnitError, match='正在审核中'):  # another unit may not ask for the code under review
        ops.request_change(membership('hzcj_admin'), HZ, code(3), png(), '原因')


def test_a_code_taken_meanwhile_is_refused_at_approval(ctx):
    c = ops.request_change(membership('jtjt_admin'), JT, code(5), png(), '代码变更')
    org(HZ).credit_code = code(5)  # e.g. corrected by the province in the meantime
    db.session.flush()
    with pytest.raises(UnitError, match='现已被其他单位使用'):
        ops.decide(membership('jiaotong'), ops.open_item(c).id, 'approve', None)
    assert c.outcome == 'pending'
    ops.decide(membership('jiaotong'), ops.open_item(c).id, 'reject', '代码已被占用')
    assert c.status_label == '上级不同意'
