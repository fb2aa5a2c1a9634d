"""Statements per request on the write path: the new-claim page, creating a claim, submitting it, the unit's review
and the supervisor's final review, through the test client (login with the captcha) on the given database; with
--profile, where a review POST spends its time (cProfile, the top functions by own time); with --rounds, the app's
CPU per transition (this process: the app and the database driver, not PostgreSQL), which a busy machine disturbs
less than wall time.

Run: .venv/bin/python bench/write_path.py [--url URL] [--tree DIR] [--show-sql] [--profile N] [--rounds N]
--url defaults to TEST_DATABASE_URL (a database this script empties: not one with data you keep). --tree measures
another checkout of the app (the commit before a change, say) with this script."""
import argparse
import cProfile
import os
import pstats
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

TREE = Path(__file__).resolve().parents[1]


def _tree_argument() -> Path:
    """The checkout to import (read before importing it)."""
    for i, arg in enumerate(sys.argv):
        if arg == '--tree' and i + 1 < len(sys.argv):
            return Path(sys.argv[i + 1]).resolve()
    return TREE


sys.path.insert(0, str(_tree_argument()))

from sqlalchemy import event  # noqa: E402

from models import db  # noqa: E402
from tests.apps import create_test_app  # noqa: E402
from tests.helpers import claim_form  # noqa: E402
from tests.people import ZHANG_WEI, login  # noqa: E402
from webapp.cli import seed_demo_data  # noqa: E402


class Statements:
    """Counts (and with *show*, prints) the statements the app's engine runs while active."""

    def __init__(self, engine, show: bool = False):
        self.count, self.active, self.show = 0, False, show
        event.listen(engine, 'before_cursor_execute', self._seen)

    def _seen(self, _conn, _cursor, statement, _params, _context, _many):
        if self.active:
            self.count += 1
            if self.show:
                print('      ', ' '.join(statement.split())[:160])

    def request(self, label: str, send):
        self.count, self.active = 0, True
        try:
            response = send()
        finally:
            self.active = False
        print(f'  {label:32} {self.count:3} statements   ({response.status_code})')
        return response


def prepared_app(url: str):
    app = create_test_app(url, EVIDENCE_DIR=tempfile.mkdtemp())
    with app.app_context():
        db.drop_all()
        db.create_all()
        seed_demo_data(with_claims=False)
        db.session.commit()
    return app


def open_item_id(app, claim_id: int) -> int:
    from models import WorkItem
    with app.app_context():
        return db.session.scalar(db.select(WorkItem.id).where(
            WorkItem.subject_type == 'claim', WorkItem.subject_id == claim_id, WorkItem.completed_at.is_(None)))


def claim_round(app, counter, learner, unit, supervisor, quiet: bool = False):
    """One claim from the form to its final approval; each request counted (printed unless *quiet*)."""
    count = (lambda label, send: send()) if quiet else counter.request
    count('GET  /claims/new', lambda: learner.get('/claims/new'))
    response = count('POST /claims/new', lambda: learner.post('/claims/new', data=claim_form(applied_hours='1')))
    claim_id = int(re.search(r'/claims/(\d+)', response.headers['Location']).group(1))
    count('POST submit', lambda: learner.post(f'/claims/{claim_id}/submit', data={'target': 'unit'}))
    item = open_item_id(app, claim_id)
    count('POST review (unit)', lambda: unit.post(f'/claims/{claim_id}/review', data={
        'work_item_id': item, 'decision': 'approve', 'comment': ''}))
    item = open_item_id(app, claim_id)
    count('POST review (supervisor)', lambda: supervisor.post(f'/claims/{claim_id}/review', data={
        'work_item_id': item, 'decision': 'approve', 'hours': '1', 'comment': ''}))
    if not quiet:
        count('GET  detail (after submit)', lambda: learner.get(f'/claims/{claim_id}'))
        count('GET  inbox (after review)', lambda: unit.get('/inbox/todo'))
    return claim_id, item


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--url', default=os.environ.get('TEST_DATABASE_URL'))
    parser.add_argument('--tree', default=str(TREE))
    parser.add_argument('--show-sql', action='store_true')
    parser.add_argument('--profile', type=int, default=0, help='profile this many claim rounds')
    parser.add_argument('--rounds', type=int, default=0, help='time this many claim rounds (4 transitions each)')
    args = parser.parse_args()
    if not args.url:
        sys.exit('give --url or set TEST_DATABASE_URL')
    app = prepared_app(args.url)
    with app.app_context():
        counter = Statements(db.engine, args.show_sql)
    learner, unit, supervisor = (login(app.test_client(), who) for who in (ZHANG_WEI, 'jtjt_admin', 'jiaotong'))
    claim_round(app, counter, learner, unit, supervisor, quiet=True)  # warm: parsed specs, compiled queries
    print(f'statements per request ({args.tree}):')
    claim_round(app, counter, learner, unit, supervisor)
    if args.rounds:
        cpu, wall = [], []
        for _ in range(args.rounds):
            c0, w0 = time.process_time(), time.perf_counter()
            claim_round(app, counter, learner, unit, supervisor, quiet=True)
            cpu.append((time.process_time() - c0) / 4)
            wall.append((time.perf_counter() - w0) / 4)
        print(f'  per transition over {args.rounds} rounds (median): app CPU {statistics.median(cpu) * 1000:.2f} ms, '
              f'wall {statistics.median(wall) * 1000:.2f} ms  (the GET of the form included)')
    if args.profile:
        profile = cProfile.Profile(time.process_time)  # CPU, not the waits on the database
        profile.enable()
        for _ in range(args.profile):
            claim_round(app, counter, learner, unit, supervisor, quiet=True)
        profile.disable()
        pstats.Stats(profile).sort_stats('tottime').print_stats(25)
        pstats.Stats(profile).sort_stats('cumulative').print_stats(40)
    with app.app_context():
        db.drop_all()
        db.engine.dispose()


if __name__ == '__main__':
    main()
