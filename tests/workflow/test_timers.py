"""Timers in the claim diagram, fired by the worker: the registration window closing, review reminders and
escalation, failure handling. Time is moved with time-machine; edges are in Asia/Shanghai."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import func, select

from models import FlowLog, Notification, WorkflowInstance, WorkItem, db
from webapp import timers
from webapp.claims import operations as ops
from webapp.inbox.views import todo_count

from ..helpers import claim_input
from ..people import ZHANG_WEI, membership, zj

SHANGHAI = ZoneInfo('Asia/Shanghai')


def local(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def year() -> int:
    return ops.today().year


def learner():
    return membership(ZHANG_WEI, 'learner')


def notified(account) -> list[str]:
    user_id = membership(account).user_id
    return list(db.session.scalars(select(Notification.text).where(Notification.user_id == user_id)))


def logged(claim, action) -> int:
    return db.session.scalar(select(func.count(FlowLog.id)).where(
        FlowLog.subject_type == 'claim', FlowLog.subject_id == claim.id, FlowLog.action == action))


def test_a_draft_left_open_when_the_window_closes_stays_a_draft_shown_as_closed(ctx):
    y = year()
    with time_machine.travel(local(y, 3, 1, 9), tick=False) as clock:
        claim = ops.create_claim(learner(), claim_input())
        db.session.commit()
        instance = db.session.get(WorkflowInstance, claim.instance_id)
        assert instance.next_timer_at == datetime(y, 12, 31, 15, 59, 59)  # 23:59:59 in Shanghai, stored as UTC

        clock.move_to(local(y, 12, 31, 23, 59, 59))
        assert timers.run_due().fired == 0
        assert claim.status_label == '待提交'

        clock.move_to(local(y + 1, 1, 1, 0, 0, 0))
        assert timers.run_due().fired == 1
        db.session.refresh(claim)
        assert claim.status_label == '已截止' and claim.outcome == 'draft'
        assert ops.can_edit(learner(), claim)  # still the learner's draft: editable, deletable
        with pytest.raises(ops.ClaimError, match='不在登记开放日期内'):
            ops.submit_claim(learner(), claim, 'unit')
        assert logged(claim, '状态变更') == 1
        assert timers.run_due().fired == 0  # fired once, never again
        ops.delete_draft(learner(), claim)
        assert claim.status_label == '已删除'


def test_a_submitted_claim_is_not_touched_by_the_window_timer(ctx):
    y = year()
    with time_machine.travel(local(y, 3, 1, 9), tick=False) as clock:
        claim = ops.create_claim(learner(), claim_input())
        ops.submit_claim(learner(), claim, 'unit')
        ops.review(membership('jtjt_admin'), ops.open_item(claim).id, 'approve', None, None)
        ops.review(membership('jiaotong'), ops.open_item(claim).id, 'approve', None, None)
        db.session.commit()
        assert claim.status_label == '通过认定'
        assert db.session.get(WorkflowInstance, claim.instance_id).next_timer_at is None
        clock.move_to(local(y + 1, 2, 1))
        assert timers.run_due().fired == 0


def test_a_waiting_review_reminds_its_reviewers_then_escalates_to_the_next_level(ctx):
    y = year()
    with time_machine.travel(local(y, 3, 2, 9), tick=False) as clock:
        claim = ops.create_claim(learner(), claim_input())
        ops.submit_claim(learner(), claim, 'unit')
        db.session.commit()
        item = ops.open_item(claim)

        clock.move_to(local(y, 3, 5, 8, 59))  # 3 days less a minute: nothing yet
        assert timers.run_due().fired == 0 and notified('jtjt_admin') == []

        clock.move_to(local(y, 3, 5, 9, 0, 1))
        assert timers.run_due().fired == 1
        # the unit's principal admin and the secondary admin of 张伟's department; nobody of another unit
        assert notified('jtjt_admin') == ['“单位初审”已等待 3 天，请尽快处理']
        assert len(notified('jtjt_gcb')) == 1 and notified('hzcj_admin') == [] and notified('jiaotong') == []
        assert timers.run_due().fired == 0  # a reminder is sent once
        assert item.overdue_at is None and todo_count(membership('jiaotong')) == 0

        clock.move_to(local(y, 3, 9, 9, 0, 1))  # 7 days: overdue, escalated to 交通运输厅
        assert timers.run_due().fired == 1
        db.session.refresh(item)
        assert item.overdue_at is not None and item.escalated_org.name == '浙江省交通运输厅'
        assert notified('jiaotong') == ['下级超期未办：浙江交通工程建设集团有限公司的“单位初审”已等待 7 天，已超期']
        assert todo_count(membership('jiaotong')) == 1 and todo_count(membership('zhujian')) == 0
        assert logged(claim, '超时提醒') == 1 and logged(claim, '超期上报') == 1
        assert db.session.get(WorkflowInstance, claim.instance_id).next_timer_at is None

        # the next level may act on it; the claim then waits for its final review with fresh timers
        ops.review(membership('jiaotong'), item.id, 'approve', None, None)
        db.session.commit()
        assert claim.status_label == '待终审'
        assert db.session.get(WorkflowInstance, claim.instance_id).next_timer_at == datetime(y, 3, 12, 1, 0, 1)


def test_a_review_done_in_time_sends_no_reminder(ctx):
    y = year()
    with time_machine.travel(local(y, 3, 2, 9), tick=False) as clock:
        claim = ops.create_claim(learner(), claim_input())
        ops.submit_claim(learner(), claim, 'unit')
        clock.shift(timedelta(days=2))
        ops.review(membership('jtjt_admin'), ops.open_item(claim).id, 'approve', None, None)
        db.session.commit()
        clock.shift(timedelta(days=2, hours=1))  # 4 days after submission, 2 after the unit review
        assert timers.run_due().fired == 0
        assert notified('jtjt_admin') == [] and notified('jiaotong') == []


def test_one_broken_instance_is_retried_with_backoff_and_does_not_stop_the_others(ctx):
    y = year()
    with time_machine.travel(local(y, 3, 2, 9), tick=False) as clock:
        broken = ops.create_claim(learner(), claim_input(title='坏的'))
        good = ops.create_claim(learner(), claim_input(title='好的'))
        for claim in (broken, good):
            ops.submit_claim(learner(), claim, 'unit')
        db.session.get(WorkflowInstance, broken.instance_id).state = '{"not": "a workflow"}'
        db.session.commit()

        clock.move_to(local(y, 3, 5, 10))
        result = timers.run_due()
        assert (result.fired, result.failed) == (1, 1)
        instance = db.session.get(WorkflowInstance, broken.instance_id)
        assert instance.timer_failures == 1 and instance.timer_error
        assert instance.timer_retry_at == datetime(y, 3, 5, 2, 1)  # one minute later (UTC)
        assert logged(good, '超时提醒') == 1 and logged(broken, '超时提醒') == 0

        assert timers.run_due().failed == 0  # waiting for its retry
        clock.shift(timedelta(minutes=1, seconds=1))
        assert timers.run_due().failed == 1
        db.session.refresh(instance)
        assert instance.timer_failures == 2
        assert instance.timer_retry_at == datetime(y, 3, 5, 2, 3, 1)  # then two minutes


def test_backoff_grows_and_is_capped():
    assert [timers.backoff(n).total_seconds() / 60 for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert timers.backoff(30) == timers.MAX_BACKOFF


def test_an_unknown_service_or_a_bad_timer_is_refused_before_it_can_run(ctx):
    from webapp.workflow.validation import DiagramError
    from webapp.workflow.versions import add_version
    from models.workflow import BPMN
    source = open('bpmn/claim.bpmn', encoding='utf-8').read()
    with pytest.raises(DiagramError) as info:
        add_version(BPMN, source.replace('id="notify_assignees"', 'id="os_system"'), province_id=zj())
    assert any('服务任务 "os_system" 不存在' in p for p in info.value.problems)
    with pytest.raises(DiagramError) as info:
        add_version(BPMN, source.replace('>remind_after<', '>"P3X"<', 1), province_id=zj())
    assert any('remind_unit' in p and '不是有效的 ISO 8601' in p for p in info.value.problems)
    with pytest.raises(DiagramError) as info:
        add_version(BPMN, source.replace('>remind_after<', '>().__class__<', 1), province_id=zj())
    assert any('remind_unit' in p and '计时器' in p for p in info.value.problems)
    assert db.session.scalar(select(func.count(WorkItem.id))) == 0


def test_moving_the_window_moves_the_closing_of_waiting_drafts(ctx):
    from datetime import date

    from models import RegistrationWindow
    y = year()
    with time_machine.travel(local(y, 3, 1, 9), tick=False) as clock:
        draft = ops.create_claim(learner(), claim_input())
        window = db.session.scalar(select(RegistrationWindow).where(RegistrationWindow.province_id == zj()))
        window.closes_on = date(y, 6, 30)
        assert ops.window_changed(window.province_id) == 1
        db.session.commit()
        assert db.session.get(WorkflowInstance, draft.instance_id).next_timer_at == datetime(y, 6, 30, 15, 59, 59)
        clock.move_to(local(y, 7, 1, 0, 0, 1))
        assert timers.run_due().fired == 1
        db.session.refresh(draft)
        assert draft.status_label == '已截止'
