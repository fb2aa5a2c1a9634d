"""Province scale: build a PostgreSQL database of a province's size, then time every list page and search on it.

    python bench/province_scale.py build [--url URL] [--scale 1.0] [--rebuild]
    python bench/province_scale.py hr    [--url URL]
    python bench/province_scale.py time  [--url URL] [--requests 30] [--only TEXT] [--explain]
                                         [--save FILE.json] [--compare FILE.json]

Run it from the worktree whose code you want: the current working directory goes first on sys.path, so the app,
its Alembic migrations (the schema) and its pages are that directory's, wherever this file lives (`python
/path/to/another/worktree/bench/province_scale.py …` works too). The URL defaults to the local database
`creditflow_scale`; scale 1.0 is 20,000 units, 1,000,000 learners and 1,000,000 claims (one
supervising department over 2,000 units, one unit with 30,000 staff and ~21,000 claims waiting for it).

build: a few template claims go through the real service layer to every state a claim can be in (one learner, unit,
unit admin and supervising department made for them, in each pathway and year); then the organisations and people
are COPYed in and every claim is a clone of a template: its claim, workflow_instance, work_item and flow_log rows
are copied with INSERT … SELECT, rewriting the ids, the actors (foreign keys to user_account, organisation and
department: the template's learner, unit, unit admin, supervising department … become the clone's) and shifting
every timestamp by the clone's age. A column this script does not name is copied from the template (a foreign key
of those kinds mapped, a *_at timestamp shifted), so columns and indexes added later are filled too. What was
built and how long each phase took is kept in the table bench_meta. Without --rebuild a built database is kept.
The step `hr` (run by `build` and `time` too, idempotent, so a database built before it gets it without a rebuild) adds
a city's 人社局 under the province's top 人社部门 (add_city_hr): the 2,000 units of the big supervising department name
it as their 同级人社部门, and it has an `hr` step's open work items. Every account's password is Demo@2026 (hashed as
the tests hash it); the accounts the pages are timed as are in bench_meta (`time` prints them).

time: in-process with the Flask test client (the test configuration, on that database, nothing rolled back),
logged in through the login form with the test captcha; N requests per page, p50/p95, SQL statements per request
and the response size. A counted request over 10 s stops its page (the first, not counted, warms up). --save and
--compare put two runs side by side (the code before and after a change, on the same database).

The instance states are written with lz4 TOAST compression (default_toast_compression for the build's session):
pglz takes four times as long. The 156 template claims stay in the database (learner 模板学员, unit 模板单位).
"""
import argparse
import json
import os
import random
import sys
import time
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, os.getcwd())  # the worktree it is run from: its app, migrations and pages

import psycopg  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import event, func, select  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from stdnum.cn import ric  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from models import (Claim, Department, LearnerHours, Membership, Organisation, RegistrationWindow,  # noqa: E402
                    User, db)
from models.org import PROVINCE, SUPERVISOR, UNIT  # noqa: E402
from models.people import LEARNER, SUPERVISOR_ADMIN, UNIT_ADMIN  # noqa: E402
from tests.apps import TEST_CONFIG, create_test_app  # noqa: E402
from tests.people import login  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp import hours as hours_counter  # noqa: E402
from webapp.claims import operations as ops  # noqa: E402
from webapp.cli import seed_demo_data  # noqa: E402
from webapp.oversight import stats  # noqa: E402

DEFAULT_URL = 'postgresql+psycopg://postgres:postgres@127.0.0.1:5432/creditflow_scale'
PASSWORD = 'Demo@2026'
NOW = datetime.utcnow().replace(microsecond=0)
THIS_YEAR = NOW.year
YEARS = (THIS_YEAR - 2, THIS_YEAR - 1, THIS_YEAR)


# Sizes at scale 1.0 -------------------------------------------------------------------------------------------------

UNITS = 20_000
BIG_SUPERVISOR_UNITS = 2_000
SUPERVISORS = 20                     # besides the big one
LEARNERS = 1_000_000
BIG_UNIT_STAFF = 30_000
BIG_UNIT_DEPARTMENTS = 12
CLAIMS = 1_000_000
BIG_UNIT_CLAIMS = 60_000             # of which BIG_UNIT_PENDING wait for the unit's review
BIG_UNIT_PENDING = 21_000
SMALL_UNIT_STAFF = 20                # the unit whose 学时达标情况 is timed as "a small unit"


# Template claims ----------------------------------------------------------------------------------------------------

# State -> the steps that take a new draft there (through webapp.claims.operations, as people do it).
STATES = {
    'draft': (),
    'withdrawn': ('submit_unit', 'withdraw'),
    'pending_unit': ('submit_unit',),
    'resubmitted': ('submit_unit', 'unit_return', 'submit_unit'),
    'pending_final': ('submit_unit', 'unit_approve'),
    'pending_final_direct': ('submit_supervisor',),
    'returned_unit': ('submit_unit', 'unit_return'),
    'returned_final': ('submit_unit', 'unit_approve', 'final_return'),
    'rejected_unit': ('submit_unit', 'unit_reject'),
    'rejected_final': ('submit_unit', 'unit_approve', 'final_reject'),
    'approved': ('submit_unit', 'unit_approve', 'final_approve'),
    'approved_direct': ('submit_supervisor', 'final_approve'),
    'deleted_draft': ('delete',),
    'deleted_approved': ('submit_unit', 'unit_approve', 'final_approve', 'delete_approved'),
}
# How the claims of a year are spread over the states (weights); earlier years have finished.
THIS_YEAR_MIX = {'draft': 6, 'withdrawn': 1, 'pending_unit': 15, 'resubmitted': 2, 'pending_final': 8,
                 'pending_final_direct': 1, 'returned_unit': 3, 'returned_final': 1, 'rejected_unit': 2,
                 'rejected_final': 1, 'approved': 55, 'approved_direct': 3, 'deleted_draft': 1,
                 'deleted_approved': 1}
PAST_YEAR_MIX = {'approved': 88, 'approved_direct': 3, 'rejected_unit': 4, 'rejected_final': 2,
                 'deleted_draft': 1, 'deleted_approved': 2}
# The learner whose own lists are timed: 8 claims, none deleted.
FEATURED_CLAIMS = [(THIS_YEAR, 'draft'), (THIS_YEAR, 'pending_unit'), (THIS_YEAR, 'returned_unit'),
                   (THIS_YEAR, 'approved'), (THIS_YEAR - 1, 'approved'), (THIS_YEAR - 1, 'approved_direct'),
                   (THIS_YEAR - 1, 'rejected_unit'), (THIS_YEAR - 2, 'approved')]
BIG_UNIT_MIX = {k: v for k, v in THIS_YEAR_MIX.items() if k != 'pending_unit'}  # besides its pending claims

PATHWAY_INPUT = {  # one valid claim of each pathway: sub_type, level, rank, quantity, days, hours, title
    'exam': ('交通运输类执（职）业资格考试', None, None, 2, 1, 8, '公路水运工程试验检测师资格考试'),
    'seminar': ('高级研修班', 'provincial', None, 1, 5, 12, '智慧交通设计高级研修班（省级）'),
    'training': ('培训班', None, None, 1, 3, 12, '全省公路桥梁养护技术培训班'),
    'research': ('课题研究', 'provincial', 1, 1, 30, 10, '山区高速公路边坡稳定性研究'),
    'publication': ('论文', 'core', 1, 1, 1, 10, '沥青路面预防性养护技术研究'),
    'degree_course': ('在职学历教育课程', None, None, 1, 60, 8, '工程管理硕士课程（在职）'),
}
PATHWAY_SHARE = {'training': 60, 'seminar': 10, 'exam': 8, 'research': 8, 'publication': 10, 'degree_course': 4}

TEMPLATE = {'supervisor': '模板主管部门', 'unit': '模板单位', 'department': '模板科室', 'learner': '模板学员',
            'unit_admin': '模板单位管理员', 'supervisor_admin': '模板主管部门审核员'}


