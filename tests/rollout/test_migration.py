"""Moving running claim instances onto a new version of bpmn/claim.bpmn; the instance view."""
from decimal import Decimal

import pytest

from sqlalchemy import select

from models import FlowLog, WorkflowInstance, db
from models.workflow import BPMN, DRAFT
from webapp.claims import operations as ops
from webapp.rollout import migration
from webapp.workflow.versions import add_version, published

from ..helpers import claim_input
from ..people import ZHANG_WEI, login, membership, zj

LABEL = '<spiffworkflow:property name="statusLabel" value="待初审"/>'


def province():
    return membership('shengji')


def versions():
    """v2 of the claim process: the unit review shows 等待单位审核 instead of 待初审 (a changed property)."""
    v1 = published(BPMN, 'claim', zj())
    assert LABEL in v1.content
    v2 = add_version(BPMN, v1.content.replace(LABEL, LABEL.replace('待初审', '等待单位审核')), comment='新状态名', province_id=zj())
    return v1, v2


def test_check_refuses_an_instance_waiting_in_a_changed_task_and_migrates_the_other(ctx):
    learner = membership(ZHANG_WEI, 'learner')
    draft = ops.create_claim(learner, claim_input(title='草稿'))
    waiting = ops.create_claim(learner, claim_input(title='已提交'))
    ops.submit_claim(learner, waiting, 'unit')
    v1, v2 = versions()
    checks = {c.instance.id: c.problems for c in migration.check(province(), v1.id, v2.id)}
    assert checks[draft.instance_id] == []
    assert checks[waiting.instance_id] == ['所在的环节“单位初审”在目标版本中属性已改变']

    outcomes = migration.migrate(province(), v1.id, v2.id, [draft.instance_id, waiting.instance_id])
    assert [(o.instance_id, o.migrated) for o in outcomes] == [(draft.instance_id, True), (waiting.instance_id, False)]
    moved = db.session.get(WorkflowInstance, draft.instance_id)
    assert moved.process_version_id == v2.id
    assert db.session.get(WorkflowInstance, waiting.instance_id).process_version_id == v1.id
    [log] = db.session.scalars(select(FlowLog).where(FlowLog.subject_type == 'workflow_instance',
                                                     FlowLog.subject_id == moved.id)).all()
    assert (log.action, log.remark) == ('迁移流程版本', f'v{v1.version} → v{v2.version}')

    # the migrated draft continues on v2 (its new status name) to the end; the other finishes on v1
    ops.submit_claim(learner, draft, 'unit')
    assert draft.status_label == '等待单位审核' and draft.table_hours == Decimal(18)
    for claim in (draft, waiting):
        ops.review(membership('jtjt_admin'), ops.open_item(claim).id, 'approve', Decimal(18), None)
        ops.review(membership('jiaotong'), ops.open_item(claim).id, 'approve', Decimal(18), None)
        assert (claim.status_label, claim.outcome) == ('通过认定', 'approved')
        assert db.session.get(WorkflowInstance, claim.instance_id).is_completed


def test_migration_refuses_instances_not_on_the_source_version(ctx):
    learner = membership(ZHANG_WEI, 'learner')
    claim = ops.create_claim(learner, claim_input())
    v1, v2 = versions()
    v3 = add_version(BPMN, v2.content, comment='v3', province_id=zj())
    [outcome] = migration.migrate(province(), v2.id, v3.id, [claim.instance_id])
    assert not outcome.migrated and db.session.get(WorkflowInstance, claim.instance_id).process_version_id == v1.id


@pytest.mark.parametrize('target, expected', [
    ('draft', '第 3 版是草稿版本'),     # never validated for running, and may still change
    ('older', '第 1 版是已停用版本'),   # backwards
])
def test_migration_only_goes_to_the_published_newer_version(ctx, target, expected):
    v1, v2 = versions()
    draft = add_version(BPMN, v2.content, comment='草稿', status=DRAFT, province_id=zj())
    source, to = (v1, draft) if target == 'draft' else (v2, v1)
    with pytest.raises(migration.MigrationError, match=expected):
        migration.check(province(), source.id, to.id)


def test_instance_page_shows_the_diagram_the_waiting_task_and_the_log(ctx, client):
    learner = membership(ZHANG_WEI, 'learner')
    claim = ops.create_claim(learner, claim_input())
    ops.submit_claim(learner, claim, 'unit')
    instance_id = claim.instance_id
    db.session.commit()
    other = ctx.test_client()
    login(other, 'jtjt_admin')
    assert other.get(f'/rollout/instances/{instance_id}').status_code == 403
    login(client, 'shengji')
    page = client.get(f'/rollout/instances/{instance_id}').get_data(as_text=True)
    assert 'data-waiting="unit_review"' in page and 'bpmn-navigated-viewer' in page
    assert '<bpmn:userTask id="unit_review"' in page  # the diagram XML, unescaped for bpmn-js
    assert '单位初审' in page and '提交' in page
    assert client.get('/vendor/bpmn-js/dist/bpmn-navigated-viewer.production.min.js').status_code == 200


def test_migration_page_checks_and_migrates(ctx, client):
    learner = membership(ZHANG_WEI, 'learner')
    claim = ops.create_claim(learner, claim_input())
    v1, v2 = versions()
    ids = (claim.instance_id, v1.id, v2.id)
    db.session.commit()
    login(client, 'shengji')
    page = client.get(f'/rollout/migrate?source={ids[1]}&target={ids[2]}').get_data(as_text=True)
    assert f'value="{ids[0]}" checked' in page and '可迁移' in page
    client.post('/rollout/migrate', data={'source': ids[1], 'target': ids[2], 'instance_id': str(ids[0])})
    db.session.expire_all()
    assert db.session.get(WorkflowInstance, ids[0]).process_version_id == ids[2]
    assert client.get('/rollout/').location.endswith('/workbench/')  # the one process list
