"""The lists the supplement pages show."""
from sqlalchemy import select

from models import Supplement, db


def learner_requests(learner_id: int) -> list[Supplement]:
    """Her supplement requests, newest first."""
    return db.session.scalars(select(Supplement).where(Supplement.learner_id == learner_id)
                              .order_by(Supplement.id.desc())).all()
