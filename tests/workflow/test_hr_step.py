"""人社 tier (issue 16): a province publishes, through the workbench, a claim process with an 人社 审验 step after the
supervising department's final review; a claim then goes unit → 主管部门 → 人社, and the `hr` step waits in the
inbox of the unit's 同级人社部门 (杭州城建院 names 杭州市人社局, `hz_renshe`; a sub-unit naming none inherits it), else
of the province's top 人社部门 (`renshe`), nobody else's. The top 人社部门 sees every claim of the province (it
receives every step no other one does) but acts only on the steps waiting for it."""
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import select

from models import Organisation, db
from models.org import UNIT
from models.workflow import BPMN
from webapp.claims import operations as ops
from webapp.permissions import actionable_item, can_see_claim, hr_lane_org_id
from webapp.registration import operations as registrations
from webapp.supplements import operations as supplements
from webapp.workbench import operations as workbench

from ..helpers import claim_input
from ..people import CHEN_JING, ZHANG_WEI, membership, zj

CLAIM = (Path(__file__).resolve().parents[2] / 'bpmn' / 'claim.bpmn').read_text(encoding='utf-8')
HR_LANE = """      <bpmn:lane id="lane_hr" name="hr">
        <bpmn:flowNodeRef>hr_review</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>"""
HR_STEP = """
    <bpmn:exclusiveGateway id="supervisor_decision" name="主管部门意见" default="f_sup_other">
      <bpmn:incoming>f_final_done</bpmn:incoming>
      <bpmn:outgoing>f_sup_approve</bpmn:outgoing>
      <bpmn:outgoing>f_sup_other</bpmn:outgoing>
    </bpmn:exclusiveGateway>
    <bpmn:sequenceFlow id="f_sup_approve" name="通过" sourceRef="supervisor_decision" targetRef="hr_review">
      <bpmn:conditionExpression>decision == "approve"</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f_sup_other" sourceRef="supervisor_decision" targetRef="reviewed"/>
    <bpmn:userTask id="hr_review" name="人社审验">
      <bpmn:extensionElements>
        <spiffworkflow:properties>
          <spiffworkflow:property name="formKey" value="claim_final_review"/>
          <spiffworkflow:property name="statusLabel" value="待终审"/>
          <spiffworkflow:property name="grantsHours" value="true"/>
        </spiffworkflow:properties>
      </bpmn:extensionElements>
      <bpmn:incoming>f_sup_approve</bpmn:incoming>
      <bpmn:outgoing>f_hr_done</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f_hr_done" sourceRef="hr_review" targetRef="reviewed"/>
"""


def with_hr_step(xml: str) -> str:
    """人社审验 after the supervising department's approval; it registers the hours that count (grantsHours), as 主管部门终审
    still does for the paths that do not pass it (the publish check follows every path, not the conditions)."""
    xml = xml.replace('    </bpmn:laneSet>', HR_LANE, 1)
    xml = xml.replace('<bpmn:sequenceFlow id="f_final_done" sourceRef="final_review" targetRef="reviewed"/>',
                      '<bpmn:sequenceFlow id="f_final_done" sourceRef="final_review" targetRef="supervisor_decision"/>'
                      + HR_STEP, 1)
    into_reviewed = '<bpmn:incoming>f_final_done</bpmn:incoming>\n      <bpmn:incoming>f_direct_done</bpmn:incoming>'
    return xml.replace(into_reviewed, '<bpmn:incoming>f_sup_other</bpmn:incoming>\n      <bpmn:incoming>f_hr_done'
                       '</bpmn:incoming>\n      <bpmn:incoming>f_direct_done</bpmn:incoming>', 1)


def publish_hr_step():
    province = membership('shengji')
    copy = workbench.working_copy(zj(), BPMN, 'claim')
    changed = with_hr_step(copy.content)
    assert changed.count('hr_review') > 3
    _draft, problems = workbench.save_draft(BPMN, 'claim', changed, province, copy.id, copy.sha256)
    assert not problems, problems
    return workbench.publish(BPMN, 'claim', province, '增加人社审验')


def claim_at_hr(learner_key: str, unit_admin: str, supervisor: str):
    """A claim of *learner_key* approved by her unit and its supervising department: (claim, its `hr` step)."""
    learner = membership(learner_key, 'learner')
    claim = ops.create_claim(learner, claim_input())
    ops.submit_claim(learner, claim, 'unit')
    ops.review(membership(unit_admin), ops.open_item(claim).id, 'approve', None, None)
    ops.review(membership(supervisor), ops.open_item(claim).id, 'approve', Decimal(18), None)
    return claim, ops.open_item(claim)


