"""学时达标情况 (the unit admin's staff completion list) for a large unit: the page, its unmet filter, a deep page and
the export, with the statements each sends; beside them, in the same run, the same pages summing every person's
hours from claims and learning records (the statements of commit 9c7b80f, before the hours counter of
webapp/hours.py), and what the page cost when it computed every person's progress on its own
(`operations.progress` per staff member, as the page did before it was paginated).

Builds, once, a unit of --staff people (default 5,000) in the demo province, each with two approved claims and one
learning record of this year (bulk inserts, which the session's hook counts into learner_hours: about 10 s for 5,000
on PostgreSQL), with the admin `big_admin`; the
database is kept between runs (--rebuild builds it again). It must be a database of its own: the build drops every
table in it.

Run: .venv/bin/python bench/staff_completion.py --url postgresql+psycopg://…/creditflow_bench [--staff N] [--rebuild]
"""
import argparse
import contextlib
import statistics
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import and_, case, event, func, insert, select  # noqa: E402

from models import (Claim, LearnerHours, LearningPlatform, LearningRecord, Membership, Organisation, User,  # noqa: E402
                    db)
from models.org import UNIT  # noqa: E402
from models.people import LEARNER, UNIT_ADMIN  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp import hours  # noqa: E402
from webapp.certificates import queries  # noqa: E402
from webapp.certificates.operations import progress  # noqa: E402
from webapp.cli import seed_demo_data  # noqa: E402
from webapp.dates import today  # noqa: E402
from webapp.permissions import staff_query, staff_user_ids  # noqa: E402
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


def counter_agrees() -> bool:
    """The counter holds what a full recount from the claims and learning records gives."""
    counted = {(r.learner_id, r.year): (r.professional, r.public, r.entries)
               for r in db.session.scalars(select(LearnerHours).where(LearnerHours.entries > 0))}
    return counted == {(learner, year): (professional, public, entries)
                       for learner, year, professional, public, entries in db.session.execute(hours.source_totals())}


# ---- before the counter: the page's statements as of commit 9c7b80f, summing the source rows per person ---------

def _summed_hours(year, req, people):
    claims = select(Claim.learner_id,
                    func.sum(case((Claim.category == 'professional', Claim.registered_hours), else_=0))
                    .label('professional'),
                    func.sum(case((Claim.category == 'public', Claim.registered_hours), else_=0)).label('public')) \
        .where(Claim.learner_id.in_(people), Claim.year == year, Claim.outcome == catalog.APPROVED,
               Claim.deleted_at.is_(None)).group_by(Claim.learner_id).subquery()
    records = select(LearningRecord.learner_id, func.sum(LearningRecord.hours).label('hours')) \
        .where(LearningRecord.learner_id.in_(people), LearningRecord.year == year) \
        .group_by(LearningRecord.learner_id).subquery()
    professional = func.coalesce(claims.c.professional, 0)
    public = func.coalesce(claims.c.public, 0) + func.coalesce(records.c.hours, 0)
    met = and_(*(func.round(done, 1) >= float(getattr(req, key)) for key, done in (
        ('professional', professional), ('public', public), ('total', professional + public))))

    def joined(query, person_id):
        return query.outerjoin(claims, claims.c.learner_id == person_id) \
            .outerjoin(records, records.c.learner_id == person_id)
    return joined, professional, public, met


def _summed_staff_hours(m, year, req, user_ids=None):
    joined, professional, public, met = _summed_hours(year, req, staff_user_ids(m).scalar_subquery()
                                                      if user_ids is None else user_ids)
    query = joined(staff_query(m), Membership.user_id) \
        .add_columns(professional.label('professional'), public.label('public'), met.label('met'))
    if user_ids is not None:
        query = query.where(Membership.user_id.in_(user_ids))
    return query, met


def _summed_staff_counts(m, year, req):
    staff = staff_user_ids(m).subquery()
    joined, _professional, _public, met = _summed_hours(year, req, select(staff.c.user_id).scalar_subquery())
    return tuple(db.session.execute(joined(select(func.count(), func.coalesce(func.sum(case((met, 1), else_=0)), 0))
                                           .select_from(staff), staff.c.user_id)).one())


@contextlib.contextmanager
def summed():
    """The page as it was before the counter: every person's hours summed from claims and learning records."""
    saved = queries._staff_hours, queries._staff_counts
    queries._staff_hours, queries._staff_counts = _summed_staff_hours, _summed_staff_counts
    try:
        yield
    finally:
        queries._staff_hours, queries._staff_counts = saved


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
        print(f'the counter agrees with a full recount: {counter_agrees()}')
        year, engine = today().year, db.engine
    client = app.test_client()
    login(client, ADMIN)
    print(f'学时达标情况 of a unit of {count} staff ({args.url.split(":")[0]}), {args.runs} runs each:')
    print(f'  {"":48} {"p50 ms":>9} {"max ms":>9} {"statements":>11}')

    def get(url, before=False):
        def action():
            with summed() if before else contextlib.nullcontext():
                response = client.get(url)
            assert response.status_code == 200, response.status_code
        return action

    def per_person():
        with app.app_context():
            for lm in db.session.scalars(staff_query(admin).order_by(User.name, User.id)):
                progress(lm.user_id, year)

    cases = [] if args.no_before else [('before: progress() per person, every person', per_person, 1)]
    for label, url in (('page 1', '/certificates/staff'), ('page 1, only unmet', '/certificates/staff?unmet=1'),
                       ('page 50', '/certificates/staff?page=50')):
        cases += [(f'{label}: summed (before the counter)', get(url, before=True), args.runs),
                  (f'{label}: hours counter', get(url), args.runs)]
    cases += [('export (every person)', get('/certificates/staff?export=xlsx'), max(1, args.runs // 5))]
    for label, action, runs in cases:
        p50, worst, statements = timed(engine, action, runs)
        print(f'  {label:48} {p50:9.1f} {worst:9.1f} {statements:11d}')


if __name__ == '__main__':
    main()
