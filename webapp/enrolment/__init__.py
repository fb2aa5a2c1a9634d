from flask import Blueprint, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from models import Enrolment, db

from ..inbox_kinds import InboxKind, Summary, register

bp = Blueprint('enrolment', __name__, url_prefix='/enrolment')


def _summarise(ids: list[int]) -> dict[int, Summary]:
    return {e.id: Summary(f'报名 · {e.year} 年度', url_for('enrolment.detail', enrolment_id=e.id), e.learner.name,
                          e.learner.id_number, f'{e.title} · {e.specialty}')
            for e in db.session.scalars(select(Enrolment).where(Enrolment.id.in_(ids)))}


register(InboxKind('enrolment', _l('报名审核'), _summarise, order=20))

from . import views  # noqa: E402,F401
