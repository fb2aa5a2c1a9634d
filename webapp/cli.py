"""Commands: load the shipped diagrams as version 1, and seed the demo organisations and accounts."""
import json
from datetime import date, timedelta
from decimal import Decimal

import click
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import select
from stdnum.cn import ric

from models import Department, Membership, Organisation, RegistrationWindow, SupplementWindow, User, db
from models.org import HR, PROVINCE, SUPERVISOR, UNIT
from models.people import HR_ADMIN, LEARNER, PROVINCE_ADMIN, SUPERVISOR_ADMIN, UNIT_ADMIN
from models.workflow import BPMN

from . import create_app, timers
from .catalogue import CatalogueError, load_catalogue, shipped
from .claims import operations as ops
from .dates import today
from .courses.demo import seed_demo_courses
from .learning.cli import platform_add, seed_demo_learning
from .oversight import stats
from .workflow.versions import add_version, load_defaults, shipped_variant

DEMO_PASSWORD = 'Demo@2026'


def demo_id(prefix17: str) -> str:
    return prefix17 + ric.calc_check_digit(prefix17 + '0')  # the function reads the first 17 of 18


@click.command('load-processes')
@with_appcontext
def load_processes():
    """Load bpmn/ and rules/ as version 1 of each process and rule set (skips keys already loaded)."""
    added = load_defaults()
    db.session.commit()
    click.echo(f'loaded {len(added)} version(s): ' + ', '.join(f'{v.kind}:{v.key}' for v in added))


ZHEJIANG = '浙江省专业技术人员继续教育学时办'
GUANGXI = '广西壮族自治区专业技术人员继续教育学时办'


def _province(name: str) -> Organisation | None:
    return db.session.scalar(select(Organisation).where(Organisation.kind == PROVINCE, Organisation.name == name))


def _person(name, roles, id_number=None, account=None):
    user = User(name=name, id_number=id_number, account_name=account)
    user.set_password(DEMO_PASSWORD)
    db.session.add(user)
    for role, org, dept in roles:  # the first admin of a department, province or 人社 is its 超级管理员
        db.session.add(Membership(user=user, role=role, org=org, department=dept,
                                  principal=role in (SUPERVISOR_ADMIN, PROVINCE_ADMIN, HR_ADMIN)))
    return user


def seed_demo_data(with_claims: bool = True) -> bool:
    """Idempotent: the two demo provinces (浙江, 广西), each with its own staff, units, learners, windows and process
    versions; returns False when both already exist. Tests start without the demo claims."""
    created = False
    if _province(ZHEJIANG) is None:
        _seed_zhejiang(with_claims)
        created = True
    if _province(GUANGXI) is None:
        _seed_guangxi(with_claims)
        created = True
    load_defaults()  # every province's missing keys (a province added by hand, bpmn/ or rules/ files added since)
    return created


