"""Load generator: the hot transitions over HTTP against gunicorn on PostgreSQL, closed loop, beside the engine-only
ceiling of the same steps measured in the same run.

Each client is a thread with three signed-in sessions — a learner of its own, the unit admin and the supervising
department's reviewer — and goes round: the learner saves a new claim (POST /claims/new) and submits it, the unit
approves it, the supervisor approves it finally: four transitions a round. A client sends its next request when the
last one has answered (closed loop). "POST" times the POST alone; "POST+page" also fetches the page it redirects to,
as a browser does. The reviewers find the task's id (the hidden field of the review form) with a query of the bench's
own, outside the timing.

The server runs as bin/run starts it (gunicorn, the app factory) with PostgreSQL, with two settings of its own:
TESTING with CAPTCHA_TEST_ANSWER, so that a robot can answer the login captcha (TESTING changes nothing else a
request does here: CSRF stays on, passwords stay scrypt, the secret key is a real one), and PATHWAY_ANNUAL_CAP raised,
so that thousands of claims of one learner in one year may all be approved (the check still runs).

Run: .venv/bin/python bench/load.py [--workers 2] [--clients 4 8 16] [--seconds 20] [--modes post page]
         [--url postgresql+psycopg://…/creditflow_load] [--tree DIR [DIR …]]
The database at --url (default: TEST_DATABASE_URL's server, database creditflow_load) is emptied and rebuilt with
`flask db upgrade` and `flask seed-demo`. Several --tree checkouts (the commit before a change, say) are measured in
turn, round by round, so that a noisy machine treats them alike.
"""
import argparse
import http.client
import json
import multiprocessing
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import psycopg

from claim_transition import engine_claim, parsed_claim_process

ROOT = Path(__file__).resolve().parents[1]
PYTHON = Path(sys.executable)
GUNICORN = PYTHON.parent / 'gunicorn'
CAPTCHA = 'BENCH'
PASSWORD = 'Bench@2026'
UNIT_ADMIN, SUPERVISOR = 'jtjt_admin', 'jiaotong'  # demo accounts: 交工集团 and the 交通厅 above it
DEMO_PASSWORD = 'Demo@2026'


# --- the engine-only ceiling --------------------------------------------------------------------------------------

def _engine_worker(seconds: float) -> int:
    parsed = parsed_claim_process()
    engine_claim(parsed)  # warm
    done, end = 0, time.perf_counter() + seconds
    while time.perf_counter() < end:
        done += engine_claim(parsed)
    return done


def engine_ceiling(processes: int, seconds: float) -> float:
    """Transitions per second of the same four steps by the engine alone, in as many processes as the server has
    workers (the same cores)."""
    with multiprocessing.get_context('fork').Pool(processes) as pool:
        return sum(pool.map(_engine_worker, [seconds] * processes)) / seconds


# --- the database and the server ----------------------------------------------------------------------------------

def libpq(url: str) -> str:
    return url.replace('postgresql+psycopg://', 'postgresql://')


def lift_caps(tree: Path, env: dict) -> None:
    """A tree whose annual caps are in the province catalogue (issue 14) publishes the demo catalogue without them,
    as PATHWAY_ANNUAL_CAP (SERVER_CONFIG) lifts them in the trees before: one learner's thousands of claims may all be
    approved."""
    shipped = tree / 'rules' / 'catalogues' / 'zhejiang.json'
    if not shipped.exists():
        return
    data = json.loads(shipped.read_text(encoding='utf-8'))
    for pathway in data['pathways']:
        pathway['cap'] = None
    uncapped = Path(tempfile.mkdtemp()) / 'zhejiang-uncapped.json'
    uncapped.write_text(json.dumps(data, ensure_ascii=False), encoding='utf-8')
    subprocess.run([str(PYTHON), '-m', 'flask', '--app', 'webapp', 'load-catalogue', '浙江省专业技术人员继续教育学时办',
                    str(uncapped)], cwd=tree, env=env, check=True, stdout=subprocess.DEVNULL)


