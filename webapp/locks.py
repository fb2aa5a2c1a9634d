"""Row locks that make two people acting at once take turns (PostgreSQL `FOR UPDATE`; SQLite serialises writers
anyway). Whatever must be decided once per person or per organisation — one certificate a year, one transfer, one
supplement request per category — takes the lock first and checks after it."""
from sqlalchemy import select

from models import Organisation, User, db


def lock_person(user_id: int) -> None:
    db.session.execute(select(User.id).where(User.id == user_id).with_for_update())


def lock_people(user_ids) -> None:
    """lock_person for many people in one statement (a batch of imported rows), in id order so that two batches
    sharing people never wait on each other crosswise."""
    ids = sorted(set(user_ids))
    if ids:
        db.session.execute(select(User.id).where(User.id.in_(ids)).order_by(User.id).with_for_update())


def lock_organisation(org_id: int) -> None:
    db.session.execute(select(Organisation.id).where(Organisation.id == org_id).with_for_update())
