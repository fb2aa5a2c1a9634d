"""bpmn/supplement.bpmn through the supplement operations: every branch, the window edges (Asia/Shanghai), the
window-closing timer, the cap of the supplemented year, and who may act."""
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select

from models import FlowLog, Organisation, RegistrationWindow, WorkItem, db
from webapp import hours, timers
from webapp.claims import operations as claims
from webapp.claims.queries import handled_flag
from webapp.permissions import can_see_supplement
from webapp.supplements import operations as ops

from ..helpers import claim_input
from ..people import CHEN_JING, LI_NA, ZHANG_WEI, membership, zj

SHANGHAI = ZoneInfo('Asia/Shanghai')
Y = claims.today().year          # the supplement window year; Y - 1 is supplemented


def local(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def learner(key=ZHANG_WEI):
    return membership(key, 'learner')


def approved_claim_last_year(key=ZHANG_WEI, hours=18, pathway='training'):
    """A claim of year Y-1 approved through the real claim process (the registration window moved back a year)."""
    window = db.session.scalar(select(RegistrationWindow).where(RegistrationWindow.province_id == zj()))
    saved = (window.year, window.opens_on, window.closes_on)
    window.year, window.opens_on, window.closes_on = Y - 1, date(Y - 1, 1, 1), date(Y, 12, 31)
    extra = {} if pathway == 'training' else dict(pathway='exam', sub_type='交通运输类执（职）业资格考试', quantity=Decimal(1))
    claim = claims.create_claim(learner(key), claim_input(year=Y - 1, start_date=date(Y - 1, 5, 1),
                                                          end_date=date(Y - 1, 5, 3), applied_hours=Decimal(hours),
                                                          **extra))
    claims.submit_claim(learner(key), claim, 'unit')
    unit = 'jtjt_admin' if key in (ZHANG_WEI, LI_NA) else 'hzcj_admin'
    claims.review(membership(unit), claims.open_item(claim).id, 'approve', None, None)
    final = 'jiaotong' if key in (ZHANG_WEI, LI_NA) else 'zhujian'
    claims.review(membership(final), claims.open_item(claim).id, 'approve', Decimal(hours), None)
    window.year, window.opens_on, window.closes_on = saved
    assert claim.status_label == '通过认定'
    return claim


def entry_input(**overrides):
    values = dict(year=Y - 1, start_date=date(Y - 1, 9, 1), end_date=date(Y - 1, 9, 2), applied_hours=Decimal(12))
    values.update(overrides)
    return claim_input(**values)


def item_of(s, form_key=None):
    return ops.open_item(s, form_key)


def logged(s) -> list[str]:
    return list(db.session.scalars(select(FlowLog.action).where(
        FlowLog.subject_type == 'supplement', FlowLog.subject_id == s.id).order_by(FlowLog.id)))


@pytest.fixture
def january(ctx):
    with time_machine.travel(local(Y, 1, 5, 10), tick=False) as clock:
        approved_claim_last_year()
        db.session.commit()
        yield clock


def agreed(m=None):
    m = m or learner()
    s = ops.request_supplement(m, 'training')
    ops.send_request(m, s)
    ops.decide_request(membership('jtjt_admin'), item_of(s).id, 'agree', None)
    return s


def test_the_whole_path_files_the_hours_into_the_supplemented_year(january):
    m = learner()
    assert ops.eligible_pathways(m) == {'training': '参加培训进修'}
    s = ops.request_supplement(m, 'training')
    assert (s.status_label, s.year) == ('已申请', Y - 1)
    assert handled_flag(m.user_id) is None
    ops.send_request(m, s)
    assert s.status_label == '个人申请中' and handled_flag(m.user_id) == '未处理'
    item = item_of(s)
    assert (item.lane, item.scope_org.name, item.form_key) == ('unit_admin', '浙江交通工程建设集团有限公司',
                                                               'supplement_unit_agree')
    ops.decide_request(membership('jtjt_gcb'), item.id, 'agree', None)  # 张伟's department admin may decide
    assert s.status_label == '同意' and handled_flag(m.user_id) == '已处理'

    entry = ops.add_entry(m, s, entry_input())
    assert (entry.status_label, entry.year, entry.supplement_id) == ('个人保存', Y - 1, s.id)
    assert claims.can_edit(m, entry)
    claims.update_claim(m, entry, entry_input(applied_hours=Decimal(10)))
    ops.submit_entries(m, s)
    assert s.status_label == entry.status_label == '个人上报'
    assert not claims.can_edit(m, entry)

    ops.review(membership('jtjt_admin'), item_of(s).id, 'approve', None)
    assert s.status_label == '企业审核通过'
    final = item_of(s)
    assert (final.lane, final.scope_org.name) == ('province', '浙江省专业技术人员继续教育学时办')
    ops.review(membership('shengji'), final.id, 'approve', None)
    assert s.status_label == entry.status_label == '省级备案' and s.outcome == 'approved'
    assert entry.registered_hours == Decimal(10) and entry.outcome == 'approved'
    totals = {t['year']: t for t in claims.yearly_totals(m.user_id)}
    assert totals[Y - 1]['professional'] == Decimal(28)  # 18 approved last year + 10 supplemented
    assert not hours.disagreements(db.session)
    assert logged(s) == ['增补申请', '提交申请', '同意增补', '新增增补学时', '个人上报', '企业审核', '学时办审核']
    assert db.session.get(type(s.entries[0]), entry.id).supplement.instance_id == s.instance_id


def test_a_request_can_be_cancelled_before_it_is_sent_and_asked_for_again(january):
    m = learner()
    s = ops.request_supplement(m, 'training')
    ops.cancel_request(m, s)
    assert s.status_label == '已撤销' and item_of(s) is None
    with pytest.raises(claims.ClaimError, match='不能执行此操作'):
        ops.send_request(m, s)
    again = ops.request_supplement(m, 'training')
    assert again.status_label == '已申请'
    with pytest.raises(claims.ClaimError, match='每个类别只能申请一次'):
        ops.request_supplement(m, 'training')


def test_only_finally_approved_pathways_may_be_supplemented(january):
    with pytest.raises(claims.ClaimError, match='没有可增补的“参加资格证书考试”'):
        ops.request_supplement(learner(), 'exam')
    with pytest.raises(claims.ClaimError, match='没有可增补'):
        ops.request_supplement(learner(LI_NA), 'training')  # 李娜 has nothing approved last year


def test_the_unit_refuses_with_a_reason_the_learner_sees(january):
    m = learner()
    s = ops.request_supplement(m, 'training')
    ops.send_request(m, s)
    with pytest.raises(claims.ClaimError, match='必须填写原因'):
        ops.decide_request(membership('jtjt_admin'), item_of(s).id, 'refuse', '  ')
    assert s.status_label == '个人申请中'
    ops.decide_request(membership('jtjt_admin'), item_of(s).id, 'refuse', '材料已在去年登记')
    assert (s.status_label, s.outcome, s.reason) == ('不同意', 'rejected', '材料已在去年登记')
    assert handled_flag(m.user_id) == '已处理'


def test_returned_entries_are_edited_and_reported_again_then_the_unit_may_reject(january):
    m = learner()
    s = agreed()
    entry = ops.add_entry(m, s, entry_input())
    ops.submit_entries(m, s)
    with pytest.raises(claims.ClaimError, match='必须填写审核意见'):
        ops.review(membership('jtjt_admin'), item_of(s).id, 'return', '')
    ops.review(membership('jtjt_admin'), item_of(s).id, 'return', '请补充结业证书')
    assert s.status_label == entry.status_label == '退回修改'
    claims.update_claim(m, entry, entry_input(applied_hours=Decimal(8)))
    ops.submit_entries(m, s)
    ops.review(membership('jtjt_admin'), item_of(s).id, 'approve', None)
    ops.review(membership('shengji'), item_of(s).id, 'return', '日期有误')
    assert s.status_label == '退回修改'
    ops.submit_entries(m, s)
    ops.review(membership('jtjt_admin'), item_of(s).id, 'reject', '与已认定学时重复')
    assert (s.status_label, entry.status_label, entry.outcome) == ('企业审核不通过', '企业审核不通过', 'rejected')
    assert entry.registered_hours is None


def test_the_province_may_reject_after_the_unit(january):
    m = learner()
    s = agreed()
    ops.add_entry(m, s, entry_input())
    ops.submit_entries(m, s)
    ops.review(membership('jtjt_admin'), item_of(s).id, 'approve', None)
    ops.review(membership('shengji'), item_of(s).id, 'reject', '不符合增补条件')
    assert (s.status_label, s.outcome) == ('省级审核不通过', 'rejected')


def test_filing_stays_within_the_cap_of_the_supplemented_year(january):
    m = learner()
    s = agreed()
    first = ops.add_entry(m, s, entry_input(applied_hours=Decimal(12)))
    second = ops.add_entry(m, s, entry_input(title='第二期培训班', applied_hours=Decimal(12)))
    ops.submit_entries(m, s)
    ops.review(membership('jtjt_admin'), item_of(s).id, 'approve', None)
    assert ops.remaining_allowance(s) == Decimal(18)
    ops.review(membership('shengji'), item_of(s).id, 'approve', None)
    assert (first.registered_hours, second.registered_hours) == (Decimal(12), Decimal(6))
    assert claims.approved_hours(m.user_id, 'training', Y - 1) == Decimal(36)
    remark = db.session.scalar(select(FlowLog.remark).where(FlowLog.action == '学时办审核'))
    assert remark == f'通过，备案学时 18（超出 {Y - 1} 年该类别 36 学时上限的 6 学时不计）'


def test_entries_keep_the_requests_pathway_and_year_and_follow_its_process(january):
    m = learner()
    s = agreed()
    with pytest.raises(claims.ClaimError, match='只能填写“参加培训进修”'):
        ops.add_entry(m, s, entry_input(pathway='exam', sub_type='交通运输类执（职）业资格考试'))
    with pytest.raises(claims.ClaimError, match=f'只能是 {Y - 1} 年'):
        ops.add_entry(m, s, entry_input(year=Y))
    with pytest.raises(claims.ClaimError, match='请先“新增”'):
        ops.submit_entries(m, s)
    entry = ops.add_entry(m, s, entry_input())
    with pytest.raises(claims.ClaimError, match='统一“个人上报”'):
        claims.submit_claim(m, entry, 'unit')
    claims.delete_draft(m, entry)
    assert entry.status_label == '已删除' and ops.live_entries(s) == []
    assert s.status_label == '同意'


def test_only_the_learner_her_unit_and_then_the_province_see_or_act(january):
    m = learner()
    s = ops.request_supplement(m, 'training')
    assert not can_see_supplement(membership('shengji'), s)  # nothing above the unit before it is sent
    ops.send_request(m, s)
    for other in (learner(LI_NA), learner(CHEN_JING), membership('hzcj_admin')):
        assert not can_see_supplement(other, s)
    assert can_see_supplement(membership('jtjt_gcb'), s) and can_see_supplement(membership('shengji'), s)
    with pytest.raises(claims.ClaimError, match='无权处理'):
        ops.decide_request(membership('hzcj_admin'), item_of(s).id, 'agree', None)
    with pytest.raises(claims.ClaimError, match='只能办理本人'):
        ops.cancel_request(learner(LI_NA), s)
    ops.decide_request(membership('jtjt_admin'), item_of(s).id, 'agree', None)
    stale = db.session.scalar(select(WorkItem).where(WorkItem.subject_type == 'supplement',
                                                     WorkItem.form_key == 'supplement_unit_agree'))
    with pytest.raises(Exception, match='已被他人处理'):
        ops.decide_request(membership('jtjt_gcb'), stale.id, 'refuse', '晚了一步')


@pytest.mark.parametrize('moment,is_open', [
    (local(Y - 1, 12, 31, 23, 59, 59), False),
    (local(Y, 1, 1, 0, 0, 0), True),
    (local(Y, 1, 20, 23, 59, 59), True),
    (local(Y, 1, 21, 0, 0, 0), False),
])
def test_the_default_window_is_1_to_20_january_in_shanghai(ctx, moment, is_open):
    with time_machine.travel(local(Y, 1, 5, 10), tick=False) as clock:
        approved_claim_last_year()
        db.session.commit()
        clock.move_to(moment)
        if moment.year == Y - 1:  # on 31 December the window of that January is the one for Y - 2
            assert not ops.window_for(learner().org.province.id).is_open()
            with pytest.raises(claims.ClaimError, match='不在增补开放日期内'):
                ops.request_supplement(learner(), 'training')
            return
        if is_open:
            assert ops.request_supplement(learner(), 'training').status_label == '已申请'
        else:
            with pytest.raises(claims.ClaimError, match=rf'不在增补开放日期内（{Y}-01-01 至 {Y}-01-20'):
                ops.request_supplement(learner(), 'training')


def test_the_window_closing_turns_what_was_not_sent_into_closed_drafts(january):
    m = learner()
    waiting = ops.request_supplement(m, 'training')
    approved_claim_last_year(pathway='exam', hours=16)
    s_exam = ops.request_supplement(m, 'exam')
    ops.send_request(m, s_exam)
    ops.decide_request(membership('jtjt_admin'), item_of(s_exam).id, 'agree', None)
    ops.add_entry(m, s_exam, entry_input(pathway='exam', sub_type='交通运输类执（职）业资格考试'))
    db.session.commit()

    january.move_to(local(Y, 1, 20, 23, 59, 59))
    assert timers.run_due().fired == 0
    january.move_to(local(Y, 1, 21, 0, 0, 0))
    assert timers.run_due().fired == 2
    db.session.refresh(waiting)
    db.session.refresh(s_exam)
    assert waiting.status_label == '已截止' and s_exam.status_label == '已截止'
    assert s_exam.entries[0].status_label == '已截止'
    with pytest.raises(claims.ClaimError, match='不在增补开放日期内'):
        ops.send_request(m, waiting)
    with pytest.raises(claims.ClaimError, match='不在增补开放日期内'):
        ops.submit_entries(m, s_exam)
    ops.cancel_request(m, waiting)  # a closed request can still be withdrawn
    assert waiting.status_label == '已撤销'


def test_a_province_window_replaces_the_default(january):
    from models import SupplementWindow
    province = learner().org.province
    db.session.add(SupplementWindow(province_id=province.id, opens_on=date(Y, 2, 1), closes_on=date(Y, 2, 10),
                                    year=Y - 1))
    with pytest.raises(claims.ClaimError, match=f'{Y}-02-01 至 {Y}-02-10'):
        ops.request_supplement(learner(), 'training')
    january.move_to(local(Y, 2, 3, 9))
    assert ops.request_supplement(learner(), 'training').status_label == '已申请'


def test_moving_the_window_moves_the_closing_and_waiting_reviews_remind(january):
    from models import Notification, SupplementWindow, WorkflowInstance
    m = learner()
    waiting = ops.request_supplement(m, 'training')
    db.session.add(SupplementWindow(province_id=m.org.province.id, opens_on=date(Y, 1, 1), closes_on=date(Y, 1, 31),
                                    year=Y - 1))
    assert ops.window_changed(m.org.province.id) == 1
    db.session.commit()
    assert db.session.get(WorkflowInstance, waiting.instance_id).next_timer_at == datetime(Y, 1, 31, 15, 59, 59)
    ops.send_request(m, waiting)
    db.session.commit()
    january.move_to(local(Y, 1, 8, 10, 0, 1))  # three days in 个人申请中
    assert timers.run_due().fired == 1
    texts = set(db.session.scalars(select(Notification.text).where(Notification.work_item_id.is_not(None))))
    assert texts == {'“单位审批增补申请”已等待 3 天，请尽快处理'}  # (the approval of last year's claim told her too)
    assert waiting.status_label == '个人申请中'


def test_entries_sent_back_after_the_window_are_corrected_and_sent_again(january):
    """Reviews come after 20 January: 退回修改 must still be answerable, and the hours still filed."""
    m = learner()
    s = agreed()
    entry = ops.add_entry(m, s, entry_input())
    ops.submit_entries(m, s)
    db.session.commit()
    january.move_to(local(Y, 1, 25, 9))
    ops.review(membership('jtjt_admin'), item_of(s).id, 'return', '请补充结业证书')
    assert ops.may_fill(s, item_of(s))
    claims.update_claim(m, entry, entry_input(applied_hours=Decimal(8)))
    ops.submit_entries(m, s)
    ops.review(membership('jtjt_admin'), item_of(s).id, 'approve', None)
    ops.review(membership('shengji'), item_of(s).id, 'approve', None)
    assert (s.status_label, entry.registered_hours) == ('省级备案', Decimal(8))


def test_after_the_window_the_unit_cannot_agree_and_closed_requests_take_no_entries(january):
    m = learner()
    s = ops.request_supplement(m, 'training')
    ops.send_request(m, s)
    s_closed = agreed_exam = None
    approved_claim_last_year(pathway='exam', hours=16)
    agreed_exam = ops.request_supplement(m, 'exam')
    ops.send_request(m, agreed_exam)
    ops.decide_request(membership('jtjt_admin'), item_of(agreed_exam).id, 'agree', None)
    db.session.commit()
    january.move_to(local(Y, 1, 21, 9))
    timers.run_due()
    with pytest.raises(claims.ClaimError, match='增补开放日期已截止.*同意后申请人也无法填报'):
        ops.decide_request(membership('jtjt_admin'), item_of(s).id, 'agree', None)
    ops.decide_request(membership('jtjt_admin'), item_of(s).id, 'refuse', '已过增补开放日期')
    assert s.status_label == '不同意'
    s_closed = db.session.get(type(s), agreed_exam.id)
    assert s_closed.status_label == '已截止' and not ops.may_fill(s_closed, item_of(s_closed))
    with pytest.raises(claims.ClaimError, match='不在增补开放日期内'):
        ops.add_entry(m, s_closed, entry_input(pathway='exam', sub_type='交通运输类执（职）业资格考试'))
    assert ops.live_entries(s_closed) == []


def test_a_window_the_province_set_for_an_earlier_year_gives_way_to_the_default(january):
    from models import SupplementWindow
    province = learner().org.province
    db.session.add(SupplementWindow(province_id=province.id, opens_on=date(Y - 1, 1, 1), closes_on=date(Y - 1, 1, 31),
                                    year=Y - 2))
    window = ops.window_for(province.id)
    assert (window.opens_on, window.closes_on, window.year, window.configured) == (
        date(Y, 1, 1), date(Y, 1, 20), Y - 1, False)
    assert window.is_open()  # 5 January


def test_each_reviewer_sets_the_hours_she_approves(january):
    """审核学时 by the unit, then 登记学时 by the 学时办, each at most the step before's; blank keeps that."""
    m = learner()
    s = agreed()
    first = ops.add_entry(m, s, entry_input(title='甲', applied_hours=Decimal(12)))
    second = ops.add_entry(m, s, entry_input(title='乙', applied_hours=Decimal(6)))
    ops.submit_entries(m, s)
    unit = item_of(s).id
    for typed, why in (('13', '“甲”的审核学时应大于 0 且不超过 12'), ('0', '不超过 12'), ('NaN', '不超过 12'), ('abc', '不超过 12')):
        with pytest.raises(claims.ClaimError, match=why):
            ops.review(membership('jtjt_admin'), unit, 'approve', None, {first.id: typed})
    ops.review(membership('jtjt_admin'), unit, 'approve', None, {first.id: '10', second.id: ''})
    assert (first.reviewed_hours, second.reviewed_hours) == (Decimal(10), Decimal(6))
    with pytest.raises(claims.ClaimError, match='“甲”的登记学时应大于 0 且不超过 10'):
        ops.review(membership('shengji'), item_of(s).id, 'approve', None, {first.id: '12'})
    ops.review(membership('shengji'), item_of(s).id, 'approve', None, {first.id: '8.5'})
    assert (first.registered_hours, second.registered_hours) == (Decimal('8.5'), Decimal(6))
    assert '审核学时 16' in ' '.join(r or '' for r in db.session.scalars(select(FlowLog.remark).where(
        FlowLog.subject_type == 'supplement', FlowLog.subject_id == s.id)))


def test_no_supplement_moves_on_while_a_transfer_is_pending(january):
    from webapp.transfers import operations as transfers
    nb = db.session.scalar(select(Organisation).where(Organisation.name == '宁波港航工程有限公司'))
    m = learner()
    s = ops.request_supplement(m, 'training')  # 已申请: not yet before the unit, no obstacle to a transfer
    t = transfers.request_transfer(m, nb.id, '工作调动')
    with pytest.raises(ops.ClaimError, match='您有单位调转申请正在办理中.*办结或撤回后才能提交增补申请'):
        ops.send_request(m, s)
    ops.cancel_request(m, s)
    with pytest.raises(ops.ClaimError, match='办结或撤回后才能申请增补'):
        ops.request_supplement(m, 'training')
    transfers.withdraw(m, t)
    s = agreed(m)  # 同意: she fills in her entries
    ops.add_entry(m, s, entry_input())
    transfers.request_transfer(m, nb.id, '工作调动')
    with pytest.raises(ops.ClaimError, match='办结或撤回后才能上报增补学时'):
        ops.submit_entries(m, s)
    assert s.status_label == '同意'
