"""Study heartbeats per second (webapp/courses/study.py) on the given database, the hottest write of December: LEARNERS
learners each studying a one-hour lesson, WORKERS processes each sending its learners' heartbeats round after round
(each heartbeat its own transaction: read the joined session row, write its lesson_progress row, commit), with a
clock that moves 10 s per round so that every heartbeat earns credit and writes. Then the cost of the study page
(the player, GET through the test client) and of one heartbeat through HTTP (the view, CSRF, login, JSON).

Run: .venv/bin/python bench/heartbeats.py [--url URL] [--learners N] [--rounds N] [--workers N]
--url defaults to TEST_DATABASE_URL (a database this script empties: not one with data you keep)."""
import argparse
import multiprocessing
import os
import re
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, select  # noqa: E402

from models import CourseEnrolment, Enrolment, Membership, StudySession, User, db  # noqa: E402
from models.people import LEARNER  # noqa: E402
from tests.apps import create_test_app  # noqa: E402
from tests.people import ZHANG_WEI, login, membership  # noqa: E402
from webapp.cli import seed_demo_data  # noqa: E402
from webapp.courses import demo_media, operations as ops, study  # noqa: E402
from webapp.workflow import catalog  # noqa: E402

BASE = 1_000_000.0
STEP = 10.0


class Clock:
    t = BASE

    def __call__(self):
        return self.t


def prepare(url: str, learners: int) -> None:
    app = create_test_app(url, EVIDENCE_DIR=tempfile.mkdtemp())
    with app.app_context():
        db.drop_all()
        db.create_all()
        seed_demo_data(with_claims=False)
        staff, zhang = membership('shengji'), membership(ZHANG_WEI)
        year = ops.study_year(zhang)
        area = next(a for a in ops.areas(staff.org_id) if a.name == '规划与设计')
        course = ops.create_course(staff, ops.CourseInput('压测课程', area.id, Decimal('1.5'), year, year, None))
        ops.add_lesson(staff, course, '第一讲', demo_media.mp4(1), 3600)
        ops.publish(staff, course)
        users = db.session.execute(insert(User).returning(User.id), [
            dict(name=f'学员{i}', id_number=f'BENCH{i:012d}', password_hash='x')
            for i in range(learners)]).scalars().all()
        db.session.execute(insert(Membership), [dict(user_id=u, role=LEARNER, org_id=zhang.org_id) for u in users])
        users.append(zhang.user_id)
        db.session.execute(insert(Enrolment), [
            dict(learner_id=u, year=year, unit_id=zhang.org_id, identity='国有企业', political_status='群众',
                 education='大学本科', title='工程师', specialty='公路工程', status_label='已报名',
                 outcome=catalog.APPROVED) for u in users])
        db.session.execute(insert(CourseEnrolment), [dict(learner_id=u, course_id=course.id, year=year)
                                                     for u in users])
        app.config['STUDY_CLOCK'] = Clock()
        lesson = course.lessons[0]
        for e in db.session.scalars(select(CourseEnrolment)):
            study.start(e, lesson)
        db.session.commit()
        if db.engine.dialect.name == 'postgresql':
            db.session.execute(db.text('ANALYZE'))
            db.session.commit()
    with app.app_context():
        db.engine.dispose()


def worker(url: str, part: int, parts: int, rounds: int, ready, started, results) -> None:
    clock = Clock()
    app = create_test_app(url, STUDY_CLOCK=clock)
    with app.app_context():
        sessions = db.session.execute(select(StudySession.learner_id, StudySession.window)
                                      .order_by(StudySession.learner_id)).all()[part::parts]
        db.session.commit()
        ready.put(part)
        started.wait()
        begin, cpu, beats = time.time(), time.process_time(), 0
        for r in range(1, rounds + 1):
            clock.t = BASE + STEP * r
            for learner_id, window in sessions:
                study.beat(learner_id, window, STEP * r)
                db.session.commit()
                beats += 1
        results.put((beats, begin, time.time(), time.process_time() - cpu))


def page_costs(url: str, samples: int = 30) -> tuple[float, float]:
    """(ms per study page GET, ms per heartbeat POST through HTTP) for 张伟."""
    app = create_test_app(url, STUDY_CLOCK=Clock())
    client = app.test_client()
    with app.app_context():
        login(client, ZHANG_WEI)
        zhang = membership(ZHANG_WEI).user_id
        e = db.session.scalar(select(CourseEnrolment).where(CourseEnrolment.learner_id == zhang))
        url_page = f'/learning/study/{e.id}/lessons/{e.course.lessons[0].id}'
        page = client.get(url_page).get_data(as_text=True)
        csrf = re.search(r'data-csrf="([^"]+)"', page).group(1)
        start = client.post(url_page + '/start', data={'csrf_token': csrf}).get_json()
        gets, posts = [], []
        for i in range(samples):
            t = time.perf_counter()
            client.get(url_page)
            gets.append(time.perf_counter() - t)
            t = time.perf_counter()
            client.post('/learning/study/beat', data={'csrf_token': csrf, 'window': start['window'], 'position': i})
            posts.append(time.perf_counter() - t)
    return statistics.median(gets) * 1000, statistics.median(posts) * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--url', default=os.environ.get('TEST_DATABASE_URL'))
    parser.add_argument('--learners', type=int, default=2000)
    parser.add_argument('--rounds', type=int, default=5)
    parser.add_argument('--workers', type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    if not args.url:
        sys.exit('give --url or set TEST_DATABASE_URL')
    prepare(args.url, args.learners)
    ctx = multiprocessing.get_context('spawn')
    ready, started, results = ctx.Queue(), ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=worker, args=(args.url, i, args.workers, args.rounds, ready, started, results))
             for i in range(args.workers)]
    for p in procs:
        p.start()
    for _ in procs:  # every worker imported the app and loaded its sessions
        ready.get()
    started.set()
    done = [results.get() for _ in procs]
    for p in procs:
        p.join()
    wall = max(end for _, _, end, _ in done) - min(begin for _, begin, _, _ in done)
    beats, cpu = sum(b for b, _, _, _ in done), sum(c for _, _, _, c in done)
    print(f'{beats} heartbeats by {args.workers} processes ({args.learners + 1} learners × {args.rounds} rounds, '
          f'each credited and committed) in {wall:.2f} s: {beats / wall:,.0f} heartbeats/s; '
          f'app CPU {1000 * cpu / beats:.2f} ms a heartbeat (the rest is PostgreSQL and waiting)')
    page_ms, beat_ms = page_costs(args.url)
    print(f'study page (player) GET: {page_ms:.1f} ms; one heartbeat through HTTP (test client): {beat_ms:.1f} ms')


if __name__ == '__main__':
    main()
