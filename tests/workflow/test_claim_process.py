"""The real bpmn/claim.bpmn and rules/credit_hours.dmn, driven through the service layer on every branch."""
import json
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from models import FlowLog, WorkflowInstance, WorkItem, db
from webapp.catalogue import catalogue_for
from webapp.claims import operations as ops
from webapp.workflow import runtime

from ..helpers import claim_input
from ..people import ZHANG_WEI, membership, zj


def learner():
    return membership(ZHANG_WEI, 'learner')


def unit_admin():
    return membership('jtjt_admin')


def supervisor():
    return membership('jiaotong')


def new_claim(**overrides):
    return ops.create_claim(learner(), claim_input(**overrides))


def submitted(target='unit', **overrides):
    claim = new_claim(**overrides)
    supervisor_org = supervisor().org if target == 'supervisor' else None
    ops.submit_claim(learner(), claim, target, supervisor_org)
    return claim


def act(m, claim, decision, hours=None, comment=None):
    item = ops.open_item(claim)
    assert item is not None and item.form_key != ops.EDIT_FORM, claim.status_label
    return ops.review(m, item.id, decision, hours, comment)


def open_items(claim):
    return db.session.scalars(select(WorkItem).where(
        WorkItem.subject_id == claim.id, WorkItem.completed_at.is_(None))).all()


def test_new_claim_is_a_draft_in_the_learners_inbox(ctx):
    claim = new_claim()
    assert claim.status_label == '待提交'
    [item] = open_items(claim)
    assert (item.lane, item.scope_user_id, item.form_key) == ('learner', claim.learner_id, 'claim_edit')


def test_unit_then_supervisor_approval_grants_registered_hours(ctx):
    claim = submitted()
    assert claim.status_label == '待初审'
    assert claim.table_hours == Decimal(18)  # the DMN table inside the process: 3 days x 6
    [item] = open_items(claim)
    assert (item.lane, item.scope_org_id) == ('unit_admin', claim.unit_id)
    assert item.scope_department_id == claim.department_id
    act(unit_admin(), claim, 'approve', hours=Decimal(15))
    assert claim.status_label == '待终审' and claim.reviewed_hours == Decimal(15)
    [item] = open_items(claim)
    assert (item.lane, item.scope_org_id) == ('supervisor', supervisor().org_id)
    act(supervisor(), claim, 'approve', hours=Decimal(12))
    assert (claim.status_label, claim.outcome) == ('通过认定', 'approved')
    assert (claim.applied_hours, claim.reviewed_hours, claim.registered_hours) == (18, 15, 12)
    assert open_items(claim) == []
    assert db.session.get(WorkflowInstance, claim.instance_id).is_completed
    assert ops.yearly_totals(claim.learner_id)[0]['professional'] == Decimal(12)


def test_unit_rejection_ends_the_claim(ctx):
    claim = submitted()
    act(unit_admin(), claim, 'reject', comment='材料不全')
    assert (claim.status_label, claim.outcome) == ('不予认定', 'rejected')
    assert open_items(claim) == []


def test_reject_without_comment_is_refused_and_changes_nothing(ctx):
    claim = submitted()
    with pytest.raises(ops.ClaimError, match='审核意见'):
        act(unit_admin(), claim, 'reject', comment='  ')
    assert claim.status_label == '待初审'


def test_final_rejection(ctx):
    claim = submitted()
    act(unit_admin(), claim, 'approve')
    act(supervisor(), claim, 'reject', comment='不属于交通运输类培训')
    assert claim.status_label == '不予认定' and claim.registered_hours is None


@pytest.mark.parametrize('stage', ['unit', 'final'])
def test_return_for_modification_goes_back_to_the_learner_and_resubmits_to_the_unit(ctx, stage):
    claim = submitted()
    if stage == 'final':
        act(unit_admin(), claim, 'approve')
        act(supervisor(), claim, 'return', comment='请补充结业证书')
    else:
        act(unit_admin(), claim, 'return', comment='请补充日程')
    assert claim.status_label == '退回修改'
    [item] = open_items(claim)
    assert (item.lane, item.form_key, item.status_label) == ('learner', 'claim_edit', '退回修改')
    ops.update_claim(learner(), claim, claim_input(applied_hours=Decimal(12)))
    ops.submit_claim(learner(), claim, 'unit')
    assert claim.status_label == '待初审' and claim.applied_hours == Decimal(12)


