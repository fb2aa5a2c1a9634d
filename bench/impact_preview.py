"""Time of the rule impact preview (规则影响预览) over a large year: N approved claims, replayed through a draft credit
table (培训进修 8 h/day instead of 6) and through the table each claim was computed with.

The claims are bulk-inserted with SQLAlchemy core (not through the workflow); all point at one finished claim
instance that records the published table, so the preview reads the instance's rule versions like in production.
Run: .venv/bin/python bench/impact_preview.py [--claims N]   (PostgreSQL too when TEST_DATABASE_URL is set)
"""
import argparse
import json
import os
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select  # noqa: E402

from models import Claim, Membership, RolloutJob, WorkflowInstance, db  # noqa: E402
from models.workflow import DMN, DRAFT  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp.cli import seed_demo_data  # noqa: E402
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


def fill(n: int) -> None:
    table = published(DMN, 'credit_hours')
    province = db.session.scalar(select(Membership).where(Membership.role == 'province'))
    learners = db.session.execute(select(Membership.user_id, Membership.org_id).where(
        Membership.role == 'learner')).all()
    instance = WorkflowInstance(process_key='claim', process_version=published('bpmn', 'claim'),
                                rule_version_ids=[table.id], spec_hash='bench', state_format='bench', state='{}',
                                status_label='已备案', is_completed=True, subject_type='claim', subject_id=0)
    db.session.add(instance)
    db.session.flush()
    rows = []
    for i in range(n):
        pathway, level, rank, quantities = MIX[i % len(MIX)]
        quantity = quantities[(i // len(MIX)) % len(quantities)]
        user_id, unit_id = learners[i % len(learners)]
        rows.append(dict(learner_id=user_id, unit_id=unit_id, province_id=province.org_id, target='unit',
                         category='professional', pathway=pathway, sub_type='bench', level=level, rank=rank,
                         quantity=Decimal(quantity), title=f'批量项目 {i}', start_date=date(YEAR, 3, 1),
                         end_date=date(YEAR, 3, 1), applied_hours=Decimal(6), registered_hours=Decimal(6),
                         year=YEAR, pledged=True, status_label='已备案', outcome='approved',
                         instance_id=instance.id, created_by_id=user_id))
        if len(rows) == 10_000:
            db.session.execute(insert(Claim), rows)
            rows = []
    if rows:
        db.session.execute(insert(Claim), rows)
    db.session.commit()
    return province.org_id, draft_table(table.content)


def province_membership(province_id: int) -> int:
    return db.session.scalar(select(Membership.id).where(Membership.role == 'province',
                                                         Membership.org_id == province_id))


def run(url: str, n: int, label: str) -> None:
    app = create_app({'SQLALCHEMY_DATABASE_URI': url, 'TESTING': True})
    with app.app_context():
        if url.startswith('postgresql'):
            db.drop_all()
        db.create_all()
        seed_demo_data(with_claims=False)
        db.session.commit()
        t0 = time.perf_counter()
        province_id, draft = fill(n)
        t1 = time.perf_counter()
        result = impact.preview(draft, YEAR, province_id)
        t2 = time.perf_counter()
        print(f'{label:10} claims {result.claims:7}  changed {len(result.changed):6}  '
              f'distinct inputs {result.distinct_inputs:3}  difference {result.difference:9} h  '
              f'insert {t1 - t0:5.1f} s  preview {t2 - t1:5.2f} s')
        # the same preview as the page queues it for `flask worker`: progress commits, result stored as JSON
        version = add_version(DMN, draft, comment='bench', status=DRAFT)
        job = jobs.queue_impact(db.session.get(Membership, province_membership(province_id)), version, YEAR)
        db.session.commit()
        t3 = time.perf_counter()
        jobs.run_pending()
        t4 = time.perf_counter()
        job = db.session.get(RolloutJob, job.id)
        print(f'{"":10} as a worker job: {job.status}, {job.done}/{job.total} claims, {t4 - t3:5.2f} s '
              f'(progress committed every {impact.PROGRESS_EVERY} claims; '
              f'result {len(json.dumps(job.result)) / 1e6:.1f} MB)')
        if url.startswith('postgresql'):
            db.session.remove()
            db.drop_all()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument('--claims', type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run(f'sqlite:///{tmp}/bench.db', args.claims, 'SQLite')
    if os.environ.get('TEST_DATABASE_URL'):
        run(os.environ['TEST_DATABASE_URL'], args.claims, 'PostgreSQL')


if __name__ == '__main__':
    main()
