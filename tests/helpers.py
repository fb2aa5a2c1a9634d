"""Builders shared by the tests: valid claim input, driving a claim through the operations, and two people acting
at once."""
import threading
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

from SpiffWorkflow.util.task import TaskState

from models import db
from webapp.claims import operations as ops
from webapp.workflow import engine


@contextmanager
def first_one_holding_on(app, first):
    """Two people acting at once: *first()* runs in another thread and keeps its transaction open while the body of
    the with-block (the second person) starts; it commits half a second later, while the second waits for its lock.
    Asserts, on leaving, that the first one succeeded."""
    locked, release, outcome = threading.Event(), threading.Event(), {}

    def run_first():
        with app.app_context():
            try:
                first()
                locked.set()
                release.wait(10)
                db.session.commit()
                outcome['first'] = 'ok'
            except Exception as exc:  # pragma: no cover - reported by the assertion below
                outcome['first'] = repr(exc)
                db.session.rollback()
                locked.set()
            finally:
                db.session.remove()

    worker = threading.Thread(target=run_first)
    worker.start()
    assert locked.wait(10)
    threading.Timer(0.5, release.set).start()
    try:
        yield
    finally:
        worker.join(10)
    assert outcome['first'] == 'ok', outcome['first']


def year() -> int:
    return ops.today().year


def claim_input(**overrides) -> ops.ClaimInput:
    y = year()
    values = dict(pathway='training', sub_type='培训班', level=None, rank=None, quantity=Decimal(1),
                  title='省级公路养护技术培训班', start_date=date(y, 3, 1), end_date=date(y, 3, 3),
                  applied_hours=Decimal(18), year=y, description=None, certificate_no=None, pledged=True)
    values.update(overrides)
    return ops.ClaimInput(**values)


def claim_form(**overrides) -> dict:
    """POST data of a valid claim form (training, 3 days, 18 hours)."""
    y = year()
    data = dict(pathway='training', sub_type='培训班', level='', rank='', quantity='1', title='省级公路养护技术培训班',
                start_date=f'{y}-03-01', end_date=f'{y}-03-03', applied_hours='18', year=str(y),
                description='', certificate_no='', pledge='y')
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def submitted_claim(learner_key: str, **overrides):
    """A claim of the given learner, saved and submitted to her unit and committed (inside an app context).
    Returns (claim id, id of the unit-review inbox row)."""
    from models import db

    from .people import membership
    learner = membership(learner_key, 'learner')
    claim = ops.create_claim(learner, claim_input(**overrides))
    ops.submit_claim(learner, claim, 'unit')
    db.session.commit()
    return claim.id, ops.open_item(claim).id


def claim_through_the_engine(bpmn: str, dmn: str, decision: str = 'return') -> bool:
    """The claim process as the engine alone runs it (no database): start, submit to the unit, the unit's
    *decision*; whether the process completed."""
    workflow = engine.new_workflow(engine.parse_process('claim', bpmn, (dmn,)))
    workflow.get_next_task(state=TaskState.READY).data.update(
        claim_id=1, window_closes_at='2099-12-31T23:59:59+08:00', remind_after='P3D', escalate_after='P7D')
    workflow.do_engine_steps()
    for data in ({'action': 'submit', 'target': 'unit', 'pathway': 'exam', 'level': '', 'rank': 0, 'quantity': 1.0},
                 {'decision': decision, 'comment': None}):
        task = workflow.get_next_task(state=TaskState.READY, manual=True)
        task.set_data(**data)
        task.run()
        workflow.do_engine_steps()
    return workflow.is_completed()