def test_direct_submission_to_a_supervisor_skips_the_unit(ctx):
    other = membership('zhujian')  # a supervising department other than the unit's own
    claim = new_claim()
    ops.submit_claim(learner(), claim, 'supervisor', other.org)
    assert claim.status_label == '待终审' and claim.reviewer_org_id == other.org_id
    [item] = open_items(claim)
    assert (item.lane, item.scope_org_id) == ('supervisor', other.org_id)
    with pytest.raises(ops.ClaimError):  # the unit's own supervisor is not in scope
        act(supervisor(), claim, 'approve')
    act(other, claim, 'approve', hours=Decimal(18))
    assert claim.status_label == '通过认定'


@pytest.mark.parametrize('target', ['unit', 'supervisor'])
def test_withdraw_while_waiting_for_first_review(ctx, target):
    claim = submitted(target)
    ops.withdraw_claim(learner(), claim)
    assert claim.status_label == '待提交'
    [item] = open_items(claim)
    assert item.form_key == 'claim_edit'
    cancelled = db.session.scalar(select(func.count(WorkItem.id)).where(
        WorkItem.subject_id == claim.id, WorkItem.outcome == 'cancelled'))
    assert cancelled == 1
    ops.submit_claim(learner(), claim, 'unit')
    assert claim.status_label == '待初审'


def test_withdraw_after_first_review_is_refused_by_the_engine(ctx):
    claim = submitted()
    act(unit_admin(), claim, 'approve')
    state_before = db.session.get(WorkflowInstance, claim.instance_id).state
    with pytest.raises(runtime.WorkflowError, match='不能撤回'):
        ops.withdraw_claim(learner(), claim)
    assert claim.status_label == '待终审'
    assert db.session.get(WorkflowInstance, claim.instance_id).state == state_before


def test_deleting_a_draft_ends_the_process(ctx):
    claim = new_claim()
    ops.delete_draft(learner(), claim)
    assert claim.status_label == '已删除' and claim.deleted_at is not None
    assert db.session.get(WorkflowInstance, claim.instance_id).is_completed
    assert open_items(claim) == []


def test_submit_is_refused_outside_the_registration_window(ctx):
    from models import RegistrationWindow
    window = db.session.scalar(select(RegistrationWindow).where(RegistrationWindow.province_id == zj()))
    window.closes_on = window.opens_on = ops.today().replace(month=1, day=1)
    if ops.today() == window.opens_on:
        window.opens_on = window.closes_on = ops.today().replace(month=12, day=31)
    claim = new_claim()
    with pytest.raises(ops.ClaimError, match='不在登记开放日期内'):
        ops.submit_claim(learner(), claim, 'unit')
    # a draft made after the window closed is shown as closed at once; before it opens it is an ordinary draft
    assert claim.status_label == ('已截止' if window.closes_on < ops.today() else '待提交')
    assert claim.outcome == 'draft' and ops.can_edit(learner(), claim)


def test_final_approval_cannot_exceed_the_annual_pathway_cap(ctx):
    first = submitted(applied_hours=Decimal(30))
    act(unit_admin(), first, 'approve')
    act(supervisor(), first, 'approve', hours=Decimal(30))
    second = submitted()
    act(unit_admin(), second, 'approve')
    assert ops.remaining_allowance(second) == Decimal(6)
    with pytest.raises(ops.ClaimError, match='剩余可登记学时为 6'):
        act(supervisor(), second, 'approve', hours=Decimal(18))
    assert second.status_label == '待终审'
    act(supervisor(), second, 'approve', hours=Decimal(6))
    assert ops.yearly_totals(second.learner_id)[0]['total'] == Decimal(36)


def test_every_step_is_in_the_flow_log(ctx):
    claim = submitted()
    act(unit_admin(), claim, 'return', comment='请补充')
    ops.submit_claim(learner(), claim, 'unit')
    act(unit_admin(), claim, 'approve')
    act(supervisor(), claim, 'approve')
    actions = db.session.scalars(select(FlowLog.action).where(FlowLog.subject_id == claim.id)
                                 .order_by(FlowLog.id)).all()
    assert actions == ['新增登记', '提交审核', '单位审核', '提交审核', '单位审核', '终审']


