from flask import Blueprint, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload  # the rows' people and units: one statement each, not one per row

from models import Claim, db

from ..formatting import format_hours
from ..i18n import _l
from ..inbox_kinds import InboxKind, Summary, register

bp = Blueprint('claims', __name__, url_prefix='/claims')


def _summarise(ids: list[int]) -> dict[int, Summary]:
    return {c.id: Summary(c.title, url_for('claims.detail', claim_id=c.id), c.learner.name, c.learner.id_number,
                          format_hours(c.applied_hours))
            for c in db.session.scalars(select(Claim).where(Claim.id.in_(ids)).options(selectinload(Claim.learner)))}


register(InboxKind('claim', _l('学时登记'), _summarise, order=0))

from . import views  # noqa: E402,F401
