"""Time to import an Excel file of staff claims (【导入学员培训信息】): parse + per-row checks + one draft claim
(process started, inbox row, flow log) per row, committed every chunk — what `flask worker` does for an upload.
Prints rows/s, the worker's CPU time and the SQL statements it sent per row.

Run: .venv/bin/python bench/import_rows.py [--rows N]   (PostgreSQL too when TEST_DATABASE_URL is set)
"""
import argparse
import io
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from openpyxl import Workbook  # noqa: E402
from sqlalchemy import event, text  # noqa: E402

from models import db  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp.dates import today  # noqa: E402
from webapp.claims.sheets import COLUMNS  # noqa: E402
from webapp.cli import seed_demo_data  # noqa: E402
from webapp.imports import operations as imports  # noqa: E402

STAFF = [('33010619850312001X', '张伟'), ('33010219900708002X', '李娜')]


def workbook(rows: int) -> bytes:
    year = today().year
    wb = Workbook(write_only=True)
    ws = wb.create_sheet('学员培训信息')
    ws.append(COLUMNS)
    for n in range(rows):
        id_number, name = STAFF[n % 2]
        bad = n % 50 == 49  # one row in fifty fails (over the credit table)
        ws.append([id_number, name, '参加培训进修', '培训班', '', '', 1, f'岗位培训第 {n} 期', date(year, 4, 1),
                   date(year, 4, 2), 30 if bad else 12, year, '', ''])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def run(url: str, content: bytes, label: str) -> None:
    app = create_app({'SQLALCHEMY_DATABASE_URI': url, 'TESTING': True})
    with app.app_context():
        if url.startswith('postgresql'):
            db.drop_all()
        db.create_all()
        seed_demo_data(with_claims=False)
        db.session.commit()
        from webapp.permissions import Membership
        m = db.session.execute(text("select m.id from membership m join user_account u on u.id = m.user_id "
                                    "where u.account_name = 'jtjt_admin'")).scalar()
        membership = db.session.get(Membership, m)
        t0 = time.perf_counter()
        job = imports.start_import(membership, 'bench.xlsx', content, True)
        db.session.commit()
        statements = []
        event.listen(db.engine, 'before_cursor_execute', lambda *args: statements.append(1))
        t1, cpu = time.perf_counter(), time.process_time()
        imports.run_pending()
        t2, cpu = time.perf_counter(), time.process_time() - cpu
        db.session.refresh(job)
        print(f'{label:10} rows {job.total_rows:6}  ok {job.ok_rows:6}  failed {job.failed_rows:4}  '
              f'upload check {t1 - t0:6.2f} s  import {t2 - t1:7.2f} s  ({job.total_rows / (t2 - t1):6.0f} rows/s; '
              f'CPU {cpu:6.2f} s, {len(statements) / job.total_rows:5.2f} statements per row)', flush=True)
        if url.startswith('postgresql'):
            db.session.remove()
            db.drop_all()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument('--rows', type=int, default=10_000)
    args = parser.parse_args()
    t0 = time.perf_counter()
    content = workbook(args.rows)
    print(f'built a {args.rows}-row file of {len(content) / 1024:.0f} KB in {time.perf_counter() - t0:.2f} s')
    with tempfile.TemporaryDirectory() as tmp:
        run(f'sqlite:///{tmp}/bench.db', content, 'SQLite')
    if os.environ.get('TEST_DATABASE_URL'):
        run(os.environ['TEST_DATABASE_URL'], content, 'PostgreSQL')


if __name__ == '__main__':
    main()
