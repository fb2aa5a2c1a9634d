"""`flask worker` and its jobs under faults (issue 12, 17 and 19): a transient database error is retried and the import
goes on where it stopped; a file uploaded again (after a failed import, or twice) never creates a row twice; a slow
chunk renews the job's lease instead of being worked twice, and a worker that was taken over all the same stops
without writing over its successor."""
import threading
import time
from datetime import datetime, timedelta

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import OperationalError

from models import Claim, ImportJob, db, utcnow
from webapp import timers
from webapp.claims import operations as claims
from webapp.imports import operations as imports

from ..people import login, membership
from .test_imports import row, upload, xlsx

ROWS = 6


def titles() -> list[str]:
    return sorted(db.session.scalars(select(Claim.title).where(Claim.deleted_at.is_(None))))


def expected(n=ROWS) -> list[str]:
    return sorted(f'培训 {i}' for i in range(n))


def the_file(n=ROWS) -> bytes:
    return xlsx([row(认定内容=f'培训 {i}') for i in range(n)])


def lost_connection() -> OperationalError:
    return OperationalError('INSERT INTO claim …', {}, Exception('server closed the connection unexpectedly'))


def title(row: dict) -> str:
    return row['认定内容']


def failing_at(monkeypatch, titles_that_fail: set, error_factory, times: int):
    """Working on the given rows raises a fresh error, *times* times in all (then works again)."""
    parse, left = imports.parse_row, [times]

    def parse_or_fail(m, row, staff=None):
        if title(row) in titles_that_fail and left[0] > 0:
            left[0] -= 1
            raise error_factory()
        return parse(m, row, staff)
    monkeypatch.setattr(imports, 'parse_row', parse_or_fail)


@pytest.fixture
def no_waiting(monkeypatch):
    monkeypatch.setattr(timers, 'JOB_RETRY_DELAYS', (0, 0, 0, 0, 0))
    monkeypatch.setattr(imports, 'CHUNK', 2)


def test_a_transient_error_is_retried_and_the_import_completes_without_duplicates(client, ctx, monkeypatch,
                                                                                  no_waiting):
    """The connection drops in the second chunk: the chunk is rolled back, the worker reconnects and goes on from
    the committed progress (before: the job failed for good at 2/6 rows)."""
    login(client, 'jtjt_admin')
    upload(client, the_file())
    failing_at(monkeypatch, {'培训 3'}, lost_connection, times=1)
    assert imports.run_pending() == 1
    job = db.session.scalar(select(ImportJob))
    assert (job.status, job.done_rows, job.ok_rows, job.failed_rows, job.error) == ('done', ROWS, ROWS, 0, None)
    assert [r['row'] for r in job.results] == list(range(2, ROWS + 2))
    assert titles() == expected()


@pytest.mark.committing  # the worker's backend is really killed
def test_a_worker_whose_backend_is_killed_reconnects_and_completes(app, monkeypatch, no_waiting):
    if app.config['SQLALCHEMY_DATABASE_URI'].startswith('sqlite'):
        pytest.skip('SQLite has no server to lose')
    client = login(app.test_client(), 'jtjt_admin')
    upload(client, the_file())
    killer, parse, killed = create_engine(app.config['SQLALCHEMY_DATABASE_URI'], isolation_level='AUTOCOMMIT'), \
        imports.parse_row, []

    def kill_own_backend_once(m, row, staff=None):
        if title(row) == '培训 3' and not killed:
            backend = db.session.scalar(text('SELECT pg_backend_pid()'))
            with killer.connect() as conn:
                killed.append(conn.execute(text('SELECT pg_terminate_backend(:pid)'), {'pid': backend}).scalar())
        return parse(m, row, staff)
    monkeypatch.setattr(imports, 'parse_row', kill_own_backend_once)
    with app.app_context():
        assert imports.run_pending() == 1
        job = db.session.scalar(select(ImportJob))
        assert killed == [True] and (job.status, job.ok_rows, len(job.results)) == ('done', ROWS, ROWS)
        assert titles() == expected()
    killer.dispose()


