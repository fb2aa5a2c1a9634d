"""单位 pages: staff, departments and admins, 单位信息 and its changes (修改单位信息)."""
from flask import Blueprint, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from models import UnitInfoChange, db

from ..i18n import _l
from ..inbox_kinds import InboxKind, Summary, register

bp = Blueprint('unit', __name__, url_prefix='/unit')


def _detail(c: UnitInfoChange) -> str:
    return f'{c.old_name} → {c.new_name}' if c.new_name != c.old_name else c.new_credit_code or ''


def _summarise_info_changes(ids: list[int]) -> dict[int, Summary]:
    return {c.id: Summary(_('修改单位信息 · %(unit)s', unit=c.old_name),
                          url_for('unit.info_change_detail', info_change_id=c.id), detail=_detail(c))
            for c in db.session.scalars(select(UnitInfoChange).where(UnitInfoChange.id.in_(ids)))}


register(InboxKind('unit_info_change', _l('修改单位信息'), _summarise_info_changes, order=35))

from . import views, info_views  # noqa: E402,F401
