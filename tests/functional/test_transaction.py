"""One request = one transaction: an error after the engine ran leaves the claim, the workflow and the inbox as
they were."""
import pytest
from sqlalchemy import func, select

from models import Claim, FlowLog, WorkflowInstance, WorkItem, db
from webapp.workflow import runtime

from ..helpers import submitted_claim
from ..people import ZHANG_WEI, login


def snapshot(claim_id):
    db.session.expire_all()
    claim = db.session.get(Claim, claim_id)
    instance = db.session.get(WorkflowInstance, claim.instance_id)
    open_items = db.session.scalars(select(WorkItem.task_name).where(
        WorkItem.subject_id == claim_id, WorkItem.completed_at.is_(None))).all()
    logs = db.session.scalar(select(func.count(FlowLog.id)).where(FlowLog.subject_id == claim_id))
    return claim.status_label, claim.reviewed_hours, instance.state, instance.lock_version, open_items, logs


def test_a_failure_while_saving_the_workflow_changes_nothing(app, client, monkeypatch):
    with app.app_context():
        claim_id, item_id = submitted_claim(ZHANG_WEI)
        before = snapshot(claim_id)

    def broken_dump(workflow):
        raise RuntimeError('disk full while serialising')

    monkeypatch.setattr(runtime, 'dump_workflow', broken_dump)
    login(client, 'jtjt_admin')
    with pytest.raises(RuntimeError):  # TESTING propagates; in production this is the 500 page, after rollback
        client.post(f'/claims/{claim_id}/review', data={'work_item_id': item_id, 'decision': 'approve', 'hours': '9'})
    with app.app_context():
        assert snapshot(claim_id) == before
        assert before[0] == '待初审' and before[4] == ['unit_review']


@pytest.mark.app_config(PROPAGATE_EXCEPTIONS=False)  # the 500 page, as in production (still test mode: the captcha)
def test_in_production_the_error_page_is_shown_and_nothing_is_saved(app, monkeypatch):
    with app.app_context():
        claim_id, item_id = submitted_claim(ZHANG_WEI)
        before = snapshot(claim_id)
    monkeypatch.setattr(runtime, 'dump_workflow', lambda workflow: 1 / 0)
    client = login(app.test_client(), 'jtjt_admin')
    response = client.post(f'/claims/{claim_id}/review', data={'work_item_id': item_id, 'decision': 'approve'})
    assert response.status_code == 500 and '系统错误' in response.get_data(as_text=True)
    with app.app_context():
        assert snapshot(claim_id) == before


@pytest.mark.parametrize('when', ['in the view', 'at commit'])
def test_a_conflicting_save_answers_409_and_saves_nothing(app, client, monkeypatch, when):
    """Two admins add the same thing at once: the second request's checks passed before the first committed, and
    the database refuses its insert (a real unique-key violation here), during the view or at the final commit."""
    from models import Department, Membership
    from webapp.unit import operations as unit_ops
    real_add = unit_ops.add_department

    def racing_add(m, name):
        department = real_add(m, name)
        db.session.add(Membership(user_id=m.user_id, role=m.role, org_id=m.org_id))  # the other request's row
        if when == 'in the view':
            db.session.flush()
        return department

    monkeypatch.setattr(unit_ops, 'add_department', racing_add)
    login(client, 'jtjt_admin')
    response = client.post('/unit/departments', data={'action': 'add', 'name': '质检部'})
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and '数据已被他人同时修改，请刷新后重试' in page
    assert '已新增部门' not in page
    with app.app_context():
        assert db.session.scalar(select(Department.id).where(Department.name == '质检部')) is None
        assert db.session.scalar(select(func.count(FlowLog.id)).where(FlowLog.subject_type == 'department')) == 0
    assert '已新增部门' not in client.get('/unit/departments').get_data(as_text=True)  # no stale success message
