"""单位调转 / 人员调出 (a learner moves to another unit) and 更换上级部门 (a unit moves under another superior)."""
from flask import Blueprint, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload  # the rows' people and units: one statement each, not one per row

from models import SuperiorChange, Transfer, db
from models.transfers import HR_OFFICE

from ..i18n import _l
from ..inbox_kinds import InboxKind, Summary, register

bp = Blueprint('transfers', __name__, url_prefix='/transfers')


def _transfer_title(t: Transfer) -> str:
    """Inbox titles are built in the request that shows them (the inbox page or its .xlsx export): plain strings in
    the reader's language, as a spreadsheet cell needs them."""
    if t.initiated_by == 'unit':
        return _('人员调出 · %(old)s → %(new)s', old=t.from_unit.name, new=t.to_unit.name)
    return _('单位调转 · %(old)s → %(new)s', old=t.from_unit.name, new=t.to_unit.name)


def _summarise_transfers(ids: list[int]) -> dict[int, Summary]:
    return {t.id: Summary(_transfer_title(t), url_for('transfers.detail', transfer_id=t.id), t.learner.name,
                          t.learner.id_number or '', t.status_label)
            for t in db.session.scalars(select(Transfer).where(Transfer.id.in_(ids)).options(
                selectinload(Transfer.learner), selectinload(Transfer.from_unit), selectinload(Transfer.to_unit)))}


def _summarise_changes(ids: list[int]) -> dict[int, Summary]:
    return {c.id: Summary(_('更换上级部门 · %(unit)s', unit=c.unit.name),
                          url_for('transfers.change_detail', change_id=c.id),
                          detail=(_('同级人社部门：') if c.kind == HR_OFFICE else '')
                          + f'{c.old_parent.name if c.old_parent else ""} → {c.new_parent.name}')
            for c in db.session.scalars(select(SuperiorChange).where(SuperiorChange.id.in_(ids)).options(
                selectinload(SuperiorChange.unit), selectinload(SuperiorChange.old_parent),
                selectinload(SuperiorChange.new_parent)))}


register(InboxKind('transfer', _l('单位调转'), _summarise_transfers, order=20))
register(InboxKind('superior_change', _l('更换上级部门'), _summarise_changes, order=30))

from . import views  # noqa: E402,F401
