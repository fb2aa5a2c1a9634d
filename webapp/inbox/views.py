"""Inboxes: 待我处理 (ready for my role and scope), 我已处理 (done by me), 我发起的 (mine, and where each waits)."""
from flask import current_app, render_template, request
from flask_login import login_required
from sqlalchemy import func, or_, select

from models import Claim, User, WorkItem, db
from models.people import LEARNER

from ..claims.catalog import PATHWAYS
from ..claims.forms import BatchReviewForm
from ..claims.queries import filter_claims
from ..pagination import paginate_rows
from ..permissions import current_membership, work_item_scope
from . import bp


def _items_query():
    return (select(WorkItem, Claim).join(Claim, (WorkItem.subject_type == 'claim') & (WorkItem.subject_id == Claim.id))
            .join(User, Claim.learner_id == User.id))


def todo_count(m) -> int:
    return db.session.scalar(select(func.count(WorkItem.id)).where(WorkItem.completed_at.is_(None), work_item_scope(m)))


@bp.route('/')
@login_required
def todo():
    m = current_membership()
    query = filter_claims(_items_query().where(WorkItem.completed_at.is_(None), work_item_scope(m)),
                          request.args)
    page = paginate_rows(query.order_by(WorkItem.created_at, WorkItem.id), current_app.config['PAGE_SIZE'])
    return render_template('inbox/list.html', tab='todo', page=page, pathways=PATHWAYS,
                           batch_form=BatchReviewForm() if m.role != LEARNER else None)


@bp.route('/done')
@login_required
def done():
    m = current_membership()
    query = filter_claims(_items_query().where(WorkItem.completed_by_id == m.user_id), request.args)
    page = paginate_rows(query.order_by(WorkItem.completed_at.desc()), current_app.config['PAGE_SIZE'])
    return render_template('inbox/list.html', tab='done', page=page, pathways=PATHWAYS, batch_form=None)


@bp.route('/mine')
@login_required
def mine():
    """Claims I filed (or that are mine), each with where it waits now."""
    m = current_membership()
    query = filter_claims(select(Claim).join(User, Claim.learner_id == User.id).where(
        or_(Claim.created_by_id == m.user_id, Claim.learner_id == m.user_id), Claim.deleted_at.is_(None)), request.args)
    page = db.paginate(query.order_by(Claim.id.desc()), per_page=current_app.config['PAGE_SIZE'])
    waiting = {}
    ids = [c.id for c in page.items]
    if ids:
        for item in db.session.scalars(select(WorkItem).where(
                WorkItem.subject_type == 'claim', WorkItem.subject_id.in_(ids), WorkItem.completed_at.is_(None))):
            waiting[item.subject_id] = item
    return render_template('inbox/mine.html', page=page, waiting=waiting, pathways=PATHWAYS)
