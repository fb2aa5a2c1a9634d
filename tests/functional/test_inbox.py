"""Inboxes: 待我处理 with filters, counts and masked ID numbers; 我已处理; 我发起的 showing where each waits."""
import pytest
from flask import url_for

from models import WorkItem, db
from webapp.claims import operations as ops
from webapp import inbox_kinds as kinds
from webapp.inbox import queries

from ..helpers import claim_input
from ..people import LI_NA, ZHANG_WEI, login, membership


@pytest.fixture
def three_claims(ctx):
    zhang, li = membership(ZHANG_WEI, 'learner'), membership(LI_NA, 'learner')
    claims = [ops.create_claim(zhang, claim_input(title='张伟 培训')),
              ops.create_claim(zhang, claim_input(title='张伟 考试', pathway='exam', sub_type='交通运输类执（职）业资格考试',
                                                  applied_hours=8)),
              ops.create_claim(li, claim_input(title='李娜 培训'))]
    for claim in claims:
        ops.submit_claim(zhang if claim.learner_id == zhang.user_id else li, claim, 'unit')
    db.session.commit()
    return claims


def test_todo_lists_filters_and_counts(client, three_claims):
    login(client, 'jtjt_admin')
    page = client.get('/inbox/').get_data(as_text=True)
    assert all(t in page for t in ('张伟 培训', '张伟 考试', '李娜 培训'))
    assert 'id="todo-count">3<' in page
    assert ZHANG_WEI not in page and '*****001X' in page  # masked
    page = client.get('/inbox/?q=李娜').get_data(as_text=True)
    assert '李娜 培训' in page and '张伟 培训' not in page
    page = client.get(f'/inbox/?q={ZHANG_WEI.lower()}').get_data(as_text=True)
    assert '张伟 培训' in page and '李娜 培训' not in page
    page = client.get('/inbox/?pathway=exam').get_data(as_text=True)
    assert '张伟 考试' in page and '张伟 培训' not in page
    page = client.get(f'/inbox/?year={ops.today().year - 1}').get_data(as_text=True)
    assert '暂无事项' in page


def test_pagination(client, three_claims, ctx):
    ctx.config['PAGE_SIZE'] = 2
    login(client, 'jtjt_admin')
    first, second = client.get('/inbox/').get_data(as_text=True), client.get('/inbox/?page=2').get_data(as_text=True)
    assert '1 / 2' in first and '2 / 2' in second
    assert sum(t in second for t in ('张伟 培训', '张伟 考试', '李娜 培训')) == 1


def test_batch_approve_then_done_list(client, three_claims, ctx):
    login(client, 'jtjt_admin')
    items = [ops.open_item(c).id for c in three_claims[:2]]
    response = client.post('/claims/review/batch', data={'decision': 'reject', 'item_ids': items, 'confirmed': '1'},
                           follow_redirects=True)
    assert '不通过或退回修改时必须填写审核意见' in response.get_data(as_text=True)
    assert [c.status_label for c in three_claims[:2]] == ['待初审', '待初审']
    response = client.post('/claims/review/batch', data={'decision': 'approve', 'item_ids': items},
                           follow_redirects=True)
    assert '将对所选 2 条待办执行“批量通过审核”' in response.get_data(as_text=True)  # asked first
    response = client.post('/claims/review/batch', data={'decision': 'approve', 'item_ids': items, 'confirmed': '1'},
                           follow_redirects=True)
    assert '已处理 2 条' in response.get_data(as_text=True)
    for claim in three_claims:
        db.session.refresh(claim)
    assert [c.status_label for c in three_claims] == ['待终审', '待终审', '待初审']
    done = client.get('/inbox/done').get_data(as_text=True)
    assert '张伟 培训' in done and '李娜 培训' not in done
    client.post('/logout')
    login(client, 'jiaotong')
    assert 'id="todo-count">2<' in client.get('/inbox/').get_data(as_text=True)


def test_mine_shows_where_each_claim_waits(client, three_claims):
    login(client, ZHANG_WEI)
    page = client.get('/inbox/mine').get_data(as_text=True)
    assert '单位初审 · 浙江交通工程建设集团有限公司' in page and '李娜 培训' not in page


def test_learner_totals_page(client, three_claims, ctx):
    zhang_claim = three_claims[0]
    ops.review(membership('jtjt_admin'), ops.open_item(zhang_claim).id, 'approve', None, None)
    ops.review(membership('jiaotong'), ops.open_item(zhang_claim).id, 'approve', 18, None)
    db.session.commit()
    login(client, ZHANG_WEI)
    page = client.get('/claims/totals').get_data(as_text=True)
    assert f'data-year="{ops.today().year}"' in page and '<td class="total">18</td>' in page


