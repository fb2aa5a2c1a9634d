"""Claim list filters shared by the inboxes and the review-results page, and the supplement status the learner's
claim list shows (the supplement pages show it too)."""
from sqlalchemy import or_, select

from models import Claim, Supplement, User, db

from ..workflow import catalog
from .catalog import PATHWAYS


def filter_claims(query, args):
    """Apply status, year, pathway and name-or-ID-number filters; *query* must already join the learner (User)."""
    if args.get('status'):
        query = query.where(Claim.status_label == args['status'])
    if args.get('year', type=int):
        query = query.where(Claim.year == args.get('year', type=int))
    if args.get('pathway') in PATHWAYS:
        query = query.where(Claim.pathway == args['pathway'])
    q = (args.get('q') or '').strip()
    if q:
        query = query.where(or_(User.name.contains(q), User.id_number == q.upper()))
    return query


def handled_flag(learner_id: int) -> str | None:
    """Seed 000: 已处理 once the unit has handled every supplement request sent to it, otherwise 未处理 (None: none
    sent). Shown in the learner's claim list."""
    sent = db.session.scalars(select(Supplement).where(Supplement.learner_id == learner_id,
                                                       Supplement.requested_at.is_not(None))).all()
    if not sent:
        return None
    return '未处理' if any(s.unit_decision is None and s.outcome != catalog.DELETED for s in sent) else '已处理'
