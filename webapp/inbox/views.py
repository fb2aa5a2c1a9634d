"""Inboxes: 待我处理 (ready for my role and scope), 我已处理 (done by me), 我发起的 (mine, and where each waits).

Claims have their own list (filters, batch review); every other kind of subject (see webapp/inbox_kinds.py) has a
tab listed by the generic template.
"""
from flask import abort, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import login_required

from models import WorkItem, db, mask_id_number
from models.people import LEARNER, UNIT_ADMIN

from ..catalogue import member_pathways
from ..claims.forms import SubmitForm
from ..claims.queries import exported, filed_claims, statuses
from ..claims.sheets import export_claims
from ..exports import MAX_EXPORT_ROWS, wants_export, xlsx_response
from ..formatting import format_local_time, format_outcome
from ..forms import BatchReviewForm
from ..inbox_kinds import kind_for, ordered
from ..pagination import paginate
from ..permissions import current_membership
from . import bp, queries
from .queries import CLAIM, todo_count  # noqa: F401 - the app factory's navigation count reads it here


def _tabs(parts: list) -> tuple[str, list, dict]:
    """The kind asked for (by default claims, or the first kind with rows when there are no claims: the inbox opens
    on work, not on an empty tab), the tabs: (kind, count shown), claims always, others when non-empty; and the
    counts (up to COUNT_CAP + 1) by kind."""
    current = request.args.get('kind', CLAIM)
    if current != CLAIM and kind_for(current) is None:
        abort(404)
    counts = queries.counts_by_kind(parts, [k.subject_type for k in ordered()])
    if 'kind' not in request.args and not counts.get(CLAIM):
        current = next((k.subject_type for k in ordered() if counts.get(k.subject_type)), CLAIM)
    tabs = [(k, queries.shown(counts.get(k.subject_type, 0))) for k in ordered()
            if k.subject_type in (CLAIM, current) or counts.get(k.subject_type)]
    return current, tabs, counts


def _generic(tab: str, condition, order, tabs, current):
    """Inbox rows of a non-claim kind, each summarised by its feature."""
    query = queries.items_of_kind(condition, current, order)
    if wants_export(request.args):
        return _export_generic(tab, query, current)
    page = paginate(query)
    summaries = kind_for(current).summarise(sorted({i.subject_id for i in page.items}))
    return render_template('inbox/generic.html', tab=tab, page=page, summaries=summaries, tabs=tabs, current=current)


def _export_generic(tab: str, query, current: str):
    """The tab's rows as .xlsx, with the columns the page shows (the ID number masked as there), in its language."""
    kind = kind_for(current)
    items = db.session.scalars(query.limit(MAX_EXPORT_ROWS)).all()
    overdue = _('是')

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
                    row += [overdue if item.overdue_at else '', format_local_time(item.created_at)]
                yield row
    last = [_('处理结果'), _('处理时间')] if tab == 'done' else [_('超期'), _('到达时间')]
    title = _('我已处理') if tab == 'done' else _('待我处理')
    return xlsx_response(f'{title}-{kind.label}', [_('环节'), _('事项'), _('姓名'), _('身份证号'), _('说明'), _('状态')]
                         + last, rows())


def _page_number() -> int:
    return max(request.args.get('page', 1, type=int) or 1, 1)


@bp.route('/')
@login_required
def todo():
    m = current_membership()
    condition = queries.open_for(m)
    current, tabs, counts = _tabs(queries.open_parts(m))
    if current != CLAIM:
        return _generic('todo', condition, (WorkItem.created_at, WorkItem.id), tabs, current)
    query = queries.todo_claims(m, request.args)
    if wants_export(request.args):
        rows = db.session.execute(exported(queries.claim_rows(query)))
        return export_claims((claim for _item, claim in rows), _('待我处理'))
    page = queries.claim_page(query, _page_number(), current_app.config['PAGE_SIZE'],
                              None if queries.filters_apply(request.args) else counts.get(CLAIM, 0),
                              ids=queries.todo_claim_ids(m, request.args))
    return render_template('inbox/list.html', tab='todo', page=page, pathways=member_pathways(m),
                           statuses=statuses(m), tabs=tabs, current=current,
                           batch_form=BatchReviewForm() if m.role != LEARNER else None)


@bp.route('/done')
@login_required
def done():
    m = current_membership()
    condition = queries.done_by(m)
    current, tabs, counts = _tabs([condition])
    if current != CLAIM:
        return _generic('done', condition, (WorkItem.completed_at.desc(), WorkItem.id.desc()), tabs, current)
    query = queries.done_claims(m, request.args)
    if wants_export(request.args):
        rows = db.session.execute(exported(queries.claim_rows(query)))
        return export_claims((claim for _item, claim in rows), _('我已处理'))
    page = queries.claim_page(query, _page_number(), current_app.config['PAGE_SIZE'],
                              None if queries.filters_apply(request.args) else counts.get(CLAIM, 0))
    return render_template('inbox/list.html', tab='done', page=page, pathways=member_pathways(m),
                           statuses=statuses(m), batch_form=None,
                           tabs=tabs, current=current)


@bp.route('/mine')
@login_required
def mine():
    """Claims I filed (or that are mine), each with where it waits now."""
    m = current_membership()
    query = filed_claims(m, request.args)
    if wants_export(request.args):
        return export_claims(db.session.scalars(exported(query)), _('我发起的'))
    page = paginate(query)
    waiting = queries.waiting_items([c.id for c in page.items])
    return render_template('inbox/mine.html', page=page, waiting=waiting, pathways=member_pathways(m),
                           statuses=statuses(m),
                           submit_form=SubmitForm() if m.role == UNIT_ADMIN else None)