def test_kinds_of_work_get_tabs_and_unknown_kinds_are_not_found(client, three_claims, ctx):
    """Another process's tasks appear in a tab of their own, summarised by the feature that registered the kind."""
    login(client, 'jtjt_admin')
    assert 'inbox-kinds' not in client.get('/inbox/').get_data(as_text=True)  # claims only: no tabs
    assert client.get('/inbox/?kind=nonsense').status_code == 404

    kinds.register(kinds.InboxKind('test_kind', '测试事项', lambda ids: {
        i: kinds.Summary(f'事项 {i}', url_for('inbox.mine'), '张伟', ZHANG_WEI, '说明') for i in ids}))
    try:
        item = db.session.query(WorkItem).filter_by(subject_type='claim', completed_at=None).first()
        db.session.add(WorkItem(instance_id=item.instance_id, task_id='x', task_name='t', task_title='测试审核',
                                form_key='k', status_label='待审核', lane=item.lane, scope_org_id=item.scope_org_id,
                                subject_type='test_kind', subject_id=4242))
        db.session.commit()
        page = client.get('/inbox/').get_data(as_text=True)
        assert '测试事项' in page and 'id="todo-count">4<' in page
        page = client.get('/inbox/?kind=test_kind').get_data(as_text=True)
        assert '事项 4242' in page and '测试审核' in page and '*****001X' in page and '张伟 培训' not in page
    finally:
        kinds.KINDS.pop('test_kind')


def test_done_list_filters_by_where_the_claim_stands_now(client, three_claims, ctx):
    """我已处理 lists a claim by its status now, not when it was handled: the unit's approval moves on with it."""
    first = three_claims[0]
    ops.review(membership('jtjt_admin'), ops.open_item(first).id, 'approve', None, None)
    db.session.commit()
    login(client, 'jtjt_admin')
    assert '张伟 培训' in client.get('/inbox/done?status=待终审').get_data(as_text=True)
    ops.review(membership('jiaotong'), ops.open_item(first).id, 'approve', 18, None)
    db.session.commit()
    assert '张伟 培训' not in client.get('/inbox/done?status=待终审').get_data(as_text=True)
    assert '张伟 培训' in client.get('/inbox/done?status=通过认定').get_data(as_text=True)
    client.post('/logout')
    login(client, 'jiaotong')
    assert '张伟 培训' in client.get('/inbox/done?status=通过认定&pathway=training').get_data(as_text=True)


def test_filters_follow_a_claim_edited_after_its_return(client, three_claims, ctx):
    """A returned claim whose learner changes its pathway is found under the new one in every inbox: the unit's
    我已处理 and her own 待我处理."""
    first = three_claims[0]
    ops.review(membership('jtjt_admin'), ops.open_item(first).id, 'return', None, '请补充材料')
    ops.update_claim(membership(ZHANG_WEI, 'learner'), first, claim_input(
        title='张伟 培训', pathway='exam', sub_type='交通运输类执（职）业资格考试', applied_hours=8))
    db.session.commit()
    login(client, 'jtjt_admin')
    assert '张伟 培训' in client.get('/inbox/done?pathway=exam').get_data(as_text=True)
    assert '张伟 培训' not in client.get('/inbox/done?pathway=training').get_data(as_text=True)
    client.post('/logout')
    login(client, ZHANG_WEI)
    assert '张伟 培训' in client.get('/inbox/?pathway=exam&status=退回修改').get_data(as_text=True)
    assert '张伟 培训' not in client.get('/inbox/?pathway=training').get_data(as_text=True)


def test_counts_beyond_the_cap_say_more_than(client, three_claims, ctx, monkeypatch):
    """Counting stops at the cap (10,000; 2 here): the navigation and the pager say "more than" instead of a number,
    in Chinese and in English; a filtered list under the cap is counted."""
    monkeypatch.setattr(queries, 'COUNT_CAP', 2)
    ctx.config['PAGE_SIZE'] = 1
    login(client, 'jtjt_admin')
    page = client.get('/inbox/').get_data(as_text=True)
    assert 'id="todo-count">2+<' in page and '第 1 页（超过 2 条，可用筛选缩小范围）' in page
    assert '1 / 2（共 2 条）' in client.get('/inbox/?q=张伟').get_data(as_text=True)
    client.get('/lang/en')
    assert 'Page 2 (more than 2; the filters narrow the list)' in client.get('/inbox/?page=2').get_data(as_text=True)
    client.get('/lang/zh_CN')


def test_supervisor_todo_merges_own_and_escalated_items_once_each_oldest_first(client, three_claims, ctx):
    """A supervising department's 待我处理: its own final reviews and the overdue unit reviews escalated to it, in one
    list, oldest first, every row once (also one that is both), paged."""
    jiaotong = membership('jiaotong')
    ops.review(membership('jtjt_admin'), ops.open_item(three_claims[0]).id, 'approve', None, None)
    final, unit_review = ops.open_item(three_claims[0]), ops.open_item(three_claims[2])
    for item in (unit_review, final):  # as the escalation timer does; the final review is also its own
        item.overdue_at, item.escalated_org_id = ops.utcnow(), jiaotong.org_id
    db.session.commit()
    ctx.config['PAGE_SIZE'] = 1
    login(client, 'jiaotong')
    first, second = client.get('/inbox/').get_data(as_text=True), client.get('/inbox/?page=2').get_data(as_text=True)
    assert 'id="todo-count">2<' in first and '1 / 2（共 2 条）' in first and '2 / 2（共 2 条）' in second
    assert '李娜 培训' in first and '张伟 培训' in second  # the unit review waits longer than the final review
    assert '李娜 培训' in client.get('/inbox/?q=李娜').get_data(as_text=True)
    assert '暂无事项' in client.get('/inbox/?q=李娜&status=待终审').get_data(as_text=True)
