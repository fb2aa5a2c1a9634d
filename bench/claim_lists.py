"""Time the claim lists (审核结果 of every role, the learner's own lists, 我发起的, name / ID-number searches, filters,
an export of a filtered list, 人员管理's search) on a big PostgreSQL database: p50 / p95 and statements per page.

Run: .venv/bin/python bench/claim_lists.py --url postgresql+psycopg://…/creditflow_scaledb [--requests 30]
     [--explain]   (also prints EXPLAIN (ANALYZE, BUFFERS) of each list's page query)

The database is one bench/province_scale.py built (or any database with many claims): the people timed are picked
from it (the busiest unit, supervising department and learner, a common and a rare name). Requests go through the
Flask test client in this process, signed in by setting the session as the login form does. Besides the page's
time it prints the time spent in the database (all statements of the request) and in its slowest statement: on a
busy machine those say more about the SQL than the page's wall time, which includes rendering the page.
"""
import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

os.environ.setdefault('SECRET_KEY', 'bench-claim-lists-not-a-deployment-secret')


def pick(conn) -> dict:
    """The people and the search words the bench uses, from the data."""
    def one(sql):
        return conn.exec_driver_sql(sql).first()
    unit = one("SELECT m.id FROM membership m JOIN (SELECT unit_id, count(*) n FROM claim GROUP BY unit_id "
               "ORDER BY n DESC LIMIT 1) c ON c.unit_id = m.org_id WHERE m.role = 'unit_admin' "
               "AND m.department_id IS NULL LIMIT 1")
    secondary = one("SELECT id FROM membership WHERE role = 'unit_admin' AND department_id IS NOT NULL LIMIT 1")
    supervisor = one("SELECT m.id FROM membership m JOIN (SELECT reviewer_org_id, count(*) n FROM claim "
                     "GROUP BY reviewer_org_id ORDER BY n DESC LIMIT 1) c ON c.reviewer_org_id = m.org_id "
                     "WHERE m.role = 'supervisor' LIMIT 1")
    province = one("SELECT id FROM membership WHERE role = 'province' LIMIT 1")
    learner = one("SELECT m.id FROM membership m JOIN (SELECT learner_id, count(*) n FROM claim GROUP BY learner_id "
                  "ORDER BY n DESC LIMIT 1) c ON c.learner_id = m.user_id WHERE m.role = 'learner' LIMIT 1")
    common = one("SELECT u.name FROM user_account u JOIN claim c ON c.learner_id = u.id WHERE c.unit_id = "
                 "(SELECT org_id FROM membership WHERE id = %d) GROUP BY u.name ORDER BY count(*) DESC LIMIT 1"
                 % unit[0])[0]
    rare = one("SELECT u.name FROM user_account u JOIN claim c ON c.learner_id = u.id WHERE c.unit_id = "
               "(SELECT org_id FROM membership WHERE id = %d) AND char_length(u.name) = 3 GROUP BY u.name "
               "HAVING count(*) = 1 LIMIT 1" % unit[0])[0]
    id_number = one("SELECT u.id_number FROM user_account u JOIN claim c ON c.learner_id = u.id "
                    "WHERE c.submitted_at IS NOT NULL AND u.id_number IS NOT NULL LIMIT 1")[0]
    return dict(unit=unit[0], secondary=secondary[0] if secondary else None, supervisor=supervisor[0],
                province=province[0], learner=learner[0], common=common, rare=rare, id_number=id_number)


def pages(p: dict) -> list[tuple[str, str, str]]:
    """(label, membership key, url) of every page timed."""
    q = p['common']
    rows = [('learner 培训登记详情', 'learner', '/claims/'),
            ('learner 我发起的', 'learner', '/inbox/mine'),
            ('learner 培训总体查询', 'learner', '/claims/totals')]
    for role in ('unit', 'secondary', 'supervisor', 'province'):
        if p[role] is None:
            continue
        rows += [(f'{role} 审核结果 p1', role, '/claims/manage'),
                 (f'{role} 审核结果 p50', role, '/claims/manage?page=50'),
                 (f'{role} 审核结果 status+year', role, '/claims/manage?status=通过认定&year=2024'),
                 (f'{role} 审核结果 pathway', role, '/claims/manage?pathway=training')]
    rows += [('unit name common ' + q, 'unit', f'/claims/manage?q={q}'),
             ('unit name common p50', 'unit', f'/claims/manage?q={q}&page=50'),
             ('unit name rare ' + p['rare'], 'unit', f"/claims/manage?q={p['rare']}"),
             ('unit name 1 char ' + q[0], 'unit', f'/claims/manage?q={q[0]}'),
             ('province name common ' + q, 'province', f'/claims/manage?q={q}'),
             ('province name rare ' + p['rare'], 'province', f"/claims/manage?q={p['rare']}"),
             ('province name 1 char ' + q[-1], 'province', f'/claims/manage?q={q[-1]}'),
             ('province ID number', 'province', f"/claims/manage?q={p['id_number'].lower()}"),
             ('supervisor name common', 'supervisor', f'/claims/manage?q={q}'),
             ('unit 我发起的', 'unit', '/inbox/mine'),
             ('unit 人员管理 name common', 'unit', f'/unit/staff?q={q}'),
             ('unit 人员管理 name rare', 'unit', f"/unit/staff?q={p['rare']}"),
             ('unit export status+year', 'unit', '/claims/manage?status=待初审&year=2025&export=xlsx')]
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--url', default=os.environ.get('DATABASE_URL'), required='DATABASE_URL' not in os.environ)
    parser.add_argument('--requests', type=int, default=30)
    parser.add_argument('--only', help='time only pages whose label contains this')
    args = parser.parse_args()
    os.environ['DATABASE_URL'] = args.url

    from sqlalchemy import event
    from models import Membership, db
    from webapp import create_app

    app = create_app()
    with app.app_context():
        with db.engine.connect() as conn:
            p = pick(conn)
        users = {k: (db.session.get(Membership, v).user_id, v) for k, v in p.items()
                 if k in ('unit', 'secondary', 'supervisor', 'province', 'learner') and v}
        statements, started = [], []
        event.listen(db.engine, 'before_cursor_execute', lambda *a: started.append(time.perf_counter()))
        event.listen(db.engine, 'after_cursor_execute',
                     lambda *a: statements.append((time.perf_counter() - started.pop()) * 1000))
    print(f"common name {p['common']}, rare name {p['rare']}", flush=True)
    print(f"{'page':42} {'p50 ms':>8} {'p95 ms':>8} {'db p50':>8} {'db p95':>8} {'slowest':>8} {'stmts':>6} "
          f"{'status':>6}")
    clients = {}
    for key, (user_id, membership_id) in users.items():
        client = clients[key] = app.test_client()
        with client.session_transaction() as s:
            s['_user_id'], s['_fresh'], s['membership_id'] = f'{user_id}:0', True, membership_id
    for label, key, url in pages(p):
        if args.only and args.only not in label or key not in clients:
            continue
        client, times, db_times, slowest = clients[key], [], [], []
        client.get(url)  # warm
        for _ in range(args.requests):
            statements.clear()
            t0 = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
            db_times.append(sum(statements))
            slowest.append(max(statements))
        print(f'{label:42} {statistics.median(times):8.1f} {p95(times):8.1f} {statistics.median(db_times):8.1f} '
              f'{p95(db_times):8.1f} {p95(slowest):8.1f} {len(statements):6} {response.status_code:6}', flush=True)


def p95(values: list[float]) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]


if __name__ == '__main__':
    main()
