"""Engine-only cost of a claim transition (load + act + save) vs the same transition through the service layer
with the database (lock, load, act, save, inbox rows, flow log, commit), on SQLite and PostgreSQL.

Run: .venv/bin/python bench/claim_transition.py [--rounds N]   (PostgreSQL from TEST_DATABASE_URL, if set)
"""
import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from SpiffWorkflow.util.task import TaskState  # noqa: E402

from models import Claim, WorkItem, db  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp.claims import operations as ops  # noqa: E402
from webapp.cli import seed_demo_data  # noqa: E402
from webapp.workflow import engine  # noqa: E402
from webapp.workflow.runtime import _compact_loops  # noqa: E402
from tests.apps import TEST_CONFIG, create_test_app  # noqa: E402
from tests.helpers import claim_input, submitted_claim  # noqa: E402
from tests.people import ZHANG_WEI, login, membership  # noqa: E402


def parsed_claim_process():
    return engine.parse_process('claim', (ROOT / 'bpmn/claim.bpmn').read_text(encoding='utf-8'),
                                ((ROOT / 'rules/credit_hours.dmn').read_text(encoding='utf-8'),))


def engine_start(parsed) -> str:
    """A new claim's instance, as stored (the start: engine steps to the first user task, dump)."""
    wf = engine.new_workflow(parsed)
    wf.get_next_task(state=TaskState.READY).data.update(
        claim_id=1, window_closes_at='2099-12-31T23:59:59+08:00', remind_after='P3D', escalate_after='P7D')
    wf.do_engine_steps()
    return engine.dump_workflow(wf)


def engine_step(parsed, state: str, spec_name: str, **data) -> str:
    """One transition as the engine alone does it: load the stored JSON, complete the task, run the engine steps
    (with the runtime's loop compaction), dump."""
    wf = engine.load_workflow(state, parsed)
    task = wf.get_next_task(state=TaskState.READY, manual=True, spec_name=spec_name)
    task.set_data(**data)
    task.run()
    wf.do_engine_steps()
    _compact_loops(wf)
    return engine.dump_workflow(wf)


SUBMIT = dict(action='submit', target='unit', pathway='training', level='', rank=0, quantity=3)


def engine_claim(parsed) -> int:
    """The hot transitions of bench/load.py, engine only: start (the learner saves a claim), submit, unit approve,
    final approve. Returns how many transitions that was."""
    state = engine_start(parsed)
    state = engine_step(parsed, state, 'edit_claim', **SUBMIT)
    state = engine_step(parsed, state, 'unit_review', decision='approve', comment='')
    engine_step(parsed, state, 'final_review', decision='approve', comment='')
    return 4


def engine_only(rounds: int) -> float:
    """One return-for-modification round trip = 2 transitions, each: load JSON, complete task, engine steps, dump."""
    parsed = parsed_claim_process()
    state = engine_step(parsed, engine_start(parsed), 'edit_claim', **SUBMIT)
    timings = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        state = engine_step(parsed, state, 'unit_review', decision='return', comment='请补充')
        state = engine_step(parsed, state, 'revise_claim', action='submit')
        timings.append((time.perf_counter() - t0) / 2)
    return statistics.median(timings)


def growth(timings: list[float]) -> str:
    """Median cost of the first and the last 20 return rounds: equal when a loop does not grow the workflow."""
    first, last = statistics.median(timings[:20]), statistics.median(timings[-20:])
    return f'first 20 rounds {first * 1000:.2f} ms, last 20 rounds {last * 1000:.2f} ms'


def service_layer(url: str, rounds: int) -> float:
    app = create_app({**TEST_CONFIG, 'SQLALCHEMY_DATABASE_URI': url})  # test mode: the cheap password hash
    with app.app_context():
        db.drop_all()
        db.create_all()
        seed_demo_data(with_claims=False)
        db.session.commit()
        learner, admin = membership(ZHANG_WEI, 'learner'), membership('jtjt_admin')
        claim = ops.create_claim(learner, claim_input())
        ops.submit_claim(learner, claim, 'unit')
        db.session.commit()
        timings = []
        for _ in range(rounds):
            t0 = time.perf_counter()
            ops.review(admin, ops.open_item(claim).id, 'return', None, '请补充')
            db.session.commit()
            ops.submit_claim(learner, claim, 'unit')
            db.session.commit()
            timings.append((time.perf_counter() - t0) / 2)
        db.drop_all()
        db.engine.dispose()
    print(f'  {url.split(":")[0]:10} return rounds: {growth(timings)}')
    return statistics.median(timings)


def through_http(url: str, rounds: int) -> float:
    """The same transitions as POST requests (routing, login session, CSRF off, form validation, redirect), signed in
    through the login form with the test captcha; each round checks that both transitions happened."""
    app = create_test_app(url)
    with app.app_context():
        db.drop_all()
        db.create_all()
        seed_demo_data(with_claims=False)
        db.session.commit()
        claim_id, _item = submitted_claim(ZHANG_WEI)
    learner, admin = login(app.test_client(), ZHANG_WEI), login(app.test_client(), 'jtjt_admin')

    def open_review() -> int:
        with app.app_context():
            return db.session.scalar(db.select(WorkItem.id).where(
                WorkItem.subject_type == 'claim', WorkItem.subject_id == claim_id, WorkItem.completed_at.is_(None),
                WorkItem.form_key == 'claim_unit_review'))

    timings, item_id = [], open_review()
    for _ in range(rounds):
        t0 = time.perf_counter()
        returned = admin.post(f'/claims/{claim_id}/review',
                              data={'work_item_id': item_id, 'decision': 'return', 'comment': '请补充'})
        submitted = learner.post(f'/claims/{claim_id}/submit', data={'target': 'unit'})
        timings.append((time.perf_counter() - t0) / 2)
        # a review that went through lands in the inbox (a refusal goes back to the claim); a submit that went
        # through opened a new review task
        assert returned.status_code == 302 and returned.location.endswith('/inbox/'), returned.location
        assert submitted.status_code == 302, submitted.status_code
        item_id, before = open_review(), item_id
        assert item_id is not None and item_id != before, 'the submit did not reach the unit again'
    with app.app_context():
        assert db.session.get(Claim, claim_id).status_label == '待初审'
        db.session.rollback()  # end the read before dropping the tables on another connection
        db.drop_all()
        db.engine.dispose()
    return statistics.median(timings)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--rounds', type=int, default=200)
    rounds = parser.parse_args().rounds
    base = engine_only(rounds)
    print(f'engine only (load + act + save):     {base * 1000:7.2f} ms per transition')
    targets = [('sqlite', lambda: f'sqlite:///{tempfile.mkdtemp()}/bench.db')]
    if os.environ.get('TEST_DATABASE_URL'):
        targets.append(('postgresql', lambda: os.environ['TEST_DATABASE_URL']))
    for name, url in targets:
        for label, measure in (('service layer', service_layer), ('HTTP request ', through_http)):
            cost = measure(url(), rounds)
            print(f'{label} + {name:10} + commit: {cost * 1000:7.2f} ms per transition   ratio {cost / base:4.1f}x')


if __name__ == '__main__':
    main()