def _seed_zhejiang(with_claims: bool) -> None:
    province = Organisation(kind=PROVINCE, name=ZHEJIANG, code='ZJ')
    transport = Organisation(kind=SUPERVISOR, name='浙江省交通运输厅', parent=province)
    housing = Organisation(kind=SUPERVISOR, name='浙江省住房和城乡建设厅', parent=province)
    water = Organisation(kind=SUPERVISOR, name='浙江省水利厅', parent=province)
    jt = Organisation(kind=UNIT, name='浙江交通工程建设集团有限公司', credit_code='91330000MA27U0AB1J',
                      locality='杭州市', parent=transport)
    nb = Organisation(kind=UNIT, name='宁波港航工程有限公司', locality='宁波市', parent=transport)
    hz = Organisation(kind=UNIT, name='杭州市城建设计研究院', locality='杭州市', parent=housing)
    # Learners without an employer register under the province's 其他单位 (seed 004); the province approves them.
    other = Organisation(kind=UNIT, name='其他单位', parent=province)
    # 人社部门 under the province: a diagram's `hr` steps (审验) wait for it.
    hr = Organisation(kind=HR, name='浙江省人力资源和社会保障厅', parent=province)
    db.session.add_all([province, transport, housing, water, jt, nb, hz, other, hr])
    eng = Department(unit=jt, name='工程部')
    design = Department(unit=jt, name='设计院')
    arch = Department(unit=hz, name='建筑所')
    db.session.add_all([eng, design, arch])
    db.session.flush()
    # A city's 人社局 under the province's 人社厅: 杭州市城建设计研究院 names it as its 同级人社部门 (seed 004), so the
    # `hr` steps of its claims wait there, and its staff see only the units naming it.
    hz_hr = Organisation(kind=HR, name='杭州市人力资源和社会保障局', locality='杭州市', parent=hr)
    db.session.add(hz_hr)
    db.session.flush()
    hz.hr_org_id = hz_hr.id
    load_catalogue(province, shipped('zhejiang'))  # the province's 认定类型 (rules/catalogues/zhejiang.json)

    person = _person
    person('省学时办审核员', [(PROVINCE_ADMIN, province, None)], account='shengji')
    person('交通厅审核员', [(SUPERVISOR_ADMIN, transport, None)], account='jiaotong')
    person('住建厅审核员', [(SUPERVISOR_ADMIN, housing, None)], account='zhujian')
    person('人社厅审验员', [(HR_ADMIN, hr, None)], account='renshe')
    person('杭州人社局审验员', [(HR_ADMIN, hz_hr, None)], account='hz_renshe')
    person('交工集团管理员', [(UNIT_ADMIN, jt, None)], account='jtjt_admin')
    person('工程部二级管理员', [(UNIT_ADMIN, jt, eng)], account='jtjt_gcb')
    person('城建院管理员', [(UNIT_ADMIN, hz, None)], account='hzcj_admin')
    person('张伟', [(LEARNER, jt, eng)], id_number=demo_id('33010619850312001'))
    person('李娜', [(LEARNER, jt, design)], id_number=demo_id('33010219900708002'))
    person('王强', [(LEARNER, nb, None), (UNIT_ADMIN, nb, None)], id_number=demo_id('33020319880101003'))
    person('陈静', [(LEARNER, hz, arch)], id_number=demo_id('33010519920215004'))
    db.session.flush()
    load_defaults(province.id)
    year = today().year
    db.session.add(RegistrationWindow(province_id=province.id, year=year, opens_on=date(year, 1, 1),
                                      closes_on=date(year, 12, 31)))
    db.session.flush()
    if with_claims:
        _demo_claims(year)


def _seed_guangxi(with_claims: bool) -> None:
    """广西 (seeds 001/002): a university whose 总管理员 has a 二级管理员 per college (two-tier unit administration) and
    units with one admin (one tier); its own registration window, supplement window (seed 000's 1–20 January),
    certificate prefix GX and annual requirement (rules/annual_requirement.dmn: 90, of which 专业 60 and 公需 15).
    Its claim process is one tier (seed 001: 点击通过，专业技术人员获得相应学时): version 2, bpmn/variants/claim_one_tier.bpmn,
    where the unit's approval registers the hours."""
    province = Organisation(kind=PROVINCE, name=GUANGXI, code='GX')
    education = Organisation(kind=SUPERVISOR, name='广西壮族自治区教育厅', parent=province)
    transport = Organisation(kind=SUPERVISOR, name='广西壮族自治区交通运输厅', parent=province)
    gxu = Organisation(kind=UNIT, name='广西大学', locality='南宁市', parent=education)
    kindergarten = Organisation(kind=UNIT, name='南宁市教育局直属第一幼儿园', credit_code='12450100MB1760335W',
                                locality='南宁市', parent=education)
    design = Organisation(kind=UNIT, name='福建工程设计有限公司南宁第三分公司', credit_code='91450103MA5P0R272E',
                          locality='青秀区', parent=transport)
    other = Organisation(kind=UNIT, name='其他单位', parent=province)
    db.session.add_all([province, education, transport, gxu, kindergarten, design, other])
    civil = Department(unit=gxu, name='土木建筑工程学院')
    computing = Department(unit=gxu, name='计算机与电子信息学院')
    db.session.add_all([civil, computing])
    _person('广西学时办审核员', [(PROVINCE_ADMIN, province, None)], account='gx_shengji')
    _person('广西教育厅审核员', [(SUPERVISOR_ADMIN, education, None)], account='gx_jiaoyu')
    _person('广西交通厅审核员', [(SUPERVISOR_ADMIN, transport, None)], account='gx_jiaotong')
    _person('广西大学总管理员', [(UNIT_ADMIN, gxu, None)], account='gxu_admin')
    _person('土木学院二级管理员', [(UNIT_ADMIN, gxu, civil)], account='gxu_tmxy')
    _person('幼儿园管理员', [(UNIT_ADMIN, kindergarten, None)], account='nnyey_admin')
    _person('设计分公司管理员', [(UNIT_ADMIN, design, None)], account='fjsj_admin')
    _person('黄秋梦', [(LEARNER, gxu, civil)], id_number=demo_id('45010219900315002'))
    _person('韦海燕', [(LEARNER, gxu, computing)], id_number=demo_id('45010319870622003'))
    _person('覃志强', [(LEARNER, design, None)], id_number=demo_id('45010519911108004'))
    _person('农丽', [(LEARNER, kindergarten, None)], id_number=demo_id('45020319850901005'))
    db.session.flush()
    load_defaults(province.id)
    add_version(BPMN, shipped_variant('claim_one_tier'), province.id,  # i18n: data (stored, as written)
                comment='单位审核即终审：点击通过，专业技术人员获得相应学时')  # seed 001: the unit's approval is final
    load_catalogue(province, shipped('guangxi'))  # 广西's 认定类型 (rules/catalogues/guangxi.json)
    year = today().year
    db.session.add(RegistrationWindow(province_id=province.id, year=year, opens_on=date(year, 1, 1),
                                      closes_on=date(year, 12, 31)))
    db.session.add(SupplementWindow(province_id=province.id, opens_on=date(year, 1, 1), closes_on=date(year, 1, 20),
                                    year=year - 1))
    db.session.flush()
    if with_claims:
        _demo_claims_guangxi(year)


