"""The lists the transfer pages show: a learner's transfers, a unit's transfers out and in, the staff a unit may
send out, and the superior changes a role sees."""
from sqlalchemy import select

from models import Membership, SuperiorChange, Transfer, User, db

from ..permissions import staff_query
from . import operations as ops, superior


def learner_transfers(learner_id: int) -> list[Transfer]:
    return db.session.scalars(select(Transfer).where(Transfer.learner_id == learner_id)
                              .order_by(Transfer.id.desc())).all()


def unit_transfers(m: Membership) -> list[Transfer]:
    return db.session.scalars(select(Transfer).where(ops.transfer_scope(m)).order_by(Transfer.id.desc())).all()


def staff(m: Membership) -> list[Membership]:
    """The learners this unit admin may send out, by name."""
    return db.session.scalars(staff_query(m).order_by(User.name, Membership.id)).all()


def superior_changes(m: Membership) -> list[SuperiorChange]:
    return db.session.scalars(select(SuperiorChange).where(superior.change_scope(m))
                              .order_by(SuperiorChange.id.desc())).all()
