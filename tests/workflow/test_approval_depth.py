"""Approval depth is a diagram choice: the user task whose approval grants 登记学时 carries `grantsHours`, so a
province can publish a claim process where the unit's approval is final (seed 001), or add a third tier; a diagram
where an approved claim would pass no granting task is refused at publish."""
from decimal import Decimal

import pytest

from models import WorkItem, db
from models.workflow import BPMN
from webapp.claims import operations as ops
from webapp.workflow.validation import DiagramError
from webapp.workflow.versions import add_version, published

from ..diagrams import one_tier, publish_claim_diagram, three_tier
from ..helpers import claim_input
from ..people import ZHANG_WEI, membership, zj


def learner():
    return membership(ZHANG_WEI, 'learner')


def submitted(target='unit'):
    claim = ops.create_claim(learner(), claim_input())
    ops.submit_claim(learner(), claim, target, membership('jiaotong').org if target == 'supervisor' else None)
    return claim


def act(username, claim, decision='approve', hours=None, comment=None) -> WorkItem:
    item = ops.open_item(claim)
    ops.review(membership(username), item.id, decision, hours, comment)
    return item


def test_shipped_diagram_grants_on_the_final_review_only(ctx):
    claim = submitted()
    assert ops.open_item(claim).grants_hours is False
    act('jtjt_admin', claim, hours=Decimal(15))
    assert (claim.reviewed_hours, claim.registered_hours) == (15, None)
    assert ops.open_item(claim).grants_hours is True
    act('jiaotong', claim, hours=Decimal(12))
    assert (claim.outcome, claim.reviewed_hours, claim.registered_hours) == ('approved', 15, 12)


def test_one_tier_the_units_approval_registers_the_hours(ctx):
    publish_claim_diagram(one_tier)
    claim = submitted()
    assert claim.status_label == '待初审' and ops.open_item(claim).grants_hours is True
    act('jtjt_admin', claim, hours=Decimal(15))
    assert (claim.status_label, claim.outcome) == ('通过认定', 'approved')
    assert (claim.applied_hours, claim.reviewed_hours, claim.registered_hours) == (18, 15, 15)
    assert ops.open_item(claim) is None
    assert ops.yearly_totals(claim.learner_id)[0]['professional'] == Decimal(15)


def test_one_tier_unit_approval_is_held_to_the_yearly_cap(ctx):
    publish_claim_diagram(one_tier)
    first, second = submitted(), submitted()
    act('jtjt_admin', first, hours=Decimal(30))
    with pytest.raises(ops.ClaimError) as refused:
        act('jtjt_admin', second, hours=Decimal(18))
    assert '剩余可登记学时为 6' in refused.value.message
    assert second.status_label == '待初审'


def test_one_tier_without_a_granting_task_is_refused_at_publish(ctx):
    content = one_tier(published(BPMN, 'claim', zj()).content, grants=False)
    with pytest.raises(DiagramError) as refused:
        add_version(BPMN, content, zj())
    assert any('end_approved' in p and '没有登记学时的审核步骤' in p for p in refused.value.problems), refused.value
    assert published(BPMN, 'claim', zj()).version == 1


def test_grants_hours_only_on_an_hours_review_and_only_true_or_false(ctx):
    content = published(BPMN, 'claim', zj()).content
    bad_value = content.replace('<spiffworkflow:property name="grantsHours" value="true"/>',
                                '<spiffworkflow:property name="grantsHours" value="yes"/>', 1)
    with pytest.raises(DiagramError) as refused:
        add_version(BPMN, bad_value, zj())
    assert any('grantsHours 只能是 true 或 false' in p for p in refused.value.problems)
    on_draft = content.replace('<spiffworkflow:property name="statusLabel" value="待提交"/>',
                               '<spiffworkflow:property name="statusLabel" value="待提交"/>'
                               '<spiffworkflow:property name="grantsHours" value="true"/>')
    with pytest.raises(DiagramError) as refused:
        add_version(BPMN, on_draft, zj())
    assert any('edit_claim' in p and '只有审核学时的表单' in p for p in refused.value.problems)


def test_three_tiers_the_last_one_grants(ctx):
    publish_claim_diagram(three_tier)
    claim = submitted()
    act('jtjt_admin', claim, hours=Decimal(16))
    item = act('jiaotong', claim, hours=Decimal(14))
    assert item.grants_hours is False and claim.registered_hours is None
    assert (claim.status_label, claim.outcome, claim.reviewed_hours) == ('待学时办审核', 'pending', 14)
    item = ops.open_item(claim)
    assert (item.lane, item.grants_hours, item.scope_org_id) == ('province', True, claim.province_id)
    act('shengji', claim, hours=Decimal(12))
    assert (claim.status_label, claim.outcome, claim.registered_hours) == ('通过认定', 'approved', 12)


def test_three_tiers_the_middle_tier_rejects_without_reaching_the_province(ctx):
    publish_claim_diagram(three_tier)
    claim = submitted()
    act('jtjt_admin', claim)
    act('jiaotong', claim, 'reject', comment='材料不全')
    assert (claim.status_label, claim.outcome, claim.registered_hours) == ('不予认定', 'rejected', None)


def test_a_diagram_stored_before_the_property_grants_on_its_final_review(ctx):
    """Versions published before grantsHours existed name no task with it: their final review still grants."""
    legacy = published(BPMN, 'claim', zj()).content.replace(
        '<spiffworkflow:property name="grantsHours" value="true"/>', '')
    add_version(BPMN, legacy, zj())
    claim = submitted()
    act('jtjt_admin', claim)
    assert ops.open_item(claim).grants_hours is True
    act('jiaotong', claim, hours=Decimal(10))
    assert (claim.outcome, claim.registered_hours) == ('approved', 10)
    db.session.flush()
