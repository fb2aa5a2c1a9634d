from flask import Blueprint, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload  # the rows' people and units: one statement each, not one per row

from models import Registration, db

from ..i18n import _l, N_
from ..inbox_kinds import InboxKind, Summary, register

bp = Blueprint('registration', __name__)

# The labels of models.registration.KINDS, marked for extraction: shown translated as _(reg.kind_label).
KIND_LABELS = (N_('主管部门'), N_('用人单位'), N_('专业技术人员'))


def _summarise(ids: list[int]) -> dict[int, Summary]:
    """The inbox rows (the page and its export), in the reader's language."""
    summaries = {}
    for reg in db.session.scalars(select(Registration).where(Registration.id.in_(ids))
                                  .options(selectinload(Registration.parent_org))):
        kind = _(reg.kind_label)
        title = _('注册 · %(kind)s · %(org)s', kind=kind, org=reg.org_name) if reg.org_name else \
            _('注册 · %(kind)s', kind=kind)
        title += _('（学员%(name)s推荐）', name=reg.proposed_by_name) if reg.proposed_by_name else ''
        summaries[reg.id] = Summary(title, url_for('registration.detail', registration_id=reg.id), reg.name,
                                    reg.id_number, _('注册在：%(org)s', org=reg.parent_org.name))
    return summaries


register(InboxKind('registration', _l('注册审核'), _summarise, order=20))

from . import views  # noqa: E402,F401