def prepare_database(url: str, tree: Path, learners: int) -> None:
    """Empty the database, build the schema and the demo data with the app's own commands, add *learners*
    learners at the demo unit (交工集团 · 工程部) with the password PASSWORD."""
    with psycopg.connect(libpq(url), autocommit=True) as conn:
        conn.execute('DROP SCHEMA public CASCADE')
        conn.execute('CREATE SCHEMA public')
    env = server_env(url)
    for command in (['db', 'upgrade'], ['seed-demo']):
        subprocess.run([str(PYTHON), '-m', 'flask', '--app', 'webapp', *command], cwd=tree, env=env, check=True,
                       stdout=subprocess.DEVNULL)
    lift_caps(tree, env)
    from werkzeug.security import generate_password_hash
    password_hash = generate_password_hash(PASSWORD)  # one scrypt hash shared by every bench learner
    with psycopg.connect(libpq(url)) as conn:
        unit, department = conn.execute("SELECT org_id, department_id FROM membership JOIN user_account u ON "
                                        "u.id = user_id WHERE u.account_name IS NULL AND role = 'learner' AND "
                                        "department_id IS NOT NULL ORDER BY u.id LIMIT 1").fetchone()
        for i in range(learners):
            user_id = conn.execute(
                'INSERT INTO user_account (name, id_number, password_hash, must_change_password, is_enabled, '
                'session_epoch) VALUES (%s, %s, %s, false, true, 0) RETURNING id',
                (f'压测学员{i}', bench_id_number(i), password_hash)).fetchone()[0]
            conn.execute("INSERT INTO membership (user_id, role, org_id, department_id, login_allowed) "
                         "VALUES (%s, 'learner', %s, %s, true)", (user_id, unit, department))


def bench_id_number(i: int) -> str:
    from stdnum.cn import ric
    prefix = f'110101{1960 + i // 900:04d}0101{100 + i % 900:03d}'  # 北京东城, one birthday per 900
    return prefix + ric.calc_check_digit(prefix + '0')


def server_env(url: str) -> dict:
    return {**os.environ, 'DATABASE_URL': url, 'SECRET_KEY': BENCH_SECRET, 'FLASK_APP': 'webapp',
            'PYTHONDONTWRITEBYTECODE': '1'}


BENCH_SECRET = secrets.token_hex(32)
SERVER_CONFIG = {'TESTING': True, 'CAPTCHA_TEST_ANSWER': CAPTCHA, 'PATHWAY_ANNUAL_CAP': 1_000_000}