def _demo_claims(year: int) -> None:
    """A few claims in every state, so each role's inbox shows work on first start."""

    def member(key, role):
        user = db.session.scalar(select(User).where((User.id_number == key) | (User.account_name == key)))
        return next(m for m in user.memberships if m.role == role)

    def claim(who, title, pathway='training', sub_type='培训班', days=3, hours=18, level=None, rank=None, quantity=1):
        learner = member(who, LEARNER)
        start = date(year, 3, 2)
        return learner, ops.create_claim(learner, ops.ClaimInput(
            pathway=pathway, sub_type=sub_type, level=level, rank=rank, quantity=Decimal(quantity), title=title,
            start_date=start, end_date=date(year, 3, 1 + days), applied_hours=Decimal(hours), year=year,
            description=None, certificate_no=None, pledged=True))

    learner, approved = claim(demo_id('33010619850312001'), '全省公路桥梁养护技术培训班（省级）')
    ops.submit_claim(learner, approved, 'unit')
    ops.review(member('jtjt_admin', UNIT_ADMIN), ops.open_item(approved).id, 'approve', None, None)
    ops.review(member('jiaotong', SUPERVISOR_ADMIN), ops.open_item(approved).id, 'approve', Decimal(18), None)
    claim(demo_id('33010619850312001'), '交通运输部公路水运工程试验检测考试', 'exam', '交通运输类执（职）业资格考试', 1, 16,
          quantity=2)  # stays a draft (待提交)
    learner, pending = claim(demo_id('33010219900708002'), '智慧交通设计高级研修班（省级）', 'seminar', '高级研修班', 5, 36,
                             level='provincial')
    ops.submit_claim(learner, pending, 'unit')
    learner, returned = claim(demo_id('33020319880101003'), '港口工程施工安全培训（市级）', days=2, hours=12)
    ops.submit_claim(learner, returned, 'unit')
    ops.review(member(demo_id('33020319880101003'), UNIT_ADMIN), ops.open_item(returned).id, 'return', None,
               '请补充培训日程和结业证书')
    learner, pending = claim(demo_id('33010519920215004'), '城市更新规划设计研讨班（省级）', days=2, hours=12)
    ops.submit_claim(learner, pending, 'unit')
    _demo_supplement(year, claim, member)
    seed_demo_learning(_province(ZHEJIANG).id,
                       demo_id('33010219900708002'))  # 李娜: 张伟's totals stay those of his claims
    seed_demo_courses(member('shengji', PROVINCE_ADMIN))


def _demo_claims_guangxi(year: int) -> None:
    """广西 (one tier): 黄秋梦's claim approved by her college's 二级管理员, which registers the hours; 韦海燕's waiting
    for the university, 覃志强's a draft."""
    def learner(id_prefix):
        user = db.session.scalar(select(User).where(User.id_number == demo_id(id_prefix)))
        return next(m for m in user.memberships if m.role == LEARNER)

    def admin(account, role):
        user = db.session.scalar(select(User).where(User.account_name == account))
        return next(m for m in user.memberships if m.role == role)

    def claim(m, title, days, hours):
        return ops.create_claim(m, ops.ClaimInput(
            pathway='gx_training', sub_type='培训', level=None, rank=None, quantity=Decimal(2 * days), title=title,
            start_date=date(year, 4, 7), end_date=date(year, 4, 6 + days), applied_hours=Decimal(hours), year=year,
            description=None, certificate_no=None, pledged=True))

    huang = learner('45010219900315002')
    approved = claim(huang, '广西土木建筑工程新技术应用培训班', 3, 24)  # 6 half-days × 4 学时
    ops.submit_claim(huang, approved, 'unit')
    ops.review(admin('gxu_tmxy', UNIT_ADMIN), ops.open_item(approved).id, 'approve', Decimal(24), None)
    wei = learner('45010319870622003')
    ops.submit_claim(wei, claim(wei, '人工智能与教育信息化研修班', 2, 16), 'unit')
    claim(learner('45010519911108004'), '公路工程设计规范宣贯培训', 1, 8)  # stays a draft (待提交)


