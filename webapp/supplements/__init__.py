from flask import Blueprint, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload  # the rows' people and units: one statement each, not one per row

from models import Supplement, db

from ..catalogue import pathway_name
from ..formatting import format_hours
from ..i18n import _l
from ..inbox_kinds import InboxKind, Summary, register

bp = Blueprint('supplements', __name__, url_prefix='/supplements')


def _summarise(ids: list[int]) -> dict[int, Summary]:
    """Built in the request that shows them (the inbox page or its .xlsx export): plain strings in the reader's
    language, as a spreadsheet cell needs them."""
    summaries = {}
    for s in db.session.scalars(select(Supplement).where(Supplement.id.in_(ids)).options(
            selectinload(Supplement.learner), selectinload(Supplement.entries))):
        entries = [e for e in s.entries if e.deleted_at is None]
        detail = _('%(count)s 条，%(hours)s 学时', count=len(entries),
                   hours=format_hours(sum(e.applied_hours for e in entries))) if entries else ''
        name = _('增补 · %(year)s 年度%(pathway)s', year=s.year, pathway=_(pathway_name(s.province_id, s.pathway)))
        summaries[s.id] = Summary(name,
                                  url_for('supplements.detail', supplement_id=s.id), s.learner.name,
                                  s.learner.id_number, detail)
    return summaries


register(InboxKind('supplement', _l('增补'), _summarise, order=10))

from . import views  # noqa: E402,F401
