"""The lists the transfer pages show: a learner's transfers, a unit's transfers out and in, the staff a unit may
send out, and the superior changes a role sees."""
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, selectinload

from models import Membership, SuperiorChange, Transfer, User, db

from ..permissions import staff_query
from . import operations as ops, superior


# What each listed row names: loaded for all rows at once (one statement each), not row by row.
TRANSFER_ROW = (selectinload(Transfer.learner), selectinload(Transfer.from_unit), selectinload(Transfer.to_unit))
CHANGE_ROW = (selectinload(SuperiorChange.unit), selectinload(SuperiorChange.old_parent),
              selectinload(SuperiorChange.new_parent))


def learner_transfers(learner_id: int) -> list[Transfer]:
    return db.session.scalars(select(Transfer).where(Transfer.learner_id == learner_id)
                              .order_by(Transfer.id.desc()).options(*TRANSFER_ROW)).all()


def unit_transfers(m: Membership) -> list[Transfer]:
    return db.session.scalars(select(Transfer).where(ops.transfer_scope(m)).order_by(Transfer.id.desc())
                              .options(*TRANSFER_ROW)).all()


def staff(m: Membership) -> list[Membership]:
    """The learners this unit admin may send out, by name."""
    return db.session.scalars(staff_query(m).order_by(User.name, Membership.id)
                              .options(contains_eager(Membership.user))).all()


def superior_changes(m: Membership) -> list[SuperiorChange]:
    return db.session.scalars(select(SuperiorChange).where(superior.change_scope(m))
                              .order_by(SuperiorChange.id.desc()).options(*CHANGE_ROW)).all()