def _demo_supplement(year: int, claim, member) -> None:
    """张伟 has approved hours last year, and the demo province keeps a supplement window open for the next month
    (outside a demo the default is 1-20 January), so 增补 can be tried at once."""
    window = db.session.scalar(select(RegistrationWindow).where(
        RegistrationWindow.province_id == _province(ZHEJIANG).id))
    window.year, window.opens_on = year - 1, date(year - 1, 1, 1)  # last year's registration, for a moment
    learner = member(demo_id('33010619850312001'), LEARNER)
    last = ops.create_claim(learner, ops.ClaimInput(
        pathway='training', sub_type='培训班', level=None, rank=None, quantity=Decimal(1),
        title='公路工程质量安全管理培训班（省级）', start_date=date(year - 1, 6, 1), end_date=date(year - 1, 6, 3),
        applied_hours=Decimal(18), year=year - 1, description=None, certificate_no=None, pledged=True))
    ops.submit_claim(learner, last, 'unit')
    ops.review(member('jtjt_admin', UNIT_ADMIN), ops.open_item(last).id, 'approve', None, None)
    ops.review(member('jiaotong', SUPERVISOR_ADMIN), ops.open_item(last).id, 'approve', Decimal(18), None)
    window.year, window.opens_on = year, date(year, 1, 1)
    db.session.add(SupplementWindow(province_id=window.province_id, opens_on=today(),
                                    closes_on=today() + timedelta(days=30), year=year - 1))


@click.command('load-catalogue')
@click.argument('province')
@click.argument('path', type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def load_catalogue_command(province: str, path: str):
    """Publish the catalogue file PATH (like rules/catalogues/zhejiang.json) for the province named PROVINCE."""
    org = db.session.scalar(select(Organisation).where(Organisation.kind == PROVINCE, Organisation.name == province))
    if org is None:
        raise click.ClickException(f'no province named {province}')
    try:
        version = load_catalogue(org, json.loads(open(path, encoding='utf-8').read()), f'由 {path} 载入')
    except CatalogueError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f'{province}: catalogue version {version.version} published')


@click.command('seed-demo')
@with_appcontext
def seed_demo():
    """Create the demo province, departments, units and one account for every role."""
    created = seed_demo_data()
    if created:
        stats.rebuild()  # the dashboards show the demo's figures at once (then `flask worker` keeps them fresh)
    db.session.commit()
    click.echo('demo data created' if created else 'demo data already present')
    for user in db.session.scalars(select(User).order_by(User.id)):
        click.echo(f'  {user.account_name or user.id_number:20} {DEMO_PASSWORD}  {user.name}: '
                   + '; '.join(m.label for m in user.memberships))


@click.command('refresh-stats')
@with_appcontext
def refresh_stats():
    """Rebuild the dashboards' aggregates now (`flask worker` does it every STATS_REFRESH_SECONDS)."""
    stats.rebuild()
    db.session.commit()
    click.echo(f'dashboard aggregates rebuilt at {stats.refreshed_at():%Y-%m-%d %H:%M:%S} UTC')


@click.command('worker')
@click.option('--once', is_flag=True, help='Fire what is due now and exit (cron, tests).')
@click.option('--poll', type=float, default=None, help='Seconds between polls (default: WORKER_POLL_SECONDS, 3).')
@with_appcontext
def worker(once: bool, poll: float | None):
    """Fire due workflow timers (window closing, reminders, escalation); run several on several hosts if you like."""
    import logging

    logging.basicConfig(level=logging.INFO, format='%(asctime)s %(name)s %(levelname)s %(message)s')
    if once:
        result = timers.run_due()
        jobs = 0
        while done := sum(job() for job in timers.BACKGROUND):
            jobs += done
        click.echo(f'fired {result.fired}, failed {result.failed}, jobs {jobs}')
        return
    from flask import current_app
    timers.run_forever(poll or current_app.config['WORKER_POLL_SECONDS'])


def register_commands(app) -> None:
    app.cli.add_command(platform_add)
    app.cli.add_command(load_processes)
    app.cli.add_command(load_catalogue_command)
    app.cli.add_command(seed_demo)
    app.cli.add_command(worker)
    app.cli.add_command(refresh_stats)


cli = FlaskGroup(create_app=create_app, help='CreditFlow (学时通) management commands')