def test_state_is_stored_without_the_spec_and_with_its_format(ctx):
    claim = submitted()
    instance = db.session.get(WorkflowInstance, claim.instance_id)
    state = json.loads(instance.state)
    assert 'spec' not in state and 'subprocess_specs' not in state
    assert instance.state_format.startswith('creditflow-1/') and len(instance.spec_hash) == 64
    assert len(instance.state) < 15000


def test_200_return_rounds_do_not_grow_the_workflow(ctx):
    """The raw engine crashes after ~141 loops and silently completes after ~166; ours rewinds the loop."""
    claim = submitted()
    sizes = []
    for round_no in range(200):
        act(unit_admin(), claim, 'return', comment=f'第 {round_no + 1} 次退回')
        ops.submit_claim(learner(), claim, 'unit')
        instance = db.session.get(WorkflowInstance, claim.instance_id)
        sizes.append((len(json.loads(instance.state)['tasks']), len(instance.state)))
    assert claim.status_label == '待初审' and not instance.is_completed
    assert sizes[-1][0] == sizes[1][0], 'task count must not grow with the number of rounds'
    assert sizes[-1][1] <= sizes[1][1] * 1.05, 'stored state must not grow with the number of rounds'
    act(unit_admin(), claim, 'approve')
    act(supervisor(), claim, 'approve')
    assert claim.status_label == '通过认定'


@pytest.mark.parametrize('pathway,level,rank,quantity,expected', [
    ('exam', None, None, 2, 16),
    ('seminar', 'national', None, 1, 36),
    ('seminar', 'provincial', None, 1, 36),
    ('seminar', 'municipal', None, 1, 24),
    ('training', None, None, 3, 18),
    ('research', 'national', 5, 1, 24),
    ('research', 'provincial', 1, 1, 18),
    ('research', 'municipal', 2, 1, 12),
    ('research', 'county', 3, 1, 6),
    ('research', 'national', 6, 1, 0),       # rank beyond 5 earns nothing
    ('publication', 'core', 1, 1, 24),
    ('publication', 'national', 3, 1, 18),
    ('publication', 'provincial', 2, 1, 12),
    ('publication', 'other', 1, 2, 12),
    ('publication', 'core', 4, 1, 0),        # rank beyond 3 earns nothing
    ('degree_course', None, None, 4, 12),
    ('exam', None, None, 5, 36),             # one claim never beyond the 36 h annual cap
])
def test_credit_table(ctx, pathway, level, rank, quantity, expected):
    from datetime import date
    y = ops.today().year
    p = catalogue_for(zj()).pathway(pathway)  # the demo province's catalogue
    result = ops.estimate_hours(p, level, Decimal(quantity), rank, date(y, 5, 1), date(y, 5, quantity),
                                province_id=zj())
    assert result['hours'] == Decimal(expected)


def test_a_unit_directly_under_the_province_gets_its_final_review_from_the_province(ctx):
    from models import Membership, Organisation, User
    province = membership('shengji')
    unit = Organisation(kind='unit', name='省直属设计院', parent_id=province.org_id)
    person = User(name='赵敏', id_number='11010519491231002X', password_hash='x')
    db.session.add_all([unit, person])
    db.session.flush()
    db.session.add_all([Membership(user=person, role='learner', org=unit),
                        Membership(user=person, role='unit_admin', org=unit)])
    db.session.flush()
    learner_m = next(m for m in person.memberships if m.role == 'learner')
    claim = ops.create_claim(learner_m, claim_input())
    ops.submit_claim(learner_m, claim, 'unit')
    act(next(m for m in person.memberships if m.role == 'unit_admin'), claim, 'approve')
    assert claim.reviewer_org_id == province.org_id
    with pytest.raises(ops.ClaimError):
        act(supervisor(), claim, 'approve')
    act(province, claim, 'approve', hours=Decimal(18))
    assert claim.status_label == '通过认定'