def test_retries_are_bounded_and_a_reupload_of_the_same_file_creates_no_row_twice(client, ctx, monkeypatch,
                                                                                  no_waiting):
    """The database stays away past every retry: the job fails saying so, with its first chunk saved. Uploading the
    same file again skips those rows, says so, and imports the rest (before: they were created twice)."""
    login(client, 'jtjt_admin')
    content = the_file()  # the very same bytes each time (a new workbook carries the time it was written)
    upload(client, content)
    failing_at(monkeypatch, {'培训 2'}, lost_connection, times=len(timers.JOB_RETRY_DELAYS) + 1)
    assert imports.run_pending() == 1
    failed = db.session.scalar(select(ImportJob))
    assert (failed.status, failed.done_rows) == ('failed', 2) and '数据库连接中断' in failed.error
    assert '可重新上传同一文件' in client.get(f'/imports/{failed.id}').get_data(as_text=True)
    assert titles() == expected(2)

    page = upload(client, content).get_data(as_text=True)
    assert '同一文件此前已导入 2 行：这些行不会重复创建' in page
    assert imports.run_pending() == 1
    job = db.session.scalar(select(ImportJob).where(ImportJob.id != failed.id))
    assert (job.status, job.ok_rows, job.failed_rows) == ('done', ROWS, 0)
    assert [r.get('skipped', False) for r in job.results] == [True, True] + [False] * (ROWS - 2)
    assert job.results[0]['message'] == '此前已导入为待提交：张伟（本次未重复创建）'
    assert titles() == expected()
    assert '其中 2 行此前已导入（同一文件），未重复创建' in client.get(f'/imports/{job.id}').get_data(as_text=True)


def test_the_same_file_twice_creates_each_row_once_and_a_deleted_draft_again(client, ctx):
    login(client, 'jtjt_admin')
    content = the_file(3)
    upload(client, content)
    imports.run_pending()
    upload(client, content)
    imports.run_pending()
    assert titles() == expected(3)
    first = db.session.scalar(select(Claim).where(Claim.title == '培训 0'))
    claims.delete_draft(membership('jtjt_admin'), first)  # deleted on purpose: a third upload brings it back
    db.session.commit()
    upload(client, content)
    imports.run_pending()
    assert titles() == expected(3)
    assert db.session.scalar(select(func.count(Claim.id))) == 4  # the deleted one is kept, marked deleted


# ---- lease renewal: a slow chunk is not worked twice (real commits, seen from other connections) ---------------

def slow_rows(monkeypatch, seconds: float):
    parse = imports.parse_row

    def slow_parse(m, row, staff=None):
        time.sleep(seconds)
        return parse(m, row, staff)
    monkeypatch.setattr(imports, 'parse_row', slow_parse)


def run_in_thread(app, target) -> threading.Thread:
    def work():
        with app.app_context():
            try:
                target()
            finally:
                db.session.remove()
    thread = threading.Thread(target=work)
    thread.start()
    return thread


@pytest.mark.committing
@pytest.mark.app_config(JOB_LEASE=timedelta(seconds=2), JOB_HEARTBEAT=timedelta(seconds=0.2))
def test_a_slow_chunk_renews_its_lease_and_is_not_worked_twice(app, monkeypatch):
    """Ten rows of 0.3 s in one chunk (3 s) against a lease of two seconds: the worker commits its progress with a
    fresh heartbeat every 0.2 s (after the row running then), so another worker polling meanwhile never takes the
    job over (before: on PostgreSQL it did, and the rows were created twice)."""
    client = login(app.test_client(), 'jtjt_admin')
    upload(client, the_file(10))
    slow_rows(monkeypatch, 0.3)
    first = run_in_thread(app, imports.run_pending)
    ages = []

    def watch():  # what another worker sees meanwhile: the committed heartbeat (readers never wait on SQLite's WAL)
        observer = create_engine(app.config['SQLALCHEMY_DATABASE_URI'])
        while first.is_alive():
            with observer.connect() as conn:
                status, beat = conn.execute(text('SELECT status, heartbeat_at FROM import_job')).one()
            if status == 'running':
                ages.append((utcnow() - _datetime(beat)).total_seconds())
            time.sleep(0.05)
        observer.dispose()
    watcher = threading.Thread(target=watch)
    watcher.start()
    taken_over = 0
    time.sleep(0.3)
    while first.is_alive():
        with app.app_context():
            taken_over += imports.run_pending()
        time.sleep(0.1)
    first.join(30)
    watcher.join(30)
    assert len(ages) > 10 and max(ages) < 2, ages  # never older than the lease
    assert taken_over == 0
    with app.app_context():
        job = db.session.scalar(select(ImportJob))
        assert (job.status, job.ok_rows, len(job.results)) == ('done', 10, 10)
        assert titles() == expected(10)