# Names ------------------------------------------------------------------------------------------------------------

SURNAMES = ('王 710 李 700 张 670 刘 540 陈 450 杨 310 黄 220 赵 200 吴 200 周 190 徐 150 孙 140 马 130 朱 120 胡 120 '
            '郭 110 何 100 高 100 林 100 罗 90 郑 80 梁 80 谢 70 宋 60 唐 60 许 60 韩 60 冯 50 邓 50 曹 50 彭 50 曾 50 '
            '肖 50 田 40 董 40 袁 40 潘 40 于 40 蒋 40 蔡 40 余 40 杜 40 叶 40 程 30 苏 30 魏 30 吕 30 丁 30 任 30 '
            '沈 30 姚 30 卢 30 姜 30 崔 30 钟 30 谭 30 陆 30 汪 30 范 30 金 30 石 30 廖 20 贾 20 夏 20 韦 20 付 20 '
            '方 20 白 20 邹 20 孟 20 熊 20 秦 20 邱 20 江 20 尹 20 薛 20 闫 20 段 20 雷 20 侯 20 龙 20 史 20 欧阳 5 '
            '上官 1 司马 1 诸葛 1').split()
GIVEN_ONE = ('伟 100 芳 60 娜 55 敏 50 静 50 丽 45 强 45 磊 45 军 40 洋 40 勇 40 艳 35 杰 35 娟 35 涛 35 明 30 超 30 '
             '霞 30 平 30 刚 30 华 25 飞 25 鹏 25 辉 25 玲 25 燕 25 红 20 波 20 斌 20 宇 20 浩 20 凯 20 婷 20 雪 20 '
             '琳 15 晶 15 颖 15 欣 15 倩 15 阳 15 帆 15 鑫 15 峰 15 亮 15 健 15 俊 15 林 10 建 10 文 10 博 10 '
             '慧 10 瑶 10 蕾 10 楠 10 琴 10 萍 10 莉 10 丹 10').split()
GIVEN_POOL = ('子 梓 浩 宇 欣 怡 佳 嘉 俊 晨 思 雨 一 文 志 建 国 海 春 晓 秀 美 玉 丽 红 英 华 明 丹 云 慧 婷 雅 静 '
              '伟 杰 鹏 涛 磊 强 军 平 辉 刚 勇 斌 超 波 亮 峰 飞 凯 帆 洋 鑫 林 琳 颖 敏 娟 艳 霞 燕 玲 萍 芳 兰 '
              '桂 秋 冬 立 新 永 德 成 天 振 家 学 长 兴 光 荣 清 泽 睿 轩 涵 萱 诗 可 心 若 昊 然 梦 语 安 乐 '
              '铭 宏 晖 彬 达 毅 瑞 祥 凡 卫 东 方 小 金 福 宁 远 正 彤 璐 蓉 倩 露').split()
AREAS = ('330302 330303 330304 330305 330324 330326 330327 330328 330329 330381 330382 330402 330411 330421 '
         '330424 330481 330482 330483 330502 330503 330521 330522 330523 330602 330603 330604 330624 330681 '
         '330683 330702 330703 330723 330726 330727 330781 330782 330783 330784 330802 330803 330822 330824 '
         '330825 330881 330902 330903 330921 330922 331002 331003').split()
CITIES = '杭州市 宁波市 温州市 嘉兴市 湖州市 绍兴市 金华市 衢州市 舟山市 台州市 丽水市 义乌市 慈溪市 诸暨市'.split()
BRANDS = ('华信 东方 恒达 正泰 鸿运 新世纪 海天 天成 中联 宏远 金诚 同济 博远 锦江 明珠 永安 瑞丰 汇通 众诚 '
          '中天 广厦 之江 钱塘 西湖 甬江 瓯江 富春 新安 天目 雁荡 四明 会稽 兰亭 南湖 太湖 千岛 普陀 括苍 仙居 '
          '江南 浙东 浙西 北仑 镇海 余姚 萧山 临安 桐庐 淳安 建德').split()
TRADES = ('建设工程 交通工程 水利水电 市政工程 勘察设计 建筑设计 电力工程 港航工程 路桥工程 环境工程 信息技术 '
          '检测技术 城建设计 规划设计 工程咨询 医药 机械制造 新材料 化工 电子科技 软件 通信技术 轨道交通 '
          '能源 农业科技 食品 纺织 教育科技 生物技术 测绘').split()
KINDS = ('有限公司 集团有限公司 股份有限公司 研究院 设计院 工程有限公司 技术有限公司 咨询有限公司 '
         '检测中心 发展中心').split()
SUPERVISOR_NAMES = ('卫生健康委员会 教育厅 科学技术厅 经济和信息化厅 民政厅 司法厅 财政厅 人力资源和社会保障厅 自然资源厅 '
                    '生态环境厅 农业农村厅 商务厅 文化和旅游厅 应急管理厅 市场监督管理局 广播电视局 体育局 统计局 '
                    '林业局 医疗保障局 国有资产监督管理委员会').split()


def weighted(spec: list[str]) -> tuple[list[str], list[int]]:
    return spec[0::2], [int(w) for w in spec[1::2]]


def person_names(rng: random.Random, count: int) -> list[str]:
    """Surname + one character (two-character names: 40 %) or + two; 张伟 comes out some 2,800 times a million."""
    surnames, s_weights = weighted(SURNAMES)
    ones, o_weights = weighted(GIVEN_ONE)
    return [surname + (one if rng.random() < 0.4 else rng.choice(GIVEN_POOL) + rng.choice(GIVEN_POOL))
            for surname, one in zip(rng.choices(surnames, s_weights, k=count), rng.choices(ones, o_weights, k=count))]


