"""Time and memory of the rule impact preview (规则影响预览) over a large year: N approved claims, replayed through a
draft credit table (培训进修 8 h/day instead of 6) and through the table each claim was computed with.

The claims are bulk-inserted with one INSERT … SELECT (not through the workflow); all point at one finished claim
instance that records the published table, so the preview reads the instance's rule versions like in production.
The preview runs twice, each in a process of its own so that its peak RSS is its own: as the page answers within the
request (summary and the first page of changed claims), and as `flask worker` runs it as a job (progress committed,
result stored; then the job's page and its first page of changed claims).
Run: .venv/bin/python bench/impact_preview.py [--claims N]   (PostgreSQL too when TEST_DATABASE_URL is set)
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import select, text  # noqa: E402

from models import Membership, ProcessVersion, RolloutJob, WorkflowInstance, db  # noqa: E402
from models.workflow import DMN, DRAFT  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp.cli import seed_demo_data  # noqa: E402
from webapp.permissions import province_org_ids  # noqa: E402
from webapp.rollout import impact, jobs  # noqa: E402
from webapp.workflow.versions import add_version, published  # noqa: E402

YEAR = 2025
# (pathway, level, rank, quantity choices)
MIX = [('training', None, None, (1, 2, 3, 4, 5, 7, 10)), ('exam', None, None, (1, 2, 3)),
       ('seminar', 'national', None, (1,)), ('seminar', 'municipal', None, (1, 2)),
       ('research', 'provincial', 1, (1, 2)), ('research', 'county', 3, (1, 2, 3))]


def draft_table(content: str) -> str:
    old = '<outputEntry id="rule_5_out"><text>6</text></outputEntry>'
    assert old in content
    return content.replace(old, '<outputEntry id="rule_5_out"><text>8</text></outputEntry>')


def _case(index: str, values: list) -> str:
    """SQL choosing values[index % len(values)] (literals: numbers, NULL or quoted text)."""
    def literal(v):
        return 'NULL' if v is None else str(v) if isinstance(v, int) else "'" + v.replace("'", "''") + "'"
    return 'CASE ' + ' '.join(f'WHEN ({index}) % {len(values)} = {k} THEN {literal(v)}' for k, v in enumerate(values)) \
        + ' END'


def fill(n: int) -> int:
    """N approved claims of YEAR — one INSERT … SELECT over a recursive series, the same SQL on both databases (the
    mix of pathways, quantities and learners of MIX) — and the draft table as a version; returns its id."""
    province = db.session.scalar(select(Membership).where(Membership.role == 'province').order_by(Membership.id))
    table = published(DMN, 'credit_hours', province.org_id)  # 浙江's (seeded first)
    learners = db.session.execute(select(Membership.user_id, Membership.org_id).where(
        Membership.role == 'learner', Membership.org_id.in_(province_org_ids(province.org_id)))
        .order_by(Membership.id)).all()
    instance = WorkflowInstance(process_key='claim', process_version=published('bpmn', 'claim', province.org_id),
                                rule_version_ids=[table.id], spec_hash='bench', state_format='bench', state='{}',
                                status_label='已备案', is_completed=True, subject_type='claim', subject_id=0)
    db.session.add(instance)
    db.session.flush()
    # claim i: MIX[i % len(MIX)], its quantity choices[(i / len(MIX)) % len(choices)], learner i % len(learners)
    quantity = 'CASE ' + ' '.join(f'WHEN i % {len(MIX)} = {k} THEN {_case(f"i / {len(MIX)}", list(q))}'
                                  for k, (*_rest, q) in enumerate(MIX)) + ' END'
    users, units = [u for u, _unit in learners], [unit for _u, unit in learners]
    db.session.execute(text(f"""
        INSERT INTO claim (learner_id, unit_id, province_id, target, category, pathway, sub_type, level, rank,
                           quantity, title, start_date, end_date, applied_hours, registered_hours, year, pledged,
                           status_label, outcome, instance_id, created_by_id, created_at)
        WITH RECURSIVE series(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM series WHERE i < {n - 1})
        SELECT {_case('i', users)}, {_case('i', units)}, {province.org_id}, 'unit', 'professional',
               {_case('i', [m[0] for m in MIX])}, 'bench', {_case('i', [m[1] for m in MIX])},
               {_case('i', [m[2] for m in MIX])}, {quantity}, '批量项目 ' || i, '{YEAR}-03-01', '{YEAR}-03-01', 6, 6,
               {YEAR}, TRUE, '已备案', 'approved', {instance.id}, {_case('i', users)}, CURRENT_TIMESTAMP
        FROM series"""))
    version = add_version(DMN, draft_table(table.content), comment='bench', status=DRAFT, province_id=province.org_id)
    db.session.commit()
    return version.id


def changed_count(result) -> int:
    return result.changed if isinstance(result.changed, int) else len(result.changed)


def first_page(result) -> int:
    """What the page shows of the changed claims."""
    if hasattr(impact, 'changed_page'):
        return len(impact.changed_page(result, 1).items)
    return len(result.changed[:200])  # before the changed claims were paged


def measure(url: str, mode: str, version_id: int) -> None:
    """In a process of its own: one preview, as the page (`request`) or the worker (`job`) runs it."""
    app = create_app({'SQLALCHEMY_DATABASE_URI': url, 'TESTING': True})
    with app.app_context():
        version = db.session.get(ProcessVersion, version_id)
        province = db.session.scalar(select(Membership).where(Membership.role == 'province').order_by(Membership.id))
        rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        t0, c0 = time.perf_counter(), time.process_time()
        if mode == 'request':
            result = impact.preview(version, YEAR, province.org_id)
            shown = first_page(result)
            stored = ''
        else:
            job = jobs.queue_impact(province, version, YEAR)
            db.session.commit()
            jobs.run_pending()
            job = db.session.get(RolloutJob, job.id)
            stored = f'{job.status}, result {len(json.dumps(job.result)) / 1e6:.2f} MB'
            result = impact.Impact.from_json(job.result)  # then its page (replayed through the job's province's tables)
            result.province_id = province.org_id
            if not getattr(result, 'table', True):
                result.table = version.content
            shown = first_page(result)
        t1, c1 = time.perf_counter(), time.process_time()
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(f'{"":10} {mode:8} claims {result.claims:8}  changed {changed_count(result):7}  listed {shown:3}  '
              f'{t1 - t0:6.2f} s (CPU {c1 - c0:6.2f} s)  peak RSS {rss / 1024:6.0f} MB '
              f'(after start-up {rss0 / 1024:4.0f} MB)  {stored}', flush=True)
        db.engine.dispose()


def run(url: str, n: int, label: str) -> None:
    app = create_app({'SQLALCHEMY_DATABASE_URI': url, 'TESTING': True})
    with app.app_context():
        if url.startswith('postgresql'):
            db.drop_all()
        db.create_all()
        seed_demo_data(with_claims=False)
        db.session.commit()
        t0 = time.perf_counter()
        version_id = fill(n)
        print(f'{label:10} {n} claims inserted in {time.perf_counter() - t0:5.1f} s', flush=True)
        db.session.remove()
        db.engine.dispose()
    for mode in ('request', 'job'):
        subprocess.run([sys.executable, __file__, '--measure', mode, '--url', url, '--version', str(version_id)],
                       check=True)
    if url.startswith('postgresql'):
        with app.app_context():
            db.drop_all()
            db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument('--claims', type=int, default=100_000)
    parser.add_argument('--measure', choices=('request', 'job'), help=argparse.SUPPRESS)
    parser.add_argument('--url', help=argparse.SUPPRESS)
    parser.add_argument('--version', type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.url, args.measure, args.version)
        return
    with tempfile.TemporaryDirectory() as tmp:
        run(f'sqlite:///{tmp}/bench.db', args.claims, 'SQLite')
    if os.environ.get('TEST_DATABASE_URL'):
        run(os.environ['TEST_DATABASE_URL'], args.claims, 'PostgreSQL')


if __name__ == '__main__':
    main()