def _datetime(value) -> datetime:
    return datetime.fromisoformat(value) if isinstance(value, str) else value  # SQLite gives text


@pytest.mark.committing
@pytest.mark.app_config(JOB_LEASE=timedelta(seconds=1), JOB_HEARTBEAT=timedelta(hours=1))
def test_a_worker_taken_over_stops_without_writing_over_its_successor(app, monkeypatch):
    """A worker whose chunk stalls past the lease without renewing (a single stuck row) is taken over; when it wakes
    up it finds another worker's lease on the job, rolls its chunk back and leaves: every row once, the successor's
    progress intact. (SQLite lets one writer at a time: a takeover waits for the chunk's commit, which renews.)"""
    if app.config['SQLALCHEMY_DATABASE_URI'].startswith('sqlite'):
        pytest.skip('SQLite serialises writers: nothing can take a job over in the middle of a chunk')
    monkeypatch.setattr(imports, 'CHUNK', 3)
    client = login(app.test_client(), 'jtjt_admin')
    upload(client, the_file())
    stalled, parse = threading.Event(), imports.parse_row

    def stall_once(m, row, staff=None):
        if title(row) == '培训 1' and not stalled.is_set():
            stalled.set()
            time.sleep(1.5)
        return parse(m, row, staff)
    monkeypatch.setattr(imports, 'parse_row', stall_once)
    first = run_in_thread(app, imports.run_pending)
    assert stalled.wait(10)
    time.sleep(1.1)  # the lease ran out
    with app.app_context():
        assert imports.run_pending() == 1  # taken over, and worked off to the end
    first.join(30)
    with app.app_context():
        job = db.session.scalar(select(ImportJob))
        assert (job.status, job.done_rows, job.ok_rows, len(job.results)) == ('done', ROWS, ROWS, ROWS)
        assert titles() == expected()


@pytest.mark.committing
@pytest.mark.app_config(JOB_LEASE=timedelta(seconds=1), JOB_HEARTBEAT=timedelta(hours=1))
def test_a_worker_taken_over_after_creating_its_batch_leaves_every_row_once(app, monkeypatch):
    """The worker stalls after its batch's drafts were written but before it committed them (it holds its learners'
    locks and the batch's ImportRows): its successor waits for them, the stalled worker finds the job taken over and
    rolls its batch back, and every row is created once."""
    if app.config['SQLALCHEMY_DATABASE_URI'].startswith('sqlite'):
        pytest.skip('SQLite serialises writers: nothing can take a job over in the middle of a chunk')
    monkeypatch.setattr(imports, 'CHUNK', 4)
    client = login(app.test_client(), 'jtjt_admin')
    upload(client, the_file())
    stalled, create = threading.Event(), claims.create_drafts

    def create_then_stall_once(m, entries):
        drafts = create(m, entries)
        if not stalled.is_set():
            stalled.set()
            time.sleep(1.5)
        return drafts
    monkeypatch.setattr(claims, 'create_drafts', create_then_stall_once)
    first = run_in_thread(app, imports.run_pending)
    assert stalled.wait(10)
    time.sleep(1.1)  # the lease ran out
    with app.app_context():
        assert imports.run_pending() == 1  # taken over, and worked off to the end
    first.join(30)
    with app.app_context():
        job = db.session.scalar(select(ImportJob))
        assert (job.status, job.done_rows, job.ok_rows, len(job.results)) == ('done', ROWS, ROWS, ROWS)
        assert titles() == expected()