def id_number(n: int, rng: random.Random) -> str:
    """A valid-looking 18-character ID number, unique per n (area, birth date block and sequence encode n)."""
    area, rest = AREAS[n % len(AREAS)], n // len(AREAS)
    born = date(1962, 1, 1) + timedelta(days=(rest // 1000) * 600 + rng.randrange(600))
    prefix = f'{area}{born:%Y%m%d}{rest % 1000:03d}'
    return prefix + ric.calc_check_digit(prefix + '0')


def unit_names(rng: random.Random, count: int) -> list[str]:
    combos = [(c, b, t, k) for c in CITIES for b in BRANDS for t in TRADES for k in KINDS]
    return [c + b + t + k for c, b, t, k in rng.sample(combos, count)]


# Database helpers ---------------------------------------------------------------------------------------------------

def libpq_url(url: str) -> str:
    return make_url(url).set(drivername='postgresql').render_as_string(hide_password=False)


def say(message: str) -> None:
    print(f'[{datetime.now():%H:%M:%S}] {message}', flush=True)


class Phases:
    """Times each phase of the build; the table goes into bench_meta."""

    def __init__(self):
        self.rows: list[tuple[str, float, str]] = []

    @contextmanager
    def phase(self, name: str):
        say(f'{name} …')
        t0 = time.perf_counter()
        note = {}
        yield note
        seconds = time.perf_counter() - t0
        self.rows.append((name, seconds, note.get('rows', '')))
        say(f'{name}: {seconds:.1f} s {note.get("rows", "")}')


def test_config(url: str) -> dict:
    return {**TEST_CONFIG, 'SQLALCHEMY_DATABASE_URI': url,
            'EVIDENCE_DIR': str(Path(os.environ.get('TMPDIR', '/tmp')) / 'province_scale_evidence')}


def make_app(url: str):
    return create_app(test_config(url))


def columns(conn, table: str) -> list[tuple[str, str]]:
    return [tuple(r) for r in conn.execute(
        'SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() '
        'AND table_name = %s ORDER BY ordinal_position', (table,)).fetchall()]


def foreign_keys(conn, table: str) -> dict[str, str]:
    """column -> the table it refers to (single-column foreign keys)."""
    rows = conn.execute("""
        SELECT a.attname, c.confrelid::regclass::text FROM pg_constraint c
        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
        WHERE c.contype = 'f' AND c.conrelid = %s::regclass AND array_length(c.conkey, 1) = 1""", (table,)).fetchall()
    return {col: ref.strip('"') for col, ref in rows}


def secondary_indexes(conn, tables: list[str]) -> list[tuple[str, str]]:
    """(name, definition) of the indexes of *tables* that no constraint owns: dropped before the bulk load and made
    again after it (faster than keeping them up to date row by row)."""
    return [tuple(r) for r in conn.execute("""
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)""", (tables,)).fetchall()]


def copy_rows(conn, table: str, cols: list[str], rows) -> int:
    count = 0
    with conn.cursor() as cur, cur.copy(f'COPY {table} ({", ".join(cols)}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


# Build --------------------------------------------------------------------------------------------------------------

def create_database(url: str, rebuild: bool) -> bool:
    """True when the database is new or empty (or was dropped: --rebuild): it has to be built. A database with
    tables but no bench_meta is not dropped without --rebuild."""
    name = make_url(url).database
    admin = libpq_url(make_url(url).set(database='postgres').render_as_string(hide_password=False))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute('SELECT 1 FROM pg_database WHERE datname = %s', (name,)).fetchone()
        if exists and rebuild:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        if not exists or rebuild:
            conn.execute(f'CREATE DATABASE "{name}"')
        # As README's "Deploying a province" asks of a province's server (SSD): with the default of 4 the planner
        # reads a million accounts rather than 30,000 of them by key (人员管理 of the big unit: 279 ms against 70).
        conn.execute(f'ALTER DATABASE "{name}" SET random_page_cost = 1.1')
        if not exists or rebuild:
            return True
    with psycopg.connect(libpq_url(url)) as conn:
        built = conn.execute("SELECT to_regclass('bench_meta') IS NOT NULL").fetchone()[0]
        tables = conn.execute('SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()').fetchone()[0]
    if not built and tables:
        raise SystemExit(f'{name} has tables but was not built by this script (no bench_meta): --rebuild drops it')
    return not built


def upgrade_schema(url: str) -> None:
    """The schema of the code in the current directory: its Alembic migrations (what `flask db upgrade` runs)."""
    app = make_app(url)
    with app.app_context():
        upgrade()
    dispose(app)


def dispose(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def make_templates(url: str) -> dict:
    """The demo province, then one template claim per (year, pathway, state) through the service layer. Returns
    the ids of the template actors and {(year, pathway, state): claim id}."""
    app = make_app(url)
    with app.app_context():
        seed_demo_data(with_claims=False)
        province = db.session.scalar(select(Organisation).where(Organisation.kind == PROVINCE)
                                     .order_by(Organisation.id))  # 浙江
        sup = Organisation(kind=SUPERVISOR, name=TEMPLATE['supervisor'], parent=province)
        unit = Organisation(kind=UNIT, name=TEMPLATE['unit'], parent=sup)
        dept = Department(unit=unit, name=TEMPLATE['department'])
        db.session.add_all([sup, unit, dept])

        def person(name, role, org, department=None, **kw):
            user = User(name=name, **kw)
            user.set_password(PASSWORD)
            m = Membership(user=user, role=role, org=org, department=department)
            db.session.add_all([user, m])
            return m

        lm = person(TEMPLATE['learner'], LEARNER, unit, dept, id_number='330100197001010010')
        am = person(TEMPLATE['unit_admin'], UNIT_ADMIN, unit, account_name='bench_template_unit')
        sm = person(TEMPLATE['supervisor_admin'], SUPERVISOR_ADMIN, sup, account_name='bench_template_sup')
        db.session.flush()
        window = db.session.scalar(select(RegistrationWindow).where(RegistrationWindow.province_id == province.id))

        def step(claim, name):
            item = ops.open_item(claim)
            if name == 'submit_unit':
                ops.submit_claim(lm, claim, 'unit')
            elif name == 'submit_supervisor':
                ops.submit_claim(lm, claim, 'supervisor', sup)
            elif name == 'withdraw':
                ops.withdraw_claim(lm, claim)
            elif name == 'delete':
                ops.delete_draft(lm, claim)
            elif name == 'delete_approved':
                ops.delete_approved(am, claim, '重复登记')
            else:
                who, decision = name.split('_')
                reviewer = am if who == 'unit' else sm
                ops.review(reviewer, item.id, decision, None, None if decision == 'approve' else '请补充培训证明材料')

        templates = {}
        for year in YEARS:
            window.year, window.opens_on = year, date(year, 1, 1)  # as the demo seed does for last year's claims
            db.session.flush()
            mix = THIS_YEAR_MIX if year == THIS_YEAR else PAST_YEAR_MIX
            for pathway, (sub_type, level, rank, quantity, days, hours, title) in PATHWAY_INPUT.items():
                start = date(year, 3, 2)
                for state in mix:
                    claim = ops.create_claim(lm, ops.ClaimInput(
                        pathway=pathway, sub_type=sub_type, level=level, rank=rank, quantity=Decimal(quantity),
                        title=title, start_date=start, end_date=start + timedelta(days=days - 1),
                        applied_hours=Decimal(hours), year=year, description=None, certificate_no=None,
                        pledged=True))
                    for name in STATES[state]:
                        step(claim, name)
                    db.session.flush()
                    templates[(year, pathway, state)] = claim.id
        window.year, window.opens_on = THIS_YEAR, date(THIS_YEAR, 1, 1)
        db.session.commit()
        actors = {'province': province.id, 'supervisor': sup.id, 'unit': unit.id, 'department': dept.id,
                  'learner': lm.user_id, 'unit_admin': am.user_id, 'supervisor_admin': sm.user_id}
    dispose(app)
    return {'actors': actors, 'templates': templates}


def next_id(conn, table: str) -> int:
    return conn.execute(f'SELECT coalesce(max(id), 0) + 1 FROM {table}').fetchone()[0]


@dataclass
class Sizes:
    units: int
    big_supervisor_units: int
    learners: int
    big_unit_staff: int
    claims: int
    big_unit_claims: int
    big_unit_pending: int

    @classmethod
    def at(cls, scale: float) -> 'Sizes':
        def scaled(size, least):
            return max(int(size * scale), least)
        return cls(scaled(UNITS, 60), scaled(BIG_SUPERVISOR_UNITS, 10), scaled(LEARNERS, 2_000),
                   scaled(BIG_UNIT_STAFF, 300), scaled(CLAIMS, 2_000), scaled(BIG_UNIT_CLAIMS, 600),
                   scaled(BIG_UNIT_PENDING, 210))


@dataclass
class Orgs:
    supervisors: list   # (id, name), the big one first
    units: list         # (id, name, supervisor id), the big unit first (under the big supervising department)
    departments: dict   # the big unit's: id -> name

    @property
    def big_unit(self):
        return self.units[0]


@dataclass
class People:
    learners: list      # (user id, unit id, department id)
    names: dict         # learner's user id -> name
    admins: dict        # organisation id -> (user id, name) of its admin
    small_unit: tuple   # a unit of about SMALL_UNIT_STAFF
    small_unit_staff: int


def add_organisations(conn, rng: random.Random, sizes: Sizes, province_id: int) -> Orgs:
    first = next_id(conn, 'organisation')
    supervisors = [(first + k, '浙江省' + name) for k, name in enumerate(SUPERVISOR_NAMES[:SUPERVISORS + 1])]
    first += len(supervisors)
    units = [(first + i, name, supervisors[0][0] if i < sizes.big_supervisor_units
              else supervisors[1 + i % SUPERVISORS][0]) for i, name in enumerate(unit_names(rng, sizes.units))]
    rows = [(i, 'supervisor', name, None, None, province_id) for i, name in supervisors]
    rows += [(i, 'unit', name, f'91330{i:012d}X', CITIES[i % len(CITIES)], sup_id) for i, name, sup_id in units]
    copy_rows(conn, 'organisation', ['id', 'kind', 'name', 'credit_code', 'locality', 'parent_id'], rows)
    first = next_id(conn, 'department')
    departments = {first + k: f'第{k + 1}分公司' for k in range(BIG_UNIT_DEPARTMENTS)}
    copy_rows(conn, 'department', ['id', 'unit_id', 'name'], [(d, units[0][0], n) for d, n in departments.items()])
    return Orgs(supervisors, units, departments)


def add_people(conn, rng: random.Random, sizes: Sizes, orgs: Orgs, password_hash: str) -> People:
    """The learners (the big unit's first) with their memberships, and one admin per unit (account dw<unit id>) and
    per supervising department (zg<org id>). Every password is PASSWORD."""
    first = next_id(conn, 'user_account')
    others, departments = orgs.units[1:], list(orgs.departments)
    learners = []
    for n in range(sizes.learners):
        if n < sizes.big_unit_staff:
            learners.append((first + n, orgs.big_unit[0], departments[n % len(departments)]))
        else:  # a skewed spread: unit k of the others gets ~1/sqrt(k): a few of thousands, most of 20-50
            learners.append((first + n, others[int(len(others) * rng.random() ** 2)][0], None))
    staff = {}
    for _uid, unit_id, _dept in learners:
        staff[unit_id] = staff.get(unit_id, 0) + 1
    small_unit = min((u for u in others if u[0] in staff), key=lambda u: (abs(staff[u[0]] - SMALL_UNIT_STAFF), u[0]))
    names = person_names(rng, sizes.learners)
    user_cols = ['id', 'id_number', 'name', 'password_hash', 'is_enabled', 'must_change_password', 'session_epoch']
    member_cols = ['user_id', 'role', 'org_id', 'department_id', 'login_allowed']
    copy_rows(conn, 'user_account', user_cols, ((uid, id_number(n, rng), names[n], password_hash, True, False, 0)
                                                for n, (uid, _u, _d) in enumerate(learners)))
    copy_rows(conn, 'membership', member_cols, ((uid, 'learner', unit_id, dept, True)
                                                for uid, unit_id, dept in learners))
    first += sizes.learners
    admin_of = [(u[0], 'unit_admin', 'dw') for u in orgs.units] + [(s[0], 'supervisor', 'zg')
                                                                   for s in orgs.supervisors]
    admin_names = person_names(rng, len(admin_of))
    admins = {org: (first + k, admin_names[k]) for k, (org, _role, _prefix) in enumerate(admin_of)}
    copy_rows(conn, 'user_account', ['id', 'account_name'] + user_cols[2:], (
        (admins[org][0], f'{prefix}{org}', admins[org][1], password_hash, True, False, 0)
        for org, _role, prefix in admin_of))
    copy_rows(conn, 'membership', member_cols, ((admins[org][0], role, org, None, True)
                                                for org, role, _prefix in admin_of))
    return People(learners, {uid: names[n] for n, (uid, _u, _d) in enumerate(learners)}, admins, small_unit,
                  staff[small_unit[0]])


def plan_claims(conn, rng: random.Random, sizes: Sizes, orgs: Orgs, people: People, templates: dict) -> tuple:
    """bench_unit (each unit's supervising department, admins and the labels of their flow-log lines) and bench_plan
    (each claim to make: its template, learner, unit, department and creation time, numbered by that time as the
    app numbers them). Returns (first claim id, the learner with 8 claims)."""
    conn.execute('CREATE UNLOGGED TABLE bench_unit (unit_id int PRIMARY KEY, unit_name text, supervisor_id int, '
                 'supervisor_name text, unit_admin_id int, unit_admin_label text, supervisor_admin_id int, '
                 'supervisor_admin_label text)')
    sup_name, admins = dict(orgs.supervisors), people.admins
    copy_rows(conn, 'bench_unit', ['unit_id', 'unit_name', 'supervisor_id', 'supervisor_name', 'unit_admin_id',
                                   'unit_admin_label', 'supervisor_admin_id', 'supervisor_admin_label'], (
        (u, name, s, sup_name[s], admins[u][0], f'{admins[u][1]}（单位管理员（{name}））', admins[s][0],
         f'{admins[s][1]}（主管部门（{sup_name[s]}））') for u, name, s in orgs.units))
    conn.execute('CREATE UNLOGGED TABLE bench_plan (claim_id int PRIMARY KEY, instance_id int, template_id int, '
                 'learner_id int, learner_label text, unit_id int, department_id int, created_at timestamp)')
    big = orgs.big_unit[0]
    big_staff = [lr for lr in people.learners if lr[1] == big]
    other_staff = [lr for lr in people.learners if lr[1] != big]
    featured = next(lr for lr in people.learners if lr[1] == people.small_unit[0])
    pathways, pathway_weights = list(PATHWAY_SHARE), list(PATHWAY_SHARE.values())
    unit_name = {u: name for u, name, _s in orgs.units}

    def when(year):
        start, end = datetime(year, 1, 5), NOW - timedelta(days=1) if year == THIS_YEAR else datetime(year, 12, 31)
        return start + timedelta(seconds=rng.randrange(int((end - start).total_seconds())))

    def planned():
        for n in range(sizes.claims):
            if n < len(FEATURED_CLAIMS):
                learner, (year, state) = featured, FEATURED_CLAIMS[n]
            elif n < len(FEATURED_CLAIMS) + sizes.big_unit_pending:
                learner, year, state = rng.choice(big_staff), THIS_YEAR, 'pending_unit'
            else:
                in_big = n < sizes.big_unit_claims
                learner = rng.choice(big_staff if in_big else other_staff)
                if learner == featured:
                    learner = other_staff[-1]
                year = YEARS[rng.randrange(3)]
                mix = PAST_YEAR_MIX if year != THIS_YEAR else BIG_UNIT_MIX if in_big else THIS_YEAR_MIX
                state = rng.choices(list(mix), list(mix.values()))[0]
            pathway = rng.choices(pathways, pathway_weights)[0]
            yield when(year), templates[(year, pathway, state)], learner

    claim_id, instance_id = next_id(conn, 'claim'), next_id(conn, 'workflow_instance')

    def rows():
        for n, (created_at, template_id, (uid, unit_id, dept)) in enumerate(sorted(planned())):
            where = unit_name[unit_id] + (f' · {orgs.departments[dept]}' if dept else '')
            yield (claim_id + n, instance_id + n, template_id, uid, f'{people.names[uid]}（专技人员（{where}））',
                   unit_id, dept, created_at)

    copy_rows(conn, 'bench_plan', ['claim_id', 'instance_id', 'template_id', 'learner_id', 'learner_label',
                                   'unit_id', 'department_id', 'created_at'], rows())
    conn.execute('ANALYZE bench_plan')
    conn.execute('ANALYZE bench_unit')
    return claim_id, featured


def build(url: str, scale: float, phases: Phases) -> dict:
    """Everything after the schema. Returns what bench_meta keeps about it."""
    rng = random.Random(13)
    sizes = Sizes.at(scale)
    meta = {'scale': scale, 'units': sizes.units, 'learners': sizes.learners, 'claims': sizes.claims}

    with phases.phase('templates through the service layer') as note:
        made = make_templates(url)
        actors, templates = made['actors'], made['templates']
        note['rows'] = f'{len(templates)} template claims'
    password_hash = generate_password_hash(PASSWORD, method=test_config(url)['PASSWORD_HASH_METHOD'])

    with psycopg.connect(libpq_url(url)) as conn:
        conn.execute("SET session_replication_role = replica")  # no foreign-key triggers: consistent by construction
        conn.execute("SET maintenance_work_mem = '512MB'")
        conn.execute("SET synchronous_commit = off")
        conn.execute("SET default_toast_compression = lz4")  # the instance states: 4x faster to write than pglz
        bulk_tables = ['organisation', 'department', 'user_account', 'membership', 'claim', 'workflow_instance',
                       'work_item', 'flow_log']
        indexes = secondary_indexes(conn, bulk_tables)
        for name, _definition in indexes:
            conn.execute(f'DROP INDEX "{name}"')

        with phases.phase('organisations') as note:
            orgs = add_organisations(conn, rng, sizes, actors['province'])
            note['rows'] = f'{len(orgs.units)} units, {len(orgs.supervisors)} supervising departments'
        with phases.phase('people') as note:
            people = add_people(conn, rng, sizes, orgs, password_hash)
            note['rows'] = f'{len(people.learners)} learners, {len(people.admins)} admins'
        with phases.phase('claim plan') as note:
            meta['first_clone'], featured = plan_claims(conn, rng, sizes, orgs, people, templates)
            note['rows'] = f'{sizes.claims} claims'
            conn.commit()
        clone = Cloner(conn, actors)
        for name, make in (('claims', clone.claims), ('workflow instances', clone.instances),
                           ('work items', clone.work_items), ('flow log', clone.flow_log)):
            with phases.phase(name) as note:
                note['rows'] = f'{make()} rows'
                conn.commit()
        with phases.phase('indexes') as note:
            for _name, definition in indexes:
                conn.execute(definition)
            conn.execute("SET session_replication_role = origin")
            for table in bulk_tables:
                conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
            note['rows'] = f'{len(indexes)} indexes'
            conn.execute('DROP TABLE bench_plan')
            conn.execute('DROP TABLE bench_unit')
            conn.commit()

        big_unit, small_unit, big_sup = orgs.big_unit, people.small_unit, orgs.supervisors[0]
        meta['accounts'] = {
            'province': 'shengji', 'big_supervisor': f'zg{big_sup[0]}', 'big_unit_admin': f'dw{big_unit[0]}',
            'small_unit_admin': f'dw{small_unit[0]}',
            'learner_8_claims': conn.execute('SELECT id_number FROM user_account WHERE id = %s',
                                             (featured[0],)).fetchone()[0],
        }
    meta['big_unit'] = {'id': big_unit[0], 'name': big_unit[1], 'staff': sizes.big_unit_staff}
    meta['small_unit'] = {'id': small_unit[0], 'name': small_unit[1], 'staff': people.small_unit_staff}
    meta['big_supervisor'] = {'id': big_sup[0], 'name': big_sup[1], 'units': sizes.big_supervisor_units}
    return meta


class Cloner:
    """INSERT … SELECT of every clone's rows from its template's, column by column: the columns named here get
    their expressions; any other column is the template's value, except a foreign key to a person, an organisation
    or a department (the template's actor becomes the clone's) and a *_at timestamp (shifted by the clone's age)."""

    def __init__(self, conn, actors: dict):
        self.conn, self.a = conn, actors

    def _mapped(self, ref: str, col: str) -> str | None:
        a = self.a
        if ref == 'user_account':
            return (f"CASE t.{col} WHEN {a['learner']} THEN p.learner_id WHEN {a['unit_admin']} THEN u.unit_admin_id "
                    f"WHEN {a['supervisor_admin']} THEN u.supervisor_admin_id ELSE t.{col} END")
        if ref == 'organisation':
            return (f"CASE t.{col} WHEN {a['unit']} THEN p.unit_id WHEN {a['supervisor']} THEN u.supervisor_id "
                    f"ELSE t.{col} END")
        if ref == 'department':
            return f"CASE t.{col} WHEN {a['department']} THEN p.department_id ELSE t.{col} END"
        return None

    def _insert(self, table: str, source: str, given: dict[str, str], skip: tuple[str, ...] = ()) -> int:
        fks = foreign_keys(self.conn, table)
        names, exprs = [], []
        for col, kind in columns(self.conn, table):
            if col in skip:
                continue
            if col in given:
                expr = given[col]
            elif col in fks and self._mapped(fks[col], col):
                expr = self._mapped(fks[col], col)
            elif (col == 'at' or col.endswith('_at')) and kind.startswith('timestamp'):
                expr = f't.{col} + p.shift'
            else:
                expr = f't.{col}'
            names.append(col)
            exprs.append(expr)
        sql = (f'INSERT INTO {table} ({", ".join(names)}) SELECT {", ".join(exprs)} FROM '
               f'(SELECT bp.*, bp.created_at - tc.created_at AS shift, tc.instance_id AS template_instance_id '
               f' FROM bench_plan bp JOIN claim tc ON tc.id = bp.template_id) p '
               f'JOIN bench_unit u ON u.unit_id = p.unit_id {source} ORDER BY p.claim_id, t.id')
        return self.conn.execute(sql).rowcount

    def claims(self) -> int:
        return self._insert('claim', 'JOIN claim t ON t.id = p.template_id', {
            'id': 'p.claim_id', 'instance_id': 'p.instance_id', 'learner_id': 'p.learner_id',
            'created_by_id': 'p.learner_id'})

    def instances(self) -> int:
        return self._insert('workflow_instance', 'JOIN workflow_instance t ON t.id = p.template_instance_id', {
            'id': 'p.instance_id', 'subject_id': 'p.claim_id', 'next_timer_at': 't.next_timer_at',
            # the process data names its claim
            'state': "replace(t.state, '\"claim_id\":' || p.template_id || ',', '\"claim_id\":' || p.claim_id || ',')",
        })

    def work_items(self) -> int:
        return self._insert('work_item', 'JOIN work_item t ON t.instance_id = p.template_instance_id', {
            'instance_id': 'p.instance_id', 'subject_id': 'p.claim_id'}, skip=('id',))

    def flow_log(self) -> int:
        a = self.a
        source = "JOIN flow_log t ON t.subject_type = 'claim' AND t.subject_id = p.template_id"
        return self._insert('flow_log', source, {
            'subject_id': 'p.claim_id',
            'actor_label': (f"CASE t.actor_id WHEN {a['learner']} THEN p.learner_label "
                            f"WHEN {a['unit_admin']} THEN u.unit_admin_label "
                            f"WHEN {a['supervisor_admin']} THEN u.supervisor_admin_label ELSE t.actor_label END"),
            'remark': f"replace(t.remark, '{TEMPLATE['supervisor']}', u.supervisor_name)",
        }, skip=('id',))


def count_hours(url: str) -> int:
    """The bulk clones bypassed the session hook that keeps each learner's yearly hours (webapp/hours.py): count
    them all once, as the app would have."""
    app = make_app(url)
    with app.app_context():
        hours_counter.rebuild(db.session)
        db.session.commit()
        rows = db.session.scalar(select(func.count()).select_from(LearnerHours))
    dispose(app)
    return rows


def refresh_stats(url: str) -> int:
    """The dashboards' aggregates (webapp/oversight/stats.py), rebuilt as `flask refresh-stats` or the worker
    would: returns the rows they hold."""
    app = make_app(url)
    with app.app_context():
        stats.rebuild()
        db.session.commit()
        rows = sum(db.session.scalar(select(func.count()).select_from(model)) for model in stats.MODELS)
    dispose(app)
    return rows


def check_clones(url: str, first_clone: int) -> list[str]:
    """Clones act as the app's own claims: one of each kind takes its next step through the service layer (the
    unit admin of its unit approves, its supervising department gives final approval, its learner submits …), and
    the transaction is rolled back. Returns what was done."""

    app = make_app(url)
    done = []
    with app.app_context():
        def member(role, **where):
            return db.session.scalar(select(Membership).filter_by(role=role, **where).limit(1))

        def clone(label, year=THIS_YEAR):
            return db.session.scalar(select(Claim).where(
                Claim.id >= first_clone, Claim.status_label == label, Claim.year == year,
                Claim.deleted_at.is_(None)).order_by(Claim.id.desc()).limit(1))

        steps = [
            ('待初审', lambda c: ops.review(member(UNIT_ADMIN, org_id=c.unit_id), ops.open_item(c).id, 'approve',
                                         None, None)),
            ('待终审', lambda c: ops.review(member(SUPERVISOR_ADMIN, org_id=c.reviewer_org_id), ops.open_item(c).id,
                                         'approve', Decimal('0.5'), None)),
            ('待提交', lambda c: ops.submit_claim(member(LEARNER, user_id=c.learner_id), c, 'unit')),
            ('退回修改', lambda c: ops.submit_claim(member(LEARNER, user_id=c.learner_id), c, 'unit')),
            ('通过认定', lambda c: ops.delete_approved(member(UNIT_ADMIN, org_id=c.unit_id), c, '核查')),
        ]
        for label, act in steps:
            claim = clone(label)
            act(claim)
            db.session.flush()
            done.append(f'claim {claim.id} {label} → {claim.status_label}')
        db.session.rollback()
    dispose(app)
    return done


def write_meta(url: str, meta: dict, phases: Phases) -> None:
    with psycopg.connect(libpq_url(url)) as conn:
        conn.execute('CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value text)')
        conn.execute('DELETE FROM bench_meta')
        meta['phases'] = [[name, round(seconds, 1), rows] for name, seconds, rows in phases.rows]
        meta['built_at'] = NOW.isoformat()
        for key, value in meta.items():
            conn.execute('INSERT INTO bench_meta VALUES (%s, %s)', (key, json.dumps(value, ensure_ascii=False)))


# A city's 人社局 (issue 16) ------------------------------------------------------------------------------------------

CITY_HR_NAME = '杭州市人力资源和社会保障局'
CITY_HR_ACCOUNT = 'hz_renshe'


def add_city_hr(url: str) -> dict:
    """A city's 人社局 under the province's top 人社部门 (made too when the database has none), with an HR_ADMIN account
    (hz_renshe), named as 同级人社部门 by every unit of the big supervising department (2,000 units, the big unit among
    them; the dashboards' aggregates are rebuilt then), and an `hr` step's open work items waiting at it: a copy, in
    the `hr` lane, of each open 终审 item of those units (the inbox lists them; their instances' states do not have the
    step, so opening one to act fails). Idempotent: runs on a built database (`build`, `time` and `hr` call it);
    records the account and the office in bench_meta."""
    meta = read_meta(url)
    big_sup = meta['big_supervisor']['id']
    with psycopg.connect(libpq_url(url)) as conn:
        province = conn.execute('SELECT parent_id FROM organisation WHERE id = %s', (big_sup,)).fetchone()[0]

        def org(name, parent, locality):
            found = conn.execute("SELECT id FROM organisation WHERE kind = 'hr' AND parent_id = %s AND name = %s",
                                 (parent, name)).fetchone()
            if found:
                return found[0], False
            return conn.execute("INSERT INTO organisation (kind, name, locality, parent_id) VALUES ('hr', %s, %s, %s) "
                                "RETURNING id", (name, locality, parent)).fetchone()[0], True

        top = conn.execute("SELECT id FROM organisation WHERE kind = 'hr' AND parent_id = %s ORDER BY id LIMIT 1",
                           (province,)).fetchone()
        made = []
        if top is None:
            top, _new = org('浙江省人力资源和社会保障厅', province, None)
            made.append('top 人社部门')
        else:
            top = top[0]
        city, new = org(CITY_HR_NAME, top, '杭州市')
        if new:
            made.append('city 人社局')
        if conn.execute('SELECT 1 FROM user_account WHERE account_name = %s', (CITY_HR_ACCOUNT,)).fetchone() is None:
            password_hash = generate_password_hash(PASSWORD, method=test_config(url)['PASSWORD_HASH_METHOD'])
            user = conn.execute(
                'INSERT INTO user_account (account_name, name, password_hash, is_enabled, must_change_password, '
                "session_epoch) VALUES (%s, '杭州人社局审验员', %s, true, false, 0) RETURNING id",
                (CITY_HR_ACCOUNT, password_hash)).fetchone()[0]
            conn.execute("INSERT INTO membership (user_id, role, org_id, login_allowed, principal) "
                         "VALUES (%s, 'hr', %s, true, true)", (user, city))
            made.append(f'account {CITY_HR_ACCOUNT}')
        named = conn.execute("UPDATE organisation SET hr_org_id = %s WHERE parent_id = %s AND kind = 'unit' "
                             'AND hr_org_id IS DISTINCT FROM %s', (city, big_sup, city)).rowcount
        if named:
            made.append(f'{named} units name it')
        items = 0
        if conn.execute("SELECT 1 FROM work_item WHERE lane = 'hr' AND scope_org_id = %s LIMIT 1",
                        (city,)).fetchone() is None:
            cols = [c for c, _type in columns(conn, 'work_item') if c != 'id']
            given = {'task_id': 'gen_random_uuid()::text', 'task_name': "'hr_review'", 'task_title': "'人社审验'",
                     'lane': "'hr'", 'scope_org_id': str(city), 'scope_department_id': 'NULL', 'overdue_at': 'NULL',
                     'escalated_org_id': 'NULL'}
            items = conn.execute(
                f"INSERT INTO work_item ({', '.join(cols)}) SELECT {', '.join(given.get(c, 'w.' + c) for c in cols)} "
                "FROM work_item w JOIN claim c ON w.subject_type = 'claim' AND c.id = w.subject_id "
                "JOIN organisation u ON u.id = c.unit_id "
                "WHERE w.completed_at IS NULL AND w.lane = 'supervisor' AND w.scope_org_id = %s AND u.hr_org_id = %s",
                (big_sup, city)).rowcount
            made.append(f'{items} open hr items')
        units, claims = conn.execute(
            'SELECT count(DISTINCT u.id), count(c.id) FROM organisation u LEFT JOIN claim c ON c.unit_id = u.id '
            'WHERE u.hr_org_id = %s', (city,)).fetchone()
        open_items = conn.execute("SELECT count(*) FROM work_item WHERE completed_at IS NULL AND lane = 'hr' "
                                  'AND scope_org_id = %s', (city,)).fetchone()[0]
        accounts = dict(meta['accounts'], city_hr=CITY_HR_ACCOUNT)
        city_hr = {'id': city, 'name': CITY_HR_NAME, 'top_hr': top, 'units': units, 'claims': claims,
                   'open_hr_items': open_items}
        for key, value in (('accounts', accounts), ('city_hr', city_hr)):
            conn.execute('INSERT INTO bench_meta VALUES (%s, %s) '
                         'ON CONFLICT (key) DO UPDATE SET value = excluded.value',
                         (key, json.dumps(value, ensure_ascii=False)))
        conn.commit()
    if named:  # the dashboards' aggregates add up a 人社部门's units under it (stats._ancestors)
        made.append(f'dashboard aggregates rebuilt: {refresh_stats(url)} rows')
    if made:
        with psycopg.connect(libpq_url(url), autocommit=True) as conn:
            conn.execute('VACUUM ANALYZE organisation')
            conn.execute('VACUUM ANALYZE work_item')
            conn.execute('VACUUM ANALYZE membership')
            conn.execute('VACUUM ANALYZE user_account')
        say('city 人社局: ' + '; '.join(made))
    return city_hr


def read_meta(url: str) -> dict:
    with psycopg.connect(libpq_url(url)) as conn:
        return {k: json.loads(v) for k, v in conn.execute('SELECT key, value FROM bench_meta').fetchall()}


def print_meta(meta: dict) -> None:
    print(f"built {meta.get('built_at')} at scale {meta.get('scale')}: {meta.get('units')} units, "
          f"{meta.get('learners')} learners, {meta.get('claims')} claims")
    for name, seconds, rows in meta.get('phases', []):
        print(f'  {name:48} {seconds:8.1f} s  {rows}')
    for key in ('big_unit', 'small_unit', 'big_supervisor', 'city_hr', 'accounts', 'counts'):
        if key in meta:
            print(f'  {key}: {json.dumps(meta[key], ensure_ascii=False)}')


def command_build(args) -> None:
    phases = Phases()
    t0 = time.perf_counter()
    with phases.phase('database and schema (alembic upgrade)'):
        fresh = create_database(args.url, args.rebuild)
        upgrade_schema(args.url)  # a built database: only what the code's newer migrations add
    if not fresh:
        say('already built (--rebuild to build again)')
        print_meta(read_meta(args.url))
        return
    meta = build(args.url, args.scale, phases)
    with phases.phase('hours counter (learner_hours)') as note:
        note['rows'] = f'{count_hours(args.url)} rows'
    with phases.phase('dashboard aggregates (flask refresh-stats)') as note:
        note['rows'] = f'{refresh_stats(args.url)} rows'
    with phases.phase('clones through the service layer (rolled back)') as note:
        note['rows'] = '; '.join(check_clones(args.url, meta['first_clone']))
    with phases.phase('vacuum analyze'):
        with psycopg.connect(libpq_url(args.url), autocommit=True) as conn:
            conn.execute('VACUUM ANALYZE')  # statistics, and the visibility map index-only scans rely on
            meta['counts'] = {t: conn.execute(f'SELECT count(*) FROM {t}').fetchone()[0] for t in (
                'organisation', 'user_account', 'claim', 'workflow_instance', 'work_item', 'flow_log')}
            meta['counts']['open_review_items'] = conn.execute(
                "SELECT count(*) FROM work_item WHERE completed_at IS NULL AND lane <> 'learner'").fetchone()[0]
            meta['counts']['big_unit_open_items'] = conn.execute(
                'SELECT count(*) FROM work_item WHERE completed_at IS NULL AND scope_org_id = %s',
                (meta['big_unit']['id'],)).fetchone()[0]
    phases.rows.append(('total', time.perf_counter() - t0, ''))
    write_meta(args.url, meta, phases)
    add_city_hr(args.url)
    print_meta(read_meta(args.url))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    sub = parser.add_subparsers(dest='command', required=True)
    b = sub.add_parser('build', help='build the database (kept between runs unless --rebuild)')
    b.add_argument('--url', default=DEFAULT_URL)
    b.add_argument('--scale', type=float, default=1.0)
    b.add_argument('--rebuild', action='store_true')
    h = sub.add_parser('hr', help="add a city's 人社局 to a built database (idempotent)")
    h.add_argument('--url', default=DEFAULT_URL)
    t = sub.add_parser('time', help='time the list pages and searches')
    t.add_argument('--url', default=DEFAULT_URL)
    t.add_argument('--requests', type=int, default=30)
    t.add_argument('--only', default='')
    t.add_argument('--explain', action='store_true', help='EXPLAIN the slowest statement of each page')
    t.add_argument('--save', metavar='FILE.json', help='write the results to FILE.json')
    t.add_argument('--compare', metavar='FILE.json', help='show the results saved in FILE.json beside these')
    args = parser.parse_args()
    if args.command == 'build':
        command_build(args)
    elif args.command == 'hr':
        add_city_hr(args.url)
        print_meta(read_meta(args.url))
    else:
        command_time(args)


# Time ---------------------------------------------------------------------------------------------------------------

SLOW_REQUEST = 10.0  # seconds: a page this slow is reported after one request and not asked again


def pages(meta: dict, probe: dict) -> list[tuple[str, str | None, str]]:
    """(page, account key in bench_meta's accounts or None for anonymous, path): issue 13's table, as its roles."""
    last_year = THIS_YEAR - 1
    common, three, idn = probe['common_name'], probe['three_char_name'], probe['id_number']
    sup, unit, prov, small, learner = 'big_supervisor', 'big_unit_admin', 'province', 'small_unit_admin', \
        'learner_8_claims'
    hr = 'city_hr'
    rows = []
    for who, role in ((sup, 'supervisor'), (unit, 'unit')):
        rows += [
            (f'{role} 待我处理', who, '/inbox/'),
            (f'{role} 待我处理 page 50', who, '/inbox/?page=50'),
            (f'{role} 待我处理 pathway', who, '/inbox/?pathway=seminar'),
            (f'{role} 待我处理 name (2 chars)', who, f'/inbox/?q={common}'),
            (f'{role} 我已处理', who, '/inbox/done'),
            (f'{role} 我已处理 page 50', who, '/inbox/done?page=50'),
            (f'{role} 我已处理 year', who, f'/inbox/done?year={last_year}'),
        ]
    for who, role in ((unit, 'unit'), (sup, 'supervisor'), (prov, 'province')):
        rows += [
            (f'{role} 学时审核结果', who, '/claims/manage'),
            (f'{role} 学时审核结果 page 50', who, '/claims/manage?page=50'),
            (f'{role} 学时审核结果 status', who, '/claims/manage?status=退回修改'),
            (f'{role} 学时审核结果 year', who, f'/claims/manage?year={last_year}'),
            (f'{role} 学时审核结果 pathway', who, '/claims/manage?pathway=exam'),
            (f'{role} 学时审核结果 name (2 chars)', who, f'/claims/manage?q={common}'),
            (f'{role} 学时审核结果 name (3 chars)', who, f'/claims/manage?q={three}'),
            (f'{role} 学时审核结果 ID number', who, f'/claims/manage?q={idn}'),
        ]
    rows += [
        ('unit export 待我处理 (pathway)', unit, '/inbox/?pathway=seminar&export=xlsx'),
        ('unit export 学时审核结果 (status+year)', unit, f'/claims/manage?status=不予认定&year={last_year}&export=xlsx'),
        ('province export 学时审核结果 (3 filters)', prov,
         f'/claims/manage?status=不予认定&year={last_year}&pathway=seminar&export=xlsx'),
        ('unit 人员管理', unit, '/unit/staff'),
        ('unit 人员管理 page 50', unit, '/unit/staff?page=50'),
        ('unit 人员管理 name (2 chars)', unit, f'/unit/staff?q={common}'),
        ('unit 学时达标情况 (small unit)', small, '/certificates/staff'),
        ('unit 学时达标情况 (big unit)', unit, '/certificates/staff'),
        ('province 流程与规则 (workbench)', prov, '/workbench/'),
        ('province 定时任务', prov, '/province/timers'),
        ('orgs/search', None, '/orgs/search?q=建设'),
        ('orgs/search page 5', None, '/orgs/search?q=杭州市&page=5'),
        ('supervisor 下属机构管理', sup, '/oversight/units'),
        ('supervisor 下属机构管理 page 50', sup, '/oversight/units?page=50'),
        ('supervisor 下属机构管理 name', sup, '/oversight/units?q=建设'),
        ('supervisor 下属机构 · big unit', sup, f"/oversight/units/{meta['big_unit']['id']}"),
        ('supervisor 下属机构 · big unit page 50', sup, f"/oversight/units/{meta['big_unit']['id']}?page=50"),
        ('province 下属机构管理', prov, '/oversight/units'),
        ('province 下属机构管理 name', prov, '/oversight/units?q=建设'),
        ('province 下属机构 · big supervisor', prov, f"/oversight/units?parent={meta['big_supervisor']['id']}"),
        ('supervisor export 下属机构管理', sup, '/oversight/units?export=xlsx'),
        ('supervisor 统计看板', sup, '/oversight/dashboard'),
        ('supervisor 统计看板 pathway', sup, '/oversight/dashboard?pathway=seminar'),
        ('province 统计看板', prov, '/oversight/dashboard'),
        ('province 统计看板 pathway', prov, '/oversight/dashboard?pathway=seminar'),
        ('province 统计看板 last year', prov, f'/oversight/dashboard?year={last_year}'),
        ('province export 统计看板 completion', prov, '/oversight/dashboard?export=completion'),
        ('province export 统计看板 registrations', prov, '/oversight/dashboard?export=registrations'),
        ('unit 统计看板 (by department)', unit, '/oversight/unit-dashboard'),
        ('unit 统计看板 pathway', unit, '/oversight/unit-dashboard?pathway=seminar'),
        ('unit export 统计看板 completion', unit, '/oversight/unit-dashboard?export=completion'),
        ('city 人社局 学时审核结果', hr, '/claims/manage'),
        ('city 人社局 学时审核结果 page 50', hr, '/claims/manage?page=50'),
        ('city 人社局 学时审核结果 status', hr, '/claims/manage?status=退回修改'),
        ('city 人社局 学时审核结果 name (2 chars)', hr, f'/claims/manage?q={common}'),
        ('city 人社局 学时审核结果 name (3 chars)', hr, f'/claims/manage?q={three}'),
        ('city 人社局 export 学时审核结果 (status+year)', hr,
         f'/claims/manage?status=不予认定&year={last_year}&export=xlsx'),
        ('city 人社局 待我处理', hr, '/inbox/'),
        ('city 人社局 下属机构管理', hr, '/oversight/units'),
        ('city 人社局 下属机构管理 name', hr, '/oversight/units?q=建设'),
        ('city 人社局 下属机构 · big unit', hr, f"/oversight/units/{meta['big_unit']['id']}"),
        ('city 人社局 统计看板', hr, '/oversight/dashboard'),
        ('city 人社局 登记详情 (big unit)', hr, f"/claims/{probe['city_hr_claim']}"),
        ('learner 我发起的', learner, '/inbox/mine'),
        ('learner 培训登记详情', learner, '/claims/'),
        ('learner 培训总体查询', learner, '/claims/totals'),
        ('learner 年度进度', learner, '/certificates/progress'),
    ]
    return rows


def probe_values(url: str, meta: dict) -> dict:
    """Search terms found in the data: the commonest two-character name, a three-character name in the big unit,
    the ID number of a learner of the big unit."""
    with psycopg.connect(libpq_url(url)) as conn:
        big = meta['big_unit']['id']
        common = conn.execute("SELECT name FROM user_account WHERE char_length(name) = 2 AND id_number IS NOT NULL "
                              "GROUP BY name ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
        three, idn = conn.execute(
            'SELECT u.name, u.id_number FROM user_account u JOIN membership m ON m.user_id = u.id '
            'WHERE m.org_id = %s AND char_length(u.name) = 3 ORDER BY u.id LIMIT 1', (big,)).fetchone()
        count = conn.execute('SELECT count(*) FROM user_account WHERE name = %s', (common,)).fetchone()[0]
        hr_claim = conn.execute(  # the oldest of the big unit's claims with an hr item waiting at the city's 人社局
            "SELECT w.subject_id FROM work_item w WHERE w.lane = 'hr' AND w.scope_org_id = %s "
            "AND w.completed_at IS NULL AND w.subject_type = 'claim' "
            'AND w.subject_id IN (SELECT id FROM claim WHERE unit_id = %s) ORDER BY w.subject_id LIMIT 1',
            (meta['city_hr']['id'], big)).fetchone()[0]
    return {'common_name': common, 'common_name_people': count, 'three_char_name': three, 'id_number': idn,
            'city_hr_claim': hr_claim}


class StatementLog:
    """Counts the statements of each request and remembers the slowest one (for --explain)."""

    def __init__(self, engine):
        self.count, self.slowest = 0, (0.0, '', None)
        event.listen(engine, 'before_cursor_execute', self.before)
        event.listen(engine, 'after_cursor_execute', self.after)

    def before(self, conn, cursor, statement, parameters, context, executemany):
        self.count += 1
        conn.info['bench_t0'] = time.perf_counter()

    def after(self, conn, cursor, statement, parameters, context, executemany):
        seconds = time.perf_counter() - conn.info.pop('bench_t0', time.perf_counter())
        if seconds > self.slowest[0] and statement.lstrip().upper().startswith(('SELECT', 'WITH')):
            self.slowest = (seconds, statement, parameters)


def pad(value: str, width: int, right: bool = False) -> str:
    """*value* padded to *width* terminal columns (a Chinese character takes two)."""
    columns = sum(2 if unicodedata.east_asian_width(c) in 'WF' else 1 for c in value)
    space = ' ' * max(0, width - columns)
    return space + value if right else value + space


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def command_time(args) -> None:

    try:
        upgrade_schema(args.url)  # the schema of the code being timed (indexes its migrations add)
    except (Exception, SystemExit) as exc:  # Flask-Migrate exits on errors (a newer migration than this code)
        say(f'schema not upgraded: {exc}')
    add_city_hr(args.url)
    meta = read_meta(args.url)
    print_meta(meta)
    probe = probe_values(args.url, meta)
    print(f'  search terms: {json.dumps(probe, ensure_ascii=False)}')
    print(f'  load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores')
    app = create_test_app(args.url, EVIDENCE_DIR=test_config(args.url)['EVIDENCE_DIR'])
    with app.app_context():
        log = StatementLog(db.engine)
    clients = {}

    def client_for(account):
        if account not in clients:
            clients[account] = app.test_client()
            if account is not None:
                login(clients[account], meta['accounts'][account])
        return clients[account]

    before = {r['page']: r for r in json.loads(Path(args.compare).read_text())} if args.compare else {}
    print(f'\n{pad("page", 46)} {"account":>18} {"n":>3} {"p50 ms":>8} {"p95 ms":>8} {"stmts":>7} {"KB":>7}  status'
          + ('   before: p50 / p95 ms, stmts' if before else ''))
    results = []
    for name, account, path in pages(meta, probe):
        if args.only and args.only not in name:
            continue
        client = client_for(account)
        times, statements, size, statuses = [], [], 0, set()
        log.slowest = (0.0, '', None)
        warming = True  # the first request warms up (templates, a cold disk cache) and is not counted
        while len(times) < args.requests:
            log.count = 0
            t0 = time.perf_counter()
            response = client.get(path)
            seconds = time.perf_counter() - t0
            statuses.add(response.status_code)
            size = len(response.get_data())
            if warming:
                warming = False
                if seconds > SLOW_REQUEST:
                    print(f'  {name}: the first request took {seconds:.1f} s')
                continue
            times.append(seconds)
            statements.append(log.count)
            if seconds > SLOW_REQUEST:
                print(f'  {name}: a request took {seconds:.1f} s, the page is not asked again')
                break
        p50, p95 = percentile(times, 0.5) * 1000, percentile(times, 0.95) * 1000
        who = meta['accounts'][account] if account else '(anonymous)'
        status = ','.join(str(s) for s in sorted(statuses))
        was = before.get(name)
        print(f'{pad(name, 46)} {who:>18} {len(times):3} {p50:8.1f} {p95:8.1f} {max(statements):7} {size / 1024:7.1f}  '
              f'{status:6}' + (f'   {was["p50"]:8.1f} / {was["p95"]:8.1f} {was["statements"]:7}' if was else ''),
              flush=True)
        results.append((name, p50, p95, max(statements), size, log.slowest))
    if args.save:
        Path(args.save).write_text(json.dumps([
            {'page': name, 'p50': round(p50, 1), 'p95': round(p95, 1), 'statements': stmts, 'bytes': size}
            for name, p50, p95, stmts, size, _slowest in results], ensure_ascii=False, indent=1))
    if args.explain:
        explain(app, results)
    print(f'load average at the end: {os.getloadavg()[0]:.1f} (on {os.cpu_count()} cores: other work skews the times)')
    over = [r for r in results if r[2] > 50 or r[3] > 15]
    print(f'\n{len(over)} of {len(results)} pages over p95 50 ms or 15 statements')


def explain(app, results) -> None:
    for name, _p50, _p95, _stmts, _size, (seconds, statement, parameters) in results:
        if not statement:
            continue
        print(f'\n=== {name}: slowest statement {seconds * 1000:.1f} ms\n{statement}\n{parameters}')
        with app.app_context():
            plan = db.session.connection().exec_driver_sql('EXPLAIN (ANALYZE, BUFFERS) ' + statement, parameters)
            print('\n'.join(row[0] for row in plan))
            db.session.rollback()


if __name__ == '__main__':
    main()
