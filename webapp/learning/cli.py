"""`flask platform-add NAME`: a learning platform of the (demo) province, its token printed once; and the demo's."""
from datetime import date, timedelta

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _
from sqlalchemy import select

from models import Organisation, db
from models.org import PROVINCE

from ..dates import today
from .operations import LearningError, create_platform, import_records


@click.command('platform-add')
@click.argument('name')
@click.option('--province', 'province_name', default=None,
              help='Name of the province organisation (default: the only one, e.g. the demo province).')
@with_appcontext
def platform_add(name: str, province_name: str | None):
    """Create a learning platform and print its API token (shown this once; only its hash is stored)."""
    query = select(Organisation).where(Organisation.kind == PROVINCE)
    if province_name:
        query = query.where(Organisation.name == province_name)
    provinces = db.session.scalars(query.order_by(Organisation.id)).all()
    if len(provinces) != 1:
        raise click.ClickException(_('没有找到省级组织（先运行 seed-demo）') if not provinces else
                                   _('有多个省级组织，请用 --province 指定'))
    try:
        platform, token = create_platform(None, name, province_id=provinces[0].id)
    except LearningError as exc:
        raise click.ClickException(str(exc.message)) from None
    db.session.commit()
    click.echo(f'platform {platform.id} “{platform.name}” ({provinces[0].name})')
    click.echo(f'token (shown once, store it now): {token}')


def seed_demo_learning(province_id: int, learner_id_number: str) -> None:
    """A demo platform (its token is not kept: create your own with platform-add) with a few records."""
    platform, _token = create_platform(None, '浙江省专业技术人员继续教育公需科目学习平台（演示）',  # i18n: data
                                       province_id=province_id)
    now = today()
    last = date(now.year - 1, 6, 20)
    rows = [  # i18n: data - demo records
        dict(record_id='DEMO-0001', course='专业技术人员职业道德与诚信建设', category='general', hours='6',
             completed_on=(now - timedelta(days=3)).isoformat()),
        dict(record_id='DEMO-0002', course='交通运输行业安全生产法规解读', category='industry', hours='8',
             completed_on=(now - timedelta(days=2)).isoformat()),
        dict(record_id='DEMO-0003', course='数字经济与创新驱动发展', category='general', hours='12',
             completed_on=last.isoformat()),
    ]
    import_records(platform, [dict(row, id_number=learner_id_number) for row in rows])