class Server:
    """gunicorn as bin/run starts it, on *tree*'s app."""

    def __init__(self, tree: Path, url: str, workers: int, port: int):
        self.port = port
        factory = f'webapp:create_app({SERVER_CONFIG!r})'
        self.process = subprocess.Popen(
            [str(GUNICORN), '--workers', str(workers), '--bind', f'127.0.0.1:{port}', '--log-level', 'warning',
             factory], cwd=tree, env=server_env(url), start_new_session=True)
        for _ in range(300):
            try:
                http.client.HTTPConnection('127.0.0.1', port, timeout=2).request('GET', '/login')
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError('gunicorn did not start')

    def cpu_seconds(self) -> float:
        """User + system CPU of the workers (children of the master) so far."""
        total = 0.0
        for child in Path(f'/proc/{self.process.pid}/task/{self.process.pid}/children').read_text().split():
            fields = Path(f'/proc/{child}/stat').read_text().rsplit(')', 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')
        return total

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(30)


# --- the clients --------------------------------------------------------------------------------------------------

class Session:
    """One signed-in person: cookies and the CSRF token. A new connection per request, as gunicorn's sync workers
    close each one."""

    def __init__(self, port: int):
        self.port, self.cookies, self.csrf = port, {}, ''

    def request(self, method: str, path: str, form: dict | None = None) -> http.client.HTTPResponse:
        conn = http.client.HTTPConnection('127.0.0.1', self.port, timeout=60)
        headers = {'Cookie': '; '.join(f'{k}={v}' for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode({**form, 'csrf_token': self.csrf})
            headers['Content-Type'] = 'application/x-www-form-urlencoded'
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        response.text = response.read().decode('utf-8', 'replace')
        conn.close()
        for header in response.headers.get_all('Set-Cookie') or ():
            for name, morsel in SimpleCookie(header).items():
                if morsel.value and 'Thu, 01 Jan 1970' not in (morsel['expires'] or ''):
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return response

    def post(self, path: str, form: dict, follow: bool) -> http.client.HTTPResponse:
        response = self.request('POST', path, form)
        if follow and response.status == 302:
            self.request('GET', urlsplit(response.headers['Location']).path)
        return response

    def login(self, username: str, password: str) -> 'Session':
        self.csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                              self.request('GET', '/login').text).group(1)
        self.request('GET', '/captcha.png')
        response = self.request('POST', '/login', {'username': username, 'password': password, 'captcha': CAPTCHA})
        if response.status != 302 or '/login' in response.headers['Location']:
            raise RuntimeError(f'login of {username} refused: {response.status}')
        return self


def claim_form() -> dict:
    year = date.today().year
    return {'pathway': 'training', 'sub_type': '培训班', 'level': '', 'rank': '', 'quantity': '1',
            'title': '压测培训班', 'start_date': f'{year}-03-02', 'end_date': f'{year}-03-02', 'applied_hours': '1',
            'year': str(year), 'description': '', 'certificate_no': '', 'pledge': 'y'}


class Client(threading.Thread):
    def __init__(self, port: int, index: int, url: str, follow: bool, stop: threading.Event):
        super().__init__(daemon=True)
        self.port, self.url, self.follow, self.stop = port, url, follow, stop
        self.learner_name = bench_id_number(index)
        self.latencies, self.errors, self.claims = [], [], []

    def setup(self):
        self.learner = Session(self.port).login(self.learner_name, PASSWORD)
        self.unit = Session(self.port).login(UNIT_ADMIN, DEMO_PASSWORD)
        self.supervisor = Session(self.port).login(SUPERVISOR, DEMO_PASSWORD)
        self.db = psycopg.connect(libpq(self.url), autocommit=True)

    def open_item(self, claim_id: int) -> int:
        return self.db.execute("SELECT id FROM work_item WHERE subject_type = 'claim' AND subject_id = %s AND "
                               "completed_at IS NULL", (claim_id,)).fetchone()[0]

    def timed(self, send, expect: str) -> http.client.HTTPResponse | None:
        t0 = time.perf_counter()
        try:
            response = send()
        except Exception as exc:  # a refused connection, a timeout: counted, and the round abandoned
            self.errors.append(repr(exc))
            return None
        self.latencies.append(time.perf_counter() - t0)
        if response.status != 302 or not re.search(expect, response.headers['Location']):
            self.errors.append(f'{response.status} {response.headers.get("Location")}')
            return None
        return response

    def run(self):
        while not self.stop.is_set():
            created = self.timed(lambda: self.learner.post('/claims/new', claim_form(), self.follow), r'/claims/\d+$')
            if created is None:
                continue
            claim_id = int(created.headers['Location'].rsplit('/', 1)[1])
            self.claims.append(claim_id)
            # A refused submit also lands on the claim: the unit's open task below tells whether it went through.
            if self.timed(lambda: self.learner.post(f'/claims/{claim_id}/submit', {'target': 'unit'}, self.follow),
                          rf'/claims/{claim_id}$') is None:
                continue
            for session, hours in ((self.unit, ''), (self.supervisor, '1')):
                review = {'work_item_id': self.open_item(claim_id), 'decision': 'approve', 'hours': hours,
                          'comment': ''}
                # the review lands in the inbox when it went through, back on the claim when refused
                if self.timed(lambda: session.post(f'/claims/{claim_id}/review', review, self.follow),
                              r'/inbox/$') is None:
                    break


def drive(port: int, url: str, clients: int, seconds: float, follow: bool, server: Server) -> dict:
    stop = threading.Event()
    threads = [Client(port, i, url, follow, stop) for i in range(clients)]
    for thread in threads:
        thread.setup()
    cpu0, t0 = server.cpu_seconds(), time.perf_counter()
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join(120)
    elapsed, cpu = time.perf_counter() - t0, server.cpu_seconds() - cpu0
    latencies = sorted(x for t in threads for x in t.latencies)
    errors = [e for t in threads for e in t.errors]
    claims = [c for t in threads for c in t.claims]
    with psycopg.connect(libpq(url)) as conn:  # every round finished: each claim it saved ends approved
        unapproved = conn.execute("SELECT count(*) FROM claim WHERE id = ANY(%s) AND outcome <> 'approved'",
                                  (claims,)).fetchone()[0]
    for thread in threads:
        thread.db.close()
    n = len(latencies)
    return {'transitions': n, 'per_second': n / elapsed, 'errors': len(errors), 'unapproved': unapproved,
            'p50': latencies[n // 2] * 1000 if n else 0, 'p95': latencies[int(n * 0.95)] * 1000 if n else 0,
            'p99': latencies[int(n * 0.99)] * 1000 if n else 0,
            'cpu_ms': cpu * 1000 / n if n else 0, 'first_error': errors[0] if errors else ''}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--workers', type=int, default=2, help='gunicorn workers (2 or 4)')
    parser.add_argument('--clients', type=int, nargs='+', default=[4, 8, 16])
    parser.add_argument('--seconds', type=float, default=20)
    parser.add_argument('--modes', nargs='+', choices=('post', 'page'), default=['post', 'page'])
    parser.add_argument('--url', default=None)
    parser.add_argument('--tree', nargs='+', default=[str(ROOT)])
    parser.add_argument('--port', type=int, default=8731)
    parser.add_argument('--engine-seconds', type=float, default=5)
    args = parser.parse_args()
    url = args.url or re.sub(r'/[^/]+$', '/creditflow_load', os.environ.get('TEST_DATABASE_URL', ''))
    if not url.startswith('postgresql'):
        sys.exit('give --url of a PostgreSQL database this bench may empty, or set TEST_DATABASE_URL')
    trees = [Path(t).resolve() for t in args.tree]
    ceiling = engine_ceiling(args.workers, args.engine_seconds)
    print(f'engine only, {args.workers} processes: {ceiling:7.0f} transitions/s (start, submit, unit approve, '
          f'final approve)')
    print(f'HTTP: gunicorn {args.workers} workers, PostgreSQL, {args.seconds:.0f} s per line')
    print(f'{"tree":28} {"mode":9} {"clients":>7} {"trans/s":>8} {"p50 ms":>7} {"p95 ms":>7} {"p99 ms":>7} '
          f'{"errors":>6} {"app CPU ms/tr":>13} {"engine/app":>10}')
    results = []
    for mode in args.modes:
        for clients in args.clients:
            for tree in trees:  # side by side: each tree on the same line of the plan, one after the other
                prepare_database(url, tree, max(args.clients))
                server = Server(tree, url, args.workers, args.port)
                try:
                    r = drive(args.port, url, clients, args.seconds, mode == 'page', server)
                finally:
                    server.stop()
                results.append({'tree': str(tree), 'mode': mode, 'clients': clients, **r})
                name = tree.name if len(str(tree)) > 28 else str(tree)
                print(f'{name:28} {"POST" if mode == "post" else "POST+page":9} {clients:7} {r["per_second"]:8.1f} '
                      f'{r["p50"]:7.1f} {r["p95"]:7.1f} {r["p99"]:7.1f} {r["errors"] + r["unapproved"]:6} '
                      f'{r["cpu_ms"]:13.1f} {ceiling / r["per_second"] if r["per_second"] else 0:9.1f}x'
                      + (f'   first error: {r["first_error"]}' if r['first_error'] else ''), flush=True)
    print(json.dumps({'engine_per_second': ceiling, 'results': results}), file=sys.stderr)


if __name__ == '__main__':
    main()
