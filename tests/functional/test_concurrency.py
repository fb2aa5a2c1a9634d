"""Two reviewers acting on the same task at once: exactly one wins, the other is told."""
import threading
import time

import pytest
from sqlalchemy import func, select

from models import Claim, FlowLog, WorkItem, db
from webapp.claims import operations as ops

from ..helpers import first_one_holding_on, submitted_claim
from ..people import WANG_QIANG, ZHANG_WEI, login, membership

pytestmark = pytest.mark.committing  # two people: two threads, two connections


def test_second_reviewer_is_told_the_task_was_handled(app):
    with app.app_context():
        claim_id, item_id = submitted_claim(ZHANG_WEI)

    def first_reviewer():  # the principal admin approves and holds her transaction open while the second tries
        ops.review(membership('jtjt_admin'), item_id, 'approve', None, None)

    with first_one_holding_on(app, first_reviewer):
        second = app.test_client()
        login(second, 'jtjt_gcb')  # the department's secondary admin sees the same task
        started = time.monotonic()
        response = second.post(f'/claims/{claim_id}/review', follow_redirects=True,
                               data={'work_item_id': item_id, 'decision': 'reject', 'comment': '不同意'})
    page = response.get_data(as_text=True)
    assert '已被他人处理' in page or '正被他人同时处理' in page, page[-800:]
    with app.app_context():
        assert db.session.get(Claim, claim_id).status_label == '待终审'
        assert db.session.get(WorkItem, item_id).outcome == 'approve'
        assert db.session.scalar(select(func.count(FlowLog.id)).where(FlowLog.action == '单位审核')) == 1
    assert time.monotonic() - started < 10


def test_overlapping_batches_do_not_deadlock(app):
    """Two admins batch-approve the same claims, listed in opposite orders, at the same time."""
    with app.app_context():
        pairs = [submitted_claim(ZHANG_WEI, title=f'批量 {i}') for i in range(4)]
    item_ids = [item for _claim, item in pairs]
    results = {}

    def reviewer(name, ids):
        with app.app_context():
            try:
                done, refused = ops.batch_review(membership(name), ids, 'approve', None)
                db.session.commit()
                results[name] = (len(done), len(refused))
            except Exception as exc:  # reported by the assertion below
                results[name] = repr(exc)
                db.session.rollback()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=reviewer, args=('jtjt_admin', item_ids)),
               threading.Thread(target=reviewer, args=('jtjt_gcb', list(reversed(item_ids))))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    with app.app_context():
        statuses = [db.session.get(Claim, claim_id).status_label for claim_id, _item in pairs]
    assert statuses == ['待终审'] * 4, (statuses, results)
    assert all(isinstance(r, tuple) for r in results.values()), results
    assert sum(done for done, _refused in results.values()) == 4


def _org_id(name: str) -> int:
    from models import Organisation
    return db.session.scalar(select(Organisation.id).where(Organisation.name == name))


def _transfer():
    from webapp.transfers import operations as transfers
    return transfers.request_transfer(membership(ZHANG_WEI, 'learner'), _org_id('宁波港航工程有限公司'), '工作调动')


def _superior_change():
    from webapp.transfers import superior
    return superior.request_change(membership(WANG_QIANG, 'unit_admin'), _org_id('浙江省住房和城乡建设厅'), '业务划转')


@pytest.mark.parametrize('request_it, model, refusal', [
    (_transfer, 'Transfer', '调往“宁波港航工程有限公司”的单位调转（待原单位审核）'),
    (_superior_change, 'SuperiorChange', '已有一条更换上级的申请'),
], ids=['transfer', 'superior-change'])
def test_a_double_submitted_request_creates_one_and_refuses_the_other(app, db_url, request_it, model, refusal):
    """Two tabs send the same request at once: the second waits for the first's row lock, then is refused."""
    if db_url.startswith('sqlite'):
        pytest.skip('SQLite has no row locks; it serialises whole transactions')
    import models
    from webapp.refusals import Refused
    with first_one_holding_on(app, request_it), app.app_context():
        with pytest.raises(Refused) as refused:
            request_it()
        db.session.rollback()
    with app.app_context():
        assert refusal in refused.value.message
        assert db.session.scalar(select(func.count()).select_from(getattr(models, model))) == 1
