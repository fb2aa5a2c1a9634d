"""bpmn/transfer.bpmn through the transfer operations: learner-initiated (old unit, then new unit), unit-initiated
(人员调出: the new unit accepts), refusals with reasons, withdrawal at each step, and the guard (nothing pending)."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from models import Claim, FlowLog, Membership, Organisation, WorkItem, db
from webapp.claims import operations as claims
from webapp.transfers import operations as ops
from webapp.workflow import runtime

from ..helpers import claim_input
from ..people import CHEN_JING, GUANGXI, LI_NA, WANG_QIANG, ZHANG_WEI, membership, province_id, zj

JT, NB, HZ = '浙江交通工程建设集团有限公司', '宁波港航工程有限公司', '杭州市城建设计研究院'


def unit(name) -> Organisation:
    return db.session.scalar(select(Organisation).where(Organisation.name == name))


def learner(key=ZHANG_WEI) -> Membership:
    return membership(key, 'learner')


def nb_admin() -> Membership:
    return membership(WANG_QIANG, 'unit_admin')


def logged(t) -> list[str]:
    return list(db.session.scalars(select(FlowLog.action).where(
        FlowLog.subject_type == 'transfer', FlowLog.subject_id == t.id).order_by(FlowLog.id)))


def item_of(t):
    return ops.open_item(t)


def approved_claim(key=ZHANG_WEI) -> Claim:
    claim = claims.create_claim(learner(key), claim_input())
    claims.submit_claim(learner(key), claim, 'unit')
    claims.review(membership('jtjt_admin'), claims.open_item(claim).id, 'approve', None, None)
    claims.review(membership('jiaotong'), claims.open_item(claim).id, 'approve', Decimal(18), None)
    assert claim.outcome == 'approved'
    return claim


def test_learner_transfer_approved_by_both_units_moves_her_and_keeps_her_hours(ctx):
    claim = approved_claim()
    m = learner()
    before = claims.yearly_totals(m.user_id)
    t = ops.request_transfer(m, unit(NB).id, '工作调动')
    assert (t.status_label, t.outcome, t.from_unit.name, t.from_department.name) == ('待原单位审核', 'pending', JT, '工程部')
    item = item_of(t)
    assert (item.lane, item.scope_org.name, item.scope_department_id, item.form_key) == (
        'unit_admin', JT, None, 'transfer_out_review')
    with pytest.raises(ops.TransferError, match='无权处理'):  # the new unit cannot decide the transfer out
        ops.decide(nb_admin(), item.id, 'approve', None)
    with pytest.raises(ops.TransferError, match='无权处理'):  # a secondary admin does not decide transfers
        ops.decide(membership('jtjt_gcb'), item.id, 'approve', None)
    ops.decide(membership('jtjt_admin'), item.id, 'approve', None)
    assert t.status_label == '待新单位审核'
    item = item_of(t)
    assert (item.scope_org.name, item.form_key) == (NB, 'transfer_in_review')
    with pytest.raises(ops.TransferError, match='无权处理'):
        ops.decide(membership('jtjt_admin'), item.id, 'approve', None)
    ops.decide(nb_admin(), item.id, 'approve', None)
    assert (t.status_label, t.outcome) == ('已调入', 'approved') and t.decided_at is not None
    assert item_of(t) is None
    db.session.expire_all()
    m = learner()
    assert (m.org.name, m.department_id) == (NB, None)
    assert claim.unit.name == JT  # the claim keeps the unit it was made in
    assert claims.yearly_totals(m.user_id) == before
    assert logged(t) == ['提交转出申请', '原单位同意转出', '新单位同意转入', '调转完成']


def test_the_old_unit_refuses_with_a_reason_she_sees(ctx):
    t = ops.request_transfer(learner(), unit(NB).id, '工作调动')
    with pytest.raises(ops.TransferError, match='必须填写原因'):
        ops.decide(membership('jtjt_admin'), item_of(t).id, 'reject', ' ')
    ops.decide(membership('jtjt_admin'), item_of(t).id, 'reject', '项目未结束')
    assert (t.status_label, t.outcome, t.refusal_reason) == ('原单位不同意', 'rejected', '项目未结束')
    assert learner().org.name == JT and item_of(t) is None
    assert logged(t) == ['提交转出申请', '原单位不同意转出']
    again = ops.request_transfer(learner(), unit(NB).id, '再次申请')  # a refused transfer no longer blocks
    assert again.status_label == '待原单位审核'


def test_the_new_unit_refuses(ctx):
    t = ops.request_transfer(learner(), unit(NB).id, '工作调动')
    ops.decide(membership('jtjt_admin'), item_of(t).id, 'approve', None)
    ops.decide(nb_admin(), item_of(t).id, 'reject', '暂无编制')
    assert (t.status_label, t.outcome, t.refusal_reason) == ('新单位不同意', 'rejected', '暂无编制')
    assert learner().org.name == JT


@pytest.mark.parametrize('approved_out', [False, True], ids=['at-old-unit', 'at-new-unit'])
def test_she_withdraws_while_pending(ctx, approved_out):
    t = ops.request_transfer(learner(), unit(NB).id, '工作调动')
    if approved_out:
        ops.decide(membership('jtjt_admin'), item_of(t).id, 'approve', None)
    stale = item_of(t)
    with pytest.raises(ops.TransferError, match='只有发起人'):
        ops.withdraw(learner(LI_NA), t)
    ops.withdraw(learner(), t)
    assert (t.status_label, t.outcome) == ('已撤回', 'deleted') and item_of(t) is None
    assert stale.completed_at is not None and stale.outcome == 'cancelled'
    with pytest.raises(ops.TransferError, match='不能撤回'):
        ops.withdraw(learner(), t)
    with pytest.raises(runtime.TaskAlreadyHandled):
        ops.decide(nb_admin() if approved_out else membership('jtjt_admin'), stale.id, 'approve', None)
    assert learner().org.name == JT
    assert logged(t)[-1] == '撤回'


def test_refused_while_something_is_pending_listing_it(ctx):
    pending = claims.create_claim(learner(), claim_input(title='桥梁检测培训班'))
    claims.submit_claim(learner(), pending, 'unit')
    returned = claims.create_claim(learner(), claim_input(title='隧道施工培训班'))
    claims.submit_claim(learner(), returned, 'unit')
    claims.review(membership('jtjt_admin'), claims.open_item(returned).id, 'return', None, '请补充证明')
    claims.create_claim(learner(), claim_input(title='草稿不算'))  # a draft is not under review
    with pytest.raises(ops.TransferError) as refused:
        ops.request_transfer(learner(), unit(NB).id, '工作调动')
    message = refused.value.message
    assert '有待审核的信息' in message and '桥梁检测培训班' in message and '隧道施工培训班' in message
    assert '草稿不算' not in message
    assert ops.pending_items(learner().user_id) == ['学时登记“桥梁检测培训班”（待初审）', '学时登记“隧道施工培训班”（退回修改）']


def test_an_open_transfer_blocks_another_and_is_listed(ctx):
    ops.request_transfer(learner(), unit(NB).id, '工作调动')
    with pytest.raises(ops.TransferError, match='调往“宁波港航工程有限公司”的单位调转（待原单位审核）'):
        ops.request_transfer(learner(), unit(HZ).id, '改去杭州')
    with pytest.raises(ops.TransferError, match='调往“宁波港航工程有限公司”'):
        ops.send_out(membership('jtjt_admin'), learner().id, unit(HZ).id, '单位调出')


def test_refused_for_a_bad_target_or_reason(ctx):
    with pytest.raises(ops.TransferError, match='不能是当前所在单位'):
        ops.request_transfer(learner(), unit(JT).id, '原因')
    with pytest.raises(ops.TransferError, match='请从搜索结果中选择'):
        ops.request_transfer(learner(), unit(JT).parent_id, '原因')  # a supervising department is no unit
    with pytest.raises(ops.TransferError, match='请填写调转原因'):
        ops.request_transfer(learner(), unit(NB).id, '  ')


def test_unit_sends_a_member_out_and_the_new_unit_accepts(ctx):
    t = ops.send_out(membership('hzcj_admin'), learner(CHEN_JING).id, unit(NB).id, '项目部整体划转')
    assert (t.status_label, t.initiated_by, t.initiator.name) == ('待新单位接收', 'unit', '城建院管理员')
    item = item_of(t)
    assert (item.scope_org.name, item.form_key) == (NB, 'transfer_accept')
    with pytest.raises(ops.TransferError, match='只有发起人'):  # she did not start it
        ops.withdraw(learner(CHEN_JING), t)
    ops.decide(nb_admin(), item.id, 'approve', None)
    assert t.status_label == '已调入'
    db.session.expire_all()
    assert learner(CHEN_JING).org.name == NB
    assert logged(t) == ['人员调出', '新单位接收', '调转完成']


def test_the_new_unit_refuses_to_accept_and_the_old_unit_may_withdraw(ctx):
    t = ops.send_out(membership('hzcj_admin'), learner(CHEN_JING).id, unit(NB).id, '划转')
    ops.decide(nb_admin(), item_of(t).id, 'reject', '不接收')
    assert (t.status_label, t.refusal_reason) == ('新单位拒绝接收', '不接收')
    again = ops.send_out(membership('hzcj_admin'), learner(CHEN_JING).id, unit(NB).id, '再次划转')
    ops.withdraw(membership('hzcj_admin'), again)
    assert again.status_label == '已撤回' and learner(CHEN_JING).org.name == HZ


def test_a_unit_sends_out_only_its_own_staff(ctx):
    with pytest.raises(ops.TransferError, match='请选择本单位'):
        ops.send_out(membership('hzcj_admin'), learner(ZHANG_WEI).id, unit(NB).id, '划转')
    with pytest.raises(ops.TransferError, match='请选择本单位'):  # 工程部's admin: not 设计院's 李娜
        ops.send_out(membership('jtjt_gcb'), learner(LI_NA).id, unit(NB).id, '划转')
    t = ops.send_out(membership('jtjt_gcb'), learner(ZHANG_WEI).id, unit(NB).id, '划转')
    assert t.status_label == '待新单位接收'


def test_a_second_reviewer_finds_the_task_done(ctx):
    t = ops.request_transfer(learner(), unit(NB).id, '工作调动')
    item_id = item_of(t).id
    ops.decide(membership('jtjt_admin'), item_id, 'approve', None)
    with pytest.raises(runtime.TaskAlreadyHandled):
        ops.decide(membership('jtjt_admin'), item_id, 'approve', None)


def test_fuzzy_unit_search(ctx):
    assert [o.name for o in ops.search_orgs('宁波', zj()).items] == [NB]            # locality / name
    assert [o.name for o in ops.search_orgs('MA27U0AB1J', zj()).items] == [JT]     # credit code
    assert [o.name for o in ops.search_orgs('交通运输厅', zj()).items] == []         # supervising departments are no units
    assert ops.search_orgs('%', zj()).items == [] and ops.search_orgs(' ', zj()).items == []
    assert ops.search_orgs('有限公司', zj()).total == 2
    # 广西's learners and units find 广西's units only, and the reverse
    assert [o.name for o in ops.search_orgs('有限公司', province_id(GUANGXI)).items] == ['福建工程设计有限公司南宁第三分公司']
    assert ops.search_orgs('广西大学', zj()).items == []


def test_unit_search_pages_beyond_the_first_ten(ctx):
    for seq in range(12):
        db.session.add(Organisation(kind='unit', name=f'测试单位{seq:02d}', parent_id=unit(JT).parent_id))
    db.session.flush()
    first, second = ops.search_orgs('测试单位', zj()), ops.search_orgs('测试单位', zj(), 2)
    assert (len(first.items), first.total, first.pages, first.has_next) == (10, 12, 2, True)
    assert [o.name for o in second.items] == ['测试单位10', '测试单位11']
    eleventh = second.items[0]
    assert ops.request_transfer(learner(), eleventh.id, '工作调动').to_unit == eleventh
    assert unit(JT) not in ops.search_orgs('有限公司', zj(), exclude=[unit(JT).id]).items


def test_a_title_change_or_enrolment_in_review_also_blocks_a_transfer(ctx):
    from webapp.enrolment import operations as enrol
    from webapp.profile import operations as profile
    profile.request_title_change(learner(), '高级工程师', date(2025, 1, 1))
    enrol.enrol(learner(), enrol.EnrolmentInput('国有企业', '群众', '大学本科', '工程师', date(2018, 6, 1), '公路工程'))
    with pytest.raises(ops.TransferError) as refused:
        ops.request_transfer(learner(), unit(NB).id, '工作调动')
    assert '职称变更为“高级工程师”（待单位审核）' in refused.value.message
    assert f'{enrol.enrolment_year(learner())} 年度报名（待单位审核）' in refused.value.message


DETAILS = ('国有企业', '群众', '大学本科', '工程师', date(2018, 6, 1), '公路工程')


def test_nothing_new_starts_while_a_transfer_is_pending(ctx):
    from webapp.enrolment import operations as enrol
    from webapp.profile import operations as profile
    draft = claims.create_claim(learner(), claim_input(title='调转前的草稿'))  # a draft does not block a transfer
    t = ops.request_transfer(learner(), unit(NB).id, '工作调动')
    busy = '您有单位调转申请正在办理中（调往“宁波港航工程有限公司”，待原单位审核），办结或撤回后才能'
    with pytest.raises(claims.ClaimError, match=busy + '提交学时登记'):
        claims.submit_claim(learner(), draft, 'unit')
    with pytest.raises(claims.ClaimError, match=busy + '新增学时登记'):
        claims.create_claim(learner(), claim_input())
    with pytest.raises(claims.ClaimError, match='张伟有单位调转申请正在办理中'):  # nor her unit for her
        claims.create_claim(membership('jtjt_admin'), claim_input(), learner().user)
    with pytest.raises(profile.ProfileError, match=busy + '申请变更职称'):
        profile.request_title_change(learner(), '高级工程师', date(2025, 1, 1))
    with pytest.raises(enrol.EnrolmentError, match=busy + '报名'):
        enrol.enrol(learner(), enrol.EnrolmentInput(*DETAILS))
    ops.decide(membership('jtjt_admin'), item_of(t).id, 'approve', None)
    with pytest.raises(claims.ClaimError, match='（调往“宁波港航工程有限公司”，待新单位审核）'):
        claims.submit_claim(learner(), draft, 'unit')
    ops.withdraw(learner(), t)
    claims.submit_claim(learner(), draft, 'unit')  # withdrawn: she files again
    assert draft.status_label == '待初审'


def test_a_member_sent_out_cannot_file_either(ctx):
    ops.send_out(membership('hzcj_admin'), learner(CHEN_JING).id, unit(NB).id, '划转')
    with pytest.raises(claims.ClaimError, match='待新单位接收'):
        claims.create_claim(learner(CHEN_JING), claim_input())


def test_the_new_unit_cannot_take_her_while_something_still_waits_at_the_old_one(ctx, monkeypatch):
    t = ops.request_transfer(learner(), unit(NB).id, '工作调动')
    ops.decide(membership('jtjt_admin'), item_of(t).id, 'approve', None)
    # Filed by a path that skipped the guard (e.g. before it existed): it must not travel with her.
    monkeypatch.setattr(claims, 'refuse_while_transferring', lambda *args: None)
    waiting = claims.create_claim(learner(), claim_input(title='桥梁检测培训班'))
    claims.submit_claim(learner(), waiting, 'unit')
    monkeypatch.undo()
    with pytest.raises(ops.TransferError) as refused:
        ops.decide(nb_admin(), item_of(t).id, 'approve', None)
    assert '暂不能同意调入' in refused.value.message and '学时登记“桥梁检测培训班”（待初审）' in refused.value.message
    assert '单位调转' not in refused.value.message  # the transfer being decided is not "pending" against itself
    assert t.status_label == '待新单位审核' and learner().org.name == JT
    claims.review(membership('jtjt_admin'), claims.open_item(waiting).id, 'approve', None, None)
    claims.review(membership('jiaotong'), claims.open_item(waiting).id, 'approve', Decimal(18), None)
    ops.decide(nb_admin(), item_of(t).id, 'approve', None)
    assert t.status_label == '已调入'


def test_a_refused_enrolment_does_not_block_and_after_the_move_the_new_unit_reviews_it(ctx):
    from webapp.enrolment import operations as enrol
    e = enrol.enrol(learner(), enrol.EnrolmentInput(*DETAILS))
    enrol.review(membership('jtjt_admin'), enrol.open_review(e).id, 'reject', '资料不全')
    assert (e.status_label, e.outcome) == ('审核不通过', 'returned')
    assert ops.pending_items(learner().user_id) == []
    t = ops.request_transfer(learner(), unit(NB).id, '工作调动')
    with pytest.raises(enrol.EnrolmentError, match='办结或撤回后才能重新报名'):
        enrol.resubmit(learner(), e, enrol.EnrolmentInput(*DETAILS))
    ops.decide(membership('jtjt_admin'), item_of(t).id, 'approve', None)
    ops.decide(nb_admin(), item_of(t).id, 'approve', None)
    db.session.expire_all()
    enrol.resubmit(learner(), e, enrol.EnrolmentInput(*DETAILS))
    assert e.status_label == '待单位审核' and enrol.open_review(e).scope_org.name == NB


def test_she_withdraws_a_title_change_in_review_and_may_then_transfer(ctx):
    from webapp.profile import operations as profile
    change = profile.request_title_change(learner(), '高级工程师', date(2025, 1, 1))
    review = db.session.scalar(select(WorkItem).where(WorkItem.subject_type == 'title_change',
                                                      WorkItem.completed_at.is_(None)))
    with pytest.raises(ops.TransferError, match='职称变更为“高级工程师”（待单位审核）'):
        ops.request_transfer(learner(), unit(NB).id, '工作调动')
    with pytest.raises(profile.ProfileError, match='只能撤回本人'):
        profile.withdraw_title_change(learner(LI_NA), change)
    profile.withdraw_title_change(learner(), change)
    assert (change.status_label, change.outcome) == ('已撤回', 'deleted')
    assert review.completed_at is not None and learner().user.title != '高级工程师'
    with pytest.raises(runtime.TaskAlreadyHandled):
        profile.review_title_change(membership('jtjt_admin'), review.id, 'approve', None)
    with pytest.raises(profile.ProfileError, match='不能撤回'):
        profile.withdraw_title_change(learner(), change)
    assert ops.request_transfer(learner(), unit(NB).id, '工作调动').status_label == '待原单位审核'
    assert list(db.session.scalars(select(FlowLog.action).where(FlowLog.subject_type == 'title_change'))) == [
        '申请变更职称', '撤回']
