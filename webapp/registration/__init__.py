from flask import Blueprint, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from models import Registration, db

from ..inbox_kinds import InboxKind, Summary, register

bp = Blueprint('registration', __name__)


def _summarise(ids: list[int]) -> dict[int, Summary]:
    summaries = {}
    for reg in db.session.scalars(select(Registration).where(Registration.id.in_(ids))):
        title = f'注册 · {reg.kind_label}' + (f' · {reg.org_name}' if reg.org_name else '')
        title += f'（学员{reg.proposed_by_name}推荐）' if reg.proposed_by_name else ''
        summaries[reg.id] = Summary(title, url_for('registration.detail', registration_id=reg.id), reg.name,
                                    reg.id_number, f'注册在：{reg.parent_org.name}')
    return summaries


register(InboxKind('registration', _l('注册审核'), _summarise, order=20))

from . import views  # noqa: E402,F401
