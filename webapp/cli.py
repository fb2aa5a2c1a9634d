"""Commands: load the shipped diagrams as version 1, and seed the demo organisations and accounts."""
from datetime import date
from decimal import Decimal

import click
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import select
from stdnum.cn import ric

from models import Department, Membership, Organisation, RegistrationWindow, User, db
from models.org import HR, PROVINCE, SUPERVISOR, UNIT
from models.people import HR_ADMIN, LEARNER, PROVINCE_ADMIN, SUPERVISOR_ADMIN, UNIT_ADMIN

from . import create_app, timers
from .claims import operations as ops
from .dates import today
from .learning.cli import platform_add, seed_demo_learning
from .oversight import stats
from .workflow.versions import load_defaults

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


def seed_demo_data(with_claims: bool = True) -> bool:
    """Idempotent: returns False when the demo province already exists. Tests start without the demo claims."""
    load_defaults()
    if db.session.scalar(select(Organisation).where(Organisation.kind == PROVINCE)):
        return False
    province = Organisation(kind=PROVINCE, name='浙江省专业技术人员继续教育学时办')
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

    def person(name, roles, id_number=None, account=None):
        user = User(name=name, id_number=id_number, account_name=account)
        user.set_password(DEMO_PASSWORD)
        db.session.add(user)
        for role, org, dept in roles:
            db.session.add(Membership(user=user, role=role, org=org, department=dept,
                                      principal=role in (SUPERVISOR_ADMIN, PROVINCE_ADMIN, HR_ADMIN)))
        return user

    person('省学时办审核员', [(PROVINCE_ADMIN, province, None)], account='shengji')
    person('交通厅审核员', [(SUPERVISOR_ADMIN, transport, None)], account='jiaotong')
    person('住建厅审核员', [(SUPERVISOR_ADMIN, housing, None)], account='zhujian')
    person('人社厅审验员', [(HR_ADMIN, hr, None)], account='renshe')
    person('交工集团管理员', [(UNIT_ADMIN, jt, None)], account='jtjt_admin')
    person('工程部二级管理员', [(UNIT_ADMIN, jt, eng)], account='jtjt_gcb')
    person('城建院管理员', [(UNIT_ADMIN, hz, None)], account='hzcj_admin')
    person('张伟', [(LEARNER, jt, eng)], id_number=demo_id('33010619850312001'))
    person('李娜', [(LEARNER, jt, design)], id_number=demo_id('33010219900708002'))
    person('王强', [(LEARNER, nb, None), (UNIT_ADMIN, nb, None)], id_number=demo_id('33020319880101003'))
    person('陈静', [(LEARNER, hz, arch)], id_number=demo_id('33010519920215004'))
    db.session.flush()
    year = today().year
    db.session.add(RegistrationWindow(province_id=province.id, year=year, opens_on=date(year, 1, 1),
                                      closes_on=date(year, 12, 31)))
    db.session.flush()
    if with_claims:
        _demo_claims(year)
    return True


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
    seed_demo_learning(db.session.scalar(select(Organisation.id).where(Organisation.kind == PROVINCE)),
                       demo_id('33010219900708002'))  # 李娜: 张伟's totals stay those of his claims


def _demo_supplement(year: int, claim, member) -> None:
    """张伟 has approved hours last year, and the demo province keeps a supplement window open for the next month
    (outside a demo the default is 1-20 January), so 增补 can be tried at once."""
    from datetime import timedelta

    from models import SupplementWindow
    window = db.session.scalar(select(RegistrationWindow))
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
    app.cli.add_command(seed_demo)
    app.cli.add_command(worker)
    app.cli.add_command(refresh_stats)


cli = FlaskGroup(create_app=create_app, help='CreditFlow (学时通) management commands')
