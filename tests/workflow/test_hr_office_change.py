"""更换上级部门, 机构类型 同级人社部门 (seed 004), through bpmn/superior_change.bpmn and its operations: the 人社部门 the
unit's `hr` steps go to approves, then the new one, both in the hr lane; then the unit names the new one."""
import pytest
from sqlalchemy import select

from models import FlowLog, Notification, db
from models.workflow import BPMN
from webapp.permissions import hr_lane_org_id
from webapp.transfers import superior as ops
from webapp.transfers.operations import TransferError
from webapp.workflow.versions import add_version, published

from ..people import WANG_QIANG, membership, zj
from .test_superior_change_process import HOUSING, HZ, NB, TRANSPORT, org

HR = 'hr'
RENSHE, HZ_RENSHE = '浙江省人力资源和社会保障厅', '杭州市人力资源和社会保障局'


def hz_admin():
    return membership('hzcj_admin')


def flow(c) -> list[tuple[str, str | None]]:
    return [tuple(row) for row in db.session.execute(select(FlowLog.action, FlowLog.remark).where(
        FlowLog.subject_type == 'superior_change', FlowLog.subject_id == c.id).order_by(FlowLog.id))]


def test_the_old_and_the_new_office_approve_then_the_unit_names_the_new_one(ctx):
    parent = org(HZ).parent
    c = ops.request_change(hz_admin(), org(RENSHE).id, '归口省厅管理', HR)
    assert (c.kind, c.status_label, c.old_parent.name, c.new_parent.name) == (HR, '待原人社部门审核', HZ_RENSHE, RENSHE)
    item = ops.open_item(c)
    assert (item.lane, item.scope_org.name, item.form_key) == ('hr', HZ_RENSHE, 'superior_old_review')
    for outsider in ('renshe', 'jiaotong', 'zhujian'):  # the new one waits its turn; superiors have no part in it
        with pytest.raises(TransferError, match='无权处理'):
            ops.decide(membership(outsider), item.id, 'approve', None)
    ops.decide(membership('hz_renshe'), item.id, 'approve', None)
    assert c.status_label == '待新人社部门审核' and org(HZ).hr_org.name == HZ_RENSHE
    item = ops.open_item(c)
    assert (item.lane, item.scope_org.name, item.form_key) == ('hr', RENSHE, 'superior_new_review')
    with pytest.raises(TransferError, match='无权处理'):
        ops.decide(membership('hz_renshe'), item.id, 'approve', None)
    ops.decide(membership('renshe'), item.id, 'approve', None)
    assert (c.status_label, c.outcome) == ('已更换', 'approved') and c.decided_at is not None
    db.session.expire_all()
    hz = org(HZ)
    assert hz.hr_org.name == RENSHE and hz.parent == parent  # its superior stays
    assert hr_lane_org_id(hz.id, zj()) == hz.hr_org_id  # new hr steps wait at the new one
    assert flow(c) == [('提交更换申请', f'同级人社部门：{HZ_RENSHE} → {RENSHE}。原因：归口省厅管理'),
                       ('原人社部门同意', None), ('新人社部门同意', None),
                       ('更换完成', f'同级人社部门：{HZ_RENSHE} → {RENSHE}')]
    notice = db.session.scalar(select(Notification).where(Notification.user_id == hz_admin().user_id))
    assert notice.text == f'{HZ}的同级人社部门更换为{RENSHE}已完成'


def test_a_unit_naming_none_is_released_by_the_top_office(ctx):
    nb_admin = membership(WANG_QIANG, 'unit_admin')
    c = ops.request_change(nb_admin, org(HZ_RENSHE).id, '业务在杭州', HR)
    assert (ops.open_item(c).scope_org.name, c.old_parent.name) == (RENSHE, RENSHE)
    ops.decide(membership('renshe'), ops.open_item(c).id, 'approve', None)
    ops.decide(membership('hz_renshe'), ops.open_item(c).id, 'approve', None)
    db.session.expire_all()
    assert org(NB).hr_org.name == HZ_RENSHE and org(NB).parent.name == TRANSPORT
    assert flow(c)[-1] == ('更换完成', f'同级人社部门：未选择 → {HZ_RENSHE}')


@pytest.mark.parametrize('refuser', ['hz_renshe', 'renshe'])
def test_either_office_may_refuse(ctx, refuser):
    c = ops.request_change(hz_admin(), org(RENSHE).id, '归口省厅管理', HR)
    if refuser == 'renshe':
        ops.decide(membership('hz_renshe'), ops.open_item(c).id, 'approve', None)
    with pytest.raises(TransferError, match='必须填写原因'):
        ops.decide(membership(refuser), ops.open_item(c).id, 'reject', '')
    ops.decide(membership(refuser), ops.open_item(c).id, 'reject', '管辖未变')
    label = '原上级不同意' if refuser == 'hz_renshe' else '新上级不同意'
    assert (c.status_label, c.outcome, c.refusal_reason) == (label, 'rejected', '管辖未变')
    assert ops.open_item(c) is None
    db.session.expire_all()
    assert org(HZ).hr_org.name == HZ_RENSHE
    assert flow(c)[-1] == ('原人社部门不同意' if refuser == 'hz_renshe' else '新人社部门不同意', '管辖未变')
    notice = db.session.scalar(select(Notification).where(Notification.user_id == hz_admin().user_id))
    assert notice.text == f'{HZ}的同级人社部门更换为{RENSHE}的申请未获同意。原因：管辖未变'


def test_refusals(ctx):
    with pytest.raises(TransferError, match='请从搜索结果中选择新的同级人社部门'):
        ops.request_change(hz_admin(), org(HOUSING).id, '原因', HR)
    with pytest.raises(TransferError, match=f'“{HZ_RENSHE}”已是本单位的同级人社部门'):
        ops.request_change(hz_admin(), org(HZ_RENSHE).id, '原因', HR)
    with pytest.raises(TransferError, match=f'“{RENSHE}”已是本单位的同级人社部门'):  # the one it falls back to
        ops.request_change(membership(WANG_QIANG, 'unit_admin'), org(RENSHE).id, '原因', HR)
    with pytest.raises(TransferError, match='请从搜索结果中选择新的上级单位或主管部门'):  # not as a superior
        ops.request_change(hz_admin(), org(RENSHE).id, '原因')
    ops.request_change(hz_admin(), org(RENSHE).id, '原因', HR)
    with pytest.raises(TransferError, match='已有一条更换上级的申请'):  # one pending change per unit, either kind
        ops.request_change(hz_admin(), org(TRANSPORT).id, '原因')


def test_candidates_are_the_provinces_offices_but_the_current_one(ctx):
    names = lambda unit, q: [o.name for o in ops.candidates(org(unit), q, kind=HR).items]  # noqa: E731
    assert names(HZ, '人力资源') == [RENSHE]
    assert names(NB, '人力资源') == [HZ_RENSHE]  # it falls back to the 人社厅
    assert names(HZ, '厅') == [RENSHE]  # no supervising department


def test_a_version_without_the_hr_reviews_refuses_instead_of_waiting_unseen(ctx):
    content = published(BPMN, 'superior_change', zj()).content.replace('old_kind == "hr"', 'old_kind == "none"')
    add_version(BPMN, content, zj(), comment='旧版')
    with pytest.raises(TransferError, match='还没有人社部门审核环节'):
        ops.request_change(hz_admin(), org(RENSHE).id, '原因', HR)
