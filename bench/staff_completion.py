"""学时达标情况 (the unit admin's staff completion list) for a large unit: the page, its unmet filter, a deep page and
the export, with the statements each sends; beside them, in the same run, what the page cost when it computed every
person's progress on its own (`operations.progress` per staff member, as the page did before it was paginated).

Builds, once, a unit of --staff people (default 5,000) in the demo province, each with two approved claims and one
learning record of this year (bulk inserts: about 10 s for 5,000 on PostgreSQL), with the admin `big_admin`; the
database is kept between runs (--rebuild builds it again). It must be a database of its own: the build drops every
table in it.

Run: .venv/bin/python bench/staff_completion.py --url postgresql+psycopg://…/creditflow_bench [--staff N] [--rebuild]
"""
import argparse
import statistics
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, insert, select  # noqa: E402

from models import Claim, LearningPlatform, LearningRecord, Membership, Organisation, User, db  # noqa: E402
from models.org import UNIT  # noqa: E402
from models.people import LEARNER, UNIT_ADMIN  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp.certificates.operations import progress  # noqa: E402
from webapp.cli import seed_demo_data  # noqa: E402
from webapp.dates import today  # noqa: E402
from webapp.permissions import staff_query  # noqa: E402
from webapp.workflow import catalog  # noqa: E402
from tests.apps import TEST_CONFIG  # noqa: E402
from tests.people import login  # noqa: E402

UNIT_NAME = '大型测试单位'  # i18n: data
ADMIN = 'big_admin'


def build(staff: int) -> None:
    db.drop_all()
    db.create_all()
    seed_demo_data(with_claims=False)
    province = db.session.scalar(select(Organisation).where(Organisation.kind == 'province'))
    supervisor = db.session.scalar(select(Organisation).where(Organisation.name == '浙江省交通运输厅'))
    unit = Organisation(kind=UNIT, name=UNIT_NAME, parent=supervisor)
    admin = User(name='大型单位管理员', account_name=ADMIN)
    admin.set_password('Demo@2026')
    platform = LearningPlatform(name='基准平台', province=province, token_sha256='0' * 64)
    db.session.add_all([unit, admin, platform, Membership(user=admin, role=UNIT_ADMIN, org=unit)])
    db.session.flush()
    year, first = today().year, db.session.scalar(select(User.id).order_by(User.id.desc()).limit(1)) + 1
    ids = range(first, first + staff)
    db.session.execute(insert(User), [dict(id=i, name=f'员工{i:06d}', id_number=f'33010019900101{i:04d}'[-18:],
                                           password_hash='x') for i in ids])
    db.session.execute(insert(Membership), [dict(user_id=i, role=LEARNER, org_id=unit.id) for i in ids])
    # Two approved claims each (8–40 h: about half the staff meet the 60 h 专业科目 part) and one 公需 record.
    db.session.execute(insert(Claim), [dict(
        learner_id=i, unit_id=unit.id, province_id=province.id, target='unit', category='professional',
        pathway='training', sub_type='培训班', quantity=Decimal(1), title=f'培训班{n}', start_date=date(year, 3, 1),
        end_date=date(year, 3, 3), applied_hours=Decimal(8 + (i * 7 + n * 13) % 33),
        registered_hours=Decimal(8 + (i * 7 + n * 13) % 33), year=year, pledged=True, status_label='通过认定',
        outcome=catalog.APPROVED, created_by_id=i) for i in ids for n in (1, 2)])
    db.session.execute(insert(LearningRecord), [dict(
        platform_id=platform.id, record_id=f'R{i}', learner_id=i, course='公需课程', category='general',
        hours=Decimal(6 + i % 20), completed_on=date(year, 2, 1), year=year) for i in ids])
    if db.engine.dialect.name == 'postgresql':
        db.session.execute(db.text("SELECT setval('user_account_id_seq', (SELECT max(id) FROM user_account))"))
    db.session.commit()
    if db.engine.dialect.name == 'postgresql':
        with db.engine.connect().execution_options(isolation_level='AUTOCOMMIT') as conn:
            conn.exec_driver_sql('VACUUM ANALYZE')


def timed(engine, action, runs: int) -> tuple[float, float, int]:
    """p50 and max in ms over *runs* (the first one, which also counts the statements, after one warm-up when there
    are several runs)."""
    statements = []
    listener = lambda *_args: statements.append(1)  # noqa: E731
    if runs > 1:
        action()
    times = []
    for run in range(runs):
        if run == 0:
            event.listen(engine, 'before_cursor_execute', listener)
        t0 = time.perf_counter()
        action()
        times.append((time.perf_counter() - t0) * 1000)
        if run == 0:
            event.remove(engine, 'before_cursor_execute', listener)
    return statistics.median(times), max(times), len(statements)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--url', required=True, help='a database of its own (every table in it is dropped)')
    parser.add_argument('--staff', type=int, default=5000)
    parser.add_argument('--runs', type=int, default=5)
    parser.add_argument('--rebuild', action='store_true')
    parser.add_argument('--no-before', action='store_true', help='skip the per-person line (about 10–20 ms a person)')
    args = parser.parse_args()
    app = create_app({**TEST_CONFIG, 'SQLALCHEMY_DATABASE_URI': args.url})
    with app.app_context():
        unit = None
        if not args.rebuild:
            try:
                unit = db.session.scalar(select(Organisation).where(Organisation.name == UNIT_NAME))
            except Exception:
                db.session.rollback()
        if unit is None:
            t0 = time.perf_counter()
            build(args.staff)
            print(f'built a unit of {args.staff} staff in {time.perf_counter() - t0:.1f} s')
        admin = db.session.scalar(select(User).where(User.account_name == ADMIN)).memberships[0]
        count = len(db.session.scalars(staff_query(admin)).all())
        year, engine = today().year, db.engine
    client = app.test_client()
    login(client, ADMIN)
    print(f'学时达标情况 of a unit of {count} staff ({args.url.split(":")[0]}), {args.runs} runs each:')
    print(f'  {"":44} {"p50 ms":>9} {"max ms":>9} {"statements":>11}')

    def get(url):
        def action():
            response = client.get(url)
            assert response.status_code == 200, response.status_code
        return action

    def per_person():
        with app.app_context():
            for lm in db.session.scalars(staff_query(admin).order_by(User.name, User.id)):
                progress(lm.user_id, year)

    cases = [] if args.no_before else [('before: progress() per person, every person', per_person, 1)]
    cases += [('page 1', get('/certificates/staff'), args.runs),
              ('page 1, only unmet', get('/certificates/staff?unmet=1'), args.runs),
              ('page 50', get('/certificates/staff?page=50'), args.runs),
              ('export (every person)', get('/certificates/staff?export=xlsx'), max(1, args.runs // 5))]
    for label, action, runs in cases:
        p50, worst, statements = timed(engine, action, runs)
        print(f'  {label:44} {p50:9.1f} {worst:9.1f} {statements:11d}')


if __name__ == '__main__':
    main()
