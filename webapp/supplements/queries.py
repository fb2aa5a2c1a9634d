"""The lists the supplement pages show."""
from sqlalchemy import select

from models import Evidence, Supplement, db


def learner_requests(learner_id: int) -> list[Supplement]:
    """Her supplement requests, newest first."""
    return db.session.scalars(select(Supplement).where(Supplement.learner_id == learner_id)
                              .order_by(Supplement.id.desc())).all()


def evidence_of(entry_ids: list[int]) -> dict[int, list[Evidence]]:
    """Each entry's evidence, oldest first, in one query (entry id -> its files; none: an empty list)."""
    found: dict[int, list[Evidence]] = {i: [] for i in entry_ids}
    if entry_ids:
        for item in db.session.scalars(select(Evidence).where(Evidence.claim_id.in_(entry_ids))
                                       .order_by(Evidence.id)):
            found[item.claim_id].append(item)
    return found