def test_a_claim_goes_unit_supervisor_hr(ctx):
    assert publish_hr_step().version == 2
    claim, item = claim_at_hr(ZHANG_WEI, 'jtjt_admin', 'jiaotong')
    hr_org = db.session.scalar(select(Organisation).where(Organisation.name == '浙江省人力资源和社会保障厅'))
    assert (item.lane, item.scope_org_id, claim.outcome) == ('hr', hr_org.id, 'pending')
    renshe = membership('renshe')
    for other in ('jiaotong', 'shengji', 'zhujian', 'jtjt_admin', 'hz_renshe'):
        assert actionable_item(membership(other), item.id) is None, other
    assert not can_see_claim(membership('hz_renshe'), claim)   # 交工集团 names no 人社部门: not 杭州人社局's
    assert actionable_item(renshe, item.id) is not None and can_see_claim(renshe, claim)
    ops.review(renshe, item.id, 'approve', Decimal(16), None)
    assert (claim.outcome, claim.registered_hours) == ('approved', Decimal(16))


def test_without_a_renshe_department_the_province_takes_the_hr_step(ctx):
    publish_hr_step()
    hr_org = db.session.scalar(select(Organisation).where(Organisation.name == '浙江省人力资源和社会保障厅'))
    hr_org.parent_id = None  # no 人社部门 under the province any more
    db.session.flush()
    learner = membership(ZHANG_WEI, 'learner')
    claim = ops.create_claim(learner, claim_input())
    ops.submit_claim(learner, claim, 'unit')
    ops.review(membership('jtjt_admin'), ops.open_item(claim).id, 'approve', None, None)
    ops.review(membership('jiaotong'), ops.open_item(claim).id, 'reject', None, '材料不全')
    assert claim.outcome == 'rejected'                   # a supervising department's refusal ends it there
    claim = ops.create_claim(learner, claim_input(title='另一个培训班'))
    ops.submit_claim(learner, claim, 'unit')
    ops.review(membership('jtjt_admin'), ops.open_item(claim).id, 'approve', None, None)
    ops.review(membership('jiaotong'), ops.open_item(claim).id, 'approve', Decimal(18), None)
    item = ops.open_item(claim)
    assert item.lane == 'hr' and actionable_item(membership('shengji'), item.id) is not None


def org(name: str) -> Organisation:
    return db.session.scalar(select(Organisation).where(Organisation.name == name))


def test_the_hr_step_waits_for_the_units_named_hr_office(ctx):
    publish_hr_step()
    claim, item = claim_at_hr(CHEN_JING, 'hzcj_admin', 'zhujian')
    assert (item.lane, item.scope_org_id) == ('hr', org('杭州市人力资源和社会保障局').id)
    renshe, hz = membership('renshe'), membership('hz_renshe')
    for other in ('renshe', 'shengji', 'zhujian', 'hzcj_admin'):
        assert actionable_item(membership(other), item.id) is None, other
    assert can_see_claim(renshe, claim)                        # the top one sees the whole province, read-only here
    assert actionable_item(hz, item.id) is not None and can_see_claim(hz, claim)
    ops.review(hz, item.id, 'approve', Decimal(17), None)
    assert (claim.outcome, claim.registered_hours) == ('approved', Decimal(17))


def test_a_sub_unit_inherits_its_parents_hr_office_and_may_name_its_own(ctx):
    hz, province = org('杭州市城建设计研究院'), zj()
    sub = Organisation(kind=UNIT, name='城建院第一分院', parent=hz)
    subsub = Organisation(kind=UNIT, name='城建院第一分院测绘所', parent=sub)
    db.session.add_all([sub, subsub])
    db.session.flush()
    hz_hr, top = org('杭州市人力资源和社会保障局'), org('浙江省人力资源和社会保障厅')
    assert hr_lane_org_id(subsub.id, province) == hz_hr.id
    sub.hr_org_id = top.id                                    # the nearest unit naming one decides
    db.session.flush()
    assert hr_lane_org_id(subsub.id, province) == top.id
    assert hr_lane_org_id(org('浙江交通工程建设集团有限公司').id, province) == top.id


def test_supplements_and_registrations_resolve_the_hr_lane_alike(ctx):
    """An `hr` step in a supplement or registration diagram waits where a claim's would."""
    hz, jt, hz_hr, top = (org(name) for name in ('杭州市城建设计研究院', '浙江交通工程建设集团有限公司',
                                                 '杭州市人力资源和社会保障局', '浙江省人力资源和社会保障厅'))
    for unit, expected in ((hz, hz_hr), (jt, top)):
        supplement = SimpleNamespace(unit_id=unit.id, province_id=zj(), learner_id=None)
        assert supplements.scope_resolver(supplement)('hr').org_id == expected.id
        registration = SimpleNamespace(hr_org_id=None, parent_org_id=unit.id, parent_org=unit, approver_org_id=unit.id)
        assert registrations.scope_resolver(registration)('hr').org_id == expected.id
    named = SimpleNamespace(hr_org_id=hz_hr.id, parent_org_id=jt.id, parent_org=jt, approver_org_id=jt.id)
    assert registrations.scope_resolver(named)('hr').org_id == hz_hr.id    # a registering unit's own choice
