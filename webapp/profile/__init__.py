from flask import Blueprint, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload  # the rows' people and units: one statement each, not one per row

from models import TitleChange, db

from ..i18n import _l
from ..inbox_kinds import InboxKind, Summary, register

bp = Blueprint('profile', __name__, url_prefix='/profile')


def _summarise(ids: list[int]) -> dict[int, Summary]:
    """The inbox rows (the page and its export), in the reader's language; the titles are data, shown as stored."""
    return {c.id: Summary(_('职称变更'), url_for('profile.title_change', change_id=c.id), c.learner.name,
                          c.learner.id_number, f'{c.old_title or _("无")} → {c.new_title}')
            for c in db.session.scalars(select(TitleChange).where(TitleChange.id.in_(ids)).options(
                selectinload(TitleChange.learner)))}


register(InboxKind('title_change', _l('职称变更'), _summarise, order=30))

from . import views  # noqa: E402,F401
