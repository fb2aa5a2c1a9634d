"""Claim list filters shared by the inboxes and the review-results page."""
from sqlalchemy import or_

from models import Claim, User

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
