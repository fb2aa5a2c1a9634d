from flask import Blueprint, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload  # the rows' people and units: one statement each, not one per row

from models import Enrolment, db

from ..i18n import _l
from ..inbox_kinds import InboxKind, Summary, register

bp = Blueprint('enrolment', __name__, url_prefix='/enrolment')


def _summarise(ids: list[int]) -> dict[int, Summary]:
    """Built in the request that shows them (the inbox page or its .xlsx export): plain strings in the reader's
    language, as a spreadsheet cell needs them."""
    return {e.id: Summary(_('报名 · %(year)s 年度', year=e.year), url_for('enrolment.detail', enrolment_id=e.id),
                          e.learner.name, e.learner.id_number, f'{_(e.title)} · {_(e.specialty)}')
            for e in db.session.scalars(select(Enrolment).where(Enrolment.id.in_(ids)).options(
                selectinload(Enrolment.learner)))}


register(InboxKind('enrolment', _l('报名审核'), _summarise, order=20))

from . import views  # noqa: E402,F401
