"""Inboxes: 待我处理 (ready for my role and scope), 我已处理 (done by me), 我发起的 (mine, and where each waits).

Claims have their own list (filters, batch review); every other kind of subject (see webapp/inbox_kinds.py) has a
tab listed by the generic template.
"""
from flask import abort, current_app, render_template, request
from flask_login import login_required
from sqlalchemy import and_, func, or_, select

from models import Claim, User, WorkItem, db, mask_id_number
from models.people import LEARNER, UNIT_ADMIN

from ..claims.catalog import PATHWAYS
from ..claims.forms import SubmitForm
from ..claims.queries import filter_claims
from ..claims.sheets import export_claims
from ..exports import MAX_EXPORT_ROWS, wants_export, xlsx_response
from ..formatting import format_local_time, format_outcome
from ..forms import BatchReviewForm
from ..inbox_kinds import kind_for, ordered
from ..pagination import paginate_rows
from ..permissions import current_membership, work_item_scope
from . import bp

CLAIM = 'claim'


def _items_query():
    return (select(WorkItem, Claim).join(Claim, (WorkItem.subject_type == 'claim') & (WorkItem.subject_id == Claim.id))
            .join(User, Claim.learner_id == User.id))


def todo_count(m) -> int:
    return db.session.scalar(select(func.count(WorkItem.id)).where(WorkItem.completed_at.is_(None), work_item_scope(m)))


def _tabs(condition) -> tuple[str, list]:
    """The kind asked for (claims by default) and the tabs: (kind, count), claims always, others when non-empty."""
    counts = dict(db.session.execute(select(WorkItem.subject_type, func.count(WorkItem.id))
                                     .where(condition).group_by(WorkItem.subject_type)).all())
    current = request.args.get('kind', CLAIM)
    if current != CLAIM and kind_for(current) is None:
        abort(404)
    tabs = [(k, counts.get(k.subject_type, 0)) for k in ordered()
            if k.subject_type in (CLAIM, current) or counts.get(k.subject_type)]
    return current, tabs


def _generic(tab: str, condition, order, tabs, current):
    """Inbox rows of a non-claim kind, each summarised by its feature."""
    query = select(WorkItem).where(condition, WorkItem.subject_type == current).order_by(*order)
    if wants_export(request.args):
        return _export_generic(tab, query, current)
    page = db.paginate(query, per_page=current_app.config['PAGE_SIZE'])
    summaries = kind_for(current).summarise(sorted({i.subject_id for i in page.items}))
    return render_template('inbox/generic.html', tab=tab, page=page, summaries=summaries, tabs=tabs, current=current)


def _export_generic(tab: str, query, current: str):
    """The tab's rows as .xlsx, with the columns the page shows (the ID number masked as there)."""
    kind = kind_for(current)
    items = db.session.scalars(query.limit(MAX_EXPORT_ROWS)).all()

    def rows():
        for start in range(0, len(items), 500):  # summaries a batch at a time, as the page does per page
            batch = items[start:start + 500]
            summaries = kind.summarise(sorted({i.subject_id for i in batch}))
            for item in batch:
                s = summaries.get(item.subject_id)
                row = [item.task_title, s.title if s else '', s.person_name if s else '',
                       mask_id_number(s.id_number) if s and s.id_number else '', s.detail if s else '',
                       item.status_label or '']
                if tab == 'done':
                    row += [format_outcome(item.outcome), format_local_time(item.completed_at)]
                else:
                    row += ['是' if item.overdue_at else '', format_local_time(item.created_at)]
                yield row
    last = ['处理结果', '处理时间'] if tab == 'done' else ['超期', '到达时间']
    title = '我已处理' if tab == 'done' else '待我处理'
    return xlsx_response(f'{title}-{kind.label}', ['环节', '事项', '姓名', '身份证号', '说明', '状态'] + last, rows())


@bp.route('/')
@login_required
def todo():
    m = current_membership()
    condition = and_(WorkItem.completed_at.is_(None), work_item_scope(m))
    current, tabs = _tabs(condition)
    if current != CLAIM:
        return _generic('todo', condition, (WorkItem.created_at, WorkItem.id), tabs, current)
    query = filter_claims(_items_query().where(WorkItem.completed_at.is_(None), work_item_scope(m)),
                          request.args)
    if wants_export(request.args):
        return export_claims((claim for _item, claim in db.session.execute(query.order_by(WorkItem.created_at))),
                             '待我处理')
    page = paginate_rows(query.order_by(WorkItem.created_at, WorkItem.id), current_app.config['PAGE_SIZE'])
    return render_template('inbox/list.html', tab='todo', page=page, pathways=PATHWAYS, tabs=tabs, current=current,
                           batch_form=BatchReviewForm() if m.role != LEARNER else None)


@bp.route('/done')
@login_required
def done():
    m = current_membership()
    condition = WorkItem.completed_by_id == m.user_id
    current, tabs = _tabs(condition)
    if current != CLAIM:
        return _generic('done', condition, (WorkItem.completed_at.desc(), WorkItem.id.desc()), tabs, current)
    query = filter_claims(_items_query().where(condition), request.args)
    if wants_export(request.args):
        return export_claims((claim for _item, claim in db.session.execute(
            query.order_by(WorkItem.completed_at.desc()))), '我已处理')
    page = paginate_rows(query.order_by(WorkItem.completed_at.desc()), current_app.config['PAGE_SIZE'])
    return render_template('inbox/list.html', tab='done', page=page, pathways=PATHWAYS, batch_form=None,
                           tabs=tabs, current=current)


@bp.route('/mine')
@login_required
def mine():
    """Claims I filed (or that are mine), each with where it waits now."""
    m = current_membership()
    query = filter_claims(select(Claim).join(User, Claim.learner_id == User.id).where(
        or_(Claim.created_by_id == m.user_id, Claim.learner_id == m.user_id), Claim.deleted_at.is_(None)), request.args)
    if wants_export(request.args):
        return export_claims(db.session.scalars(query.order_by(Claim.id.desc())), '我发起的')
    page = db.paginate(query.order_by(Claim.id.desc()), per_page=current_app.config['PAGE_SIZE'])
    waiting = {}
    ids = [c.id for c in page.items]
    if ids:
        for item in db.session.scalars(select(WorkItem).where(
                WorkItem.subject_type == 'claim', WorkItem.subject_id.in_(ids), WorkItem.completed_at.is_(None))):
            waiting[item.subject_id] = item
    return render_template('inbox/mine.html', page=page, waiting=waiting, pathways=PATHWAYS,
                           submit_form=SubmitForm() if m.role == UNIT_ADMIN else None)
