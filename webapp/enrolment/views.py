"""报名 pages: the learner's enrolment for the year, and the unit's review."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from models import Enrolment, db
from models.people import LEARNER

from ..audit import flow_log
from ..permissions import current_membership, role_required
from ..refusals import Refused, refused
from . import bp, operations as ops
from .forms import EnrolmentForm, ReviewForm


def _input(form) -> ops.EnrolmentInput:
    return ops.EnrolmentInput(form.identity.data, form.political_status.data, form.education.data, form.title.data,
                              form.title_date.data, form.specialty.data)


@bp.route('/', methods=['GET', 'POST'])
@login_required
@role_required(LEARNER)
def mine():
    m = current_membership()
    e = ops.current(m)
    editable = ops.may_edit(e)
    form = EnrolmentForm(obj=e)
    if request.method == 'POST' and (again := form.repeated()) is not None:  # already sent (and no longer editable)
        return again
    if editable and form.validate_on_submit():
        try:
            if e is None:
                e = ops.enrol(m, _input(form))
            else:
                ops.resubmit(m, e, _input(form))
        except Refused as exc:
            refused(exc, form)
        else:
            flash(_('报名成功') if ops.passed(e) else _('报名资料已提交，请联系所在单位审核'), 'success')
            return redirect(form.created(url_for('enrolment.mine'), e))
    return render_template('enrolment/mine.html', e=e, form=form, editable=editable, year=ops.enrolment_year(m),
                           user=m.user, unit=m.org), 422 if request.method == 'POST' else 200


@bp.route('/<int:enrolment_id>', methods=['GET', 'POST'])
@login_required
def detail(enrolment_id: int):
    m = current_membership()
    e = db.session.get(Enrolment, enrolment_id)
    if not ops.can_see(m, e):
        abort(404)
    item = ops.open_review(e)
    actionable = ops.may_decide(m, item)
    form = ReviewForm(work_item_id=item.id if item else '')
    if request.method == 'POST':
        if not form.validate_on_submit():
            flash(_('请选择审核结果'), 'danger')
        else:
            try:
                ops.review(m, int(form.work_item_id.data), form.decision.data, form.comment.data)
            except Refused as exc:
                refused(exc)
            else:
                flash(_('审核完成'), 'success')
        return redirect(url_for('enrolment.detail', enrolment_id=e.id))
    logs = flow_log(ops.SUBJECT, e.id)
    return render_template('enrolment/detail.html', e=e, form=form if actionable else None, logs=logs)
