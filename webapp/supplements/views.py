"""Supplement pages: the learner's requests and entries, the unit's and the 学时办's decisions."""
from decimal import Decimal

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from models import Supplement, db
from models.people import LEARNER

from ..audit import flow_log
from ..catalogue import catalogue_for, known_pathways
from ..claims import operations as claims_ops
from ..claims.forms import ClaimForm, EvidenceForm, edit_context
from ..claims.queries import handled_flag
from ..permissions import can_see_supplement, current_membership, role_required
from ..refusals import Refused, attempt, flash_errors, refused
from . import bp, operations as ops, queries
from .forms import AgreeForm, RequestForm, ReviewForm


def _supplement_or_404(supplement_id: int) -> Supplement:
    s = db.session.get(Supplement, supplement_id)
    if s is None or not can_see_supplement(current_membership(), s):
        abort(404)
    return s


@bp.route('/')
@login_required
@role_required(LEARNER)
def index():
    m = current_membership()
    window = ops.window_for(m.org.province.id)
    form = RequestForm()
    eligible = ops.eligible_pathways(m)
    form.pathway.choices = [(code, _(label)) for code, label in eligible.items()]
    return render_template('supplements/index.html', window=window, requests=queries.learner_requests(m.user_id),
                           form=form, eligible=eligible, handled=handled_flag(m.user_id),
                           pathways=known_pathways(m.org.province.id),
                           is_open=window.is_open())


@bp.route('/request', methods=['POST'])
@login_required
@role_required(LEARNER)
def request_():
    m = current_membership()
    form = RequestForm()
    if not form.validate_on_submit():
        flash_errors(form)
        return redirect(url_for('supplements.index'))
    if (again := form.repeated()) is not None:
        return again
    try:
        s = ops.request_supplement(m, form.pathway.data)
    except Refused as exc:
        refused(exc)
        return redirect(url_for('supplements.index'))
    flash(_('增补申请成功，状态为“已申请”：请点击“提交申请”发送给单位，或“撤销增补”'), 'success')
    return redirect(form.created(url_for('supplements.detail', supplement_id=s.id), s))


@bp.route('/<int:supplement_id>')
@login_required
def detail(supplement_id: int):
    m = current_membership()
    s = _supplement_or_404(supplement_id)
    logs = flow_log(ops.SUBJECT, s.id)
    item = ops.open_item(s)
    mine = item if ops.may_decide(m, item) else None
    agree_form = AgreeForm(work_item_id=mine.id) if mine and mine.form_key == ops.AGREE_FORM else None
    review_form = ReviewForm(work_item_id=mine.id) if mine and mine.form_key in ops.REVIEW_FORMS else None
    entries = ops.live_entries(s)
    can_fill = ops.may_add_entries(m, s, item)
    return render_template(
        'supplements/detail.html', s=s, logs=logs, item=item, agree_form=agree_form, review_form=review_form,
        entries=entries, pathways=known_pathways(s.province_id), window=ops.window_for(s.province_id),
        can_request=ops.may_request(m, s, item), can_fill=can_fill,
        remaining=ops.remaining_allowance(s) if review_form else None,
        evidence=queries.evidence_of([e.id for e in entries]),
        # one form per entry: each upload carries its own idempotency token
        evidence_forms={e.id: EvidenceForm() for e in entries} if can_fill else {})


def _entry_or_404(s: Supplement, entry_id: int):
    entry = next((e for e in ops.live_entries(s) if e.id == entry_id), None)
    if entry is None:
        abort(404)
    return entry


@bp.route('/<int:supplement_id>/entries/<int:entry_id>/evidence', methods=['POST'])
@login_required
@role_required(LEARNER)
def upload_evidence(supplement_id: int, entry_id: int):
    """上传附件 to an entry while the learner fills the request in: the checks of a claim's evidence (type by
    content, size, number of files and images), by the claim's own operation."""
    m = current_membership()
    s = _supplement_or_404(supplement_id)
    entry = _entry_or_404(s, entry_id)
    back = url_for('supplements.detail', supplement_id=s.id, _anchor=f'entry-{entry.id}')
    form = EvidenceForm()
    if not form.validate_on_submit():
        flash_errors(form)
        return redirect(back)
    if (again := form.repeated()) is not None:
        return again
    attempt(lambda: claims_ops.add_evidence(m, entry, form.file.data.filename, form.file.data.read(),
                                            form.caption.data), _('附件已上传'))
    return redirect(form.created(back))


@bp.route('/<int:supplement_id>/entries/<int:entry_id>/evidence/<int:evidence_id>/delete', methods=['POST'])
@login_required
@role_required(LEARNER)
def delete_evidence(supplement_id: int, entry_id: int, evidence_id: int):
    s = _supplement_or_404(supplement_id)
    entry = _entry_or_404(s, entry_id)
    attempt(lambda: claims_ops.remove_evidence(current_membership(), entry, evidence_id), _('附件已删除'))
    return redirect(url_for('supplements.detail', supplement_id=s.id, _anchor=f'entry-{entry.id}'))


@bp.route('/<int:supplement_id>/cancel', methods=['POST'])
@login_required
@role_required(LEARNER)
def cancel(supplement_id: int):
    s = _supplement_or_404(supplement_id)
    attempt(lambda: ops.cancel_request(current_membership(), s), _('已撤销增补'))
    return redirect(url_for('supplements.detail', supplement_id=s.id))


@bp.route('/<int:supplement_id>/send', methods=['POST'])
@login_required
@role_required(LEARNER)
def send(supplement_id: int):
    s = _supplement_or_404(supplement_id)
    attempt(lambda: ops.send_request(current_membership(), s), _('申请成功，单位将收到您的增补申请'))
    return redirect(url_for('supplements.detail', supplement_id=s.id))


@bp.route('/<int:supplement_id>/entries/new', methods=['GET', 'POST'])
@login_required
@role_required(LEARNER)
def new_entry(supplement_id: int):
    m = current_membership()
    s = _supplement_or_404(supplement_id)
    form = ClaimForm(catalogue=catalogue_for(s.province_id))
    if request.method == 'GET':
        form.pathway.data, form.year.data, form.quantity.data = s.pathway, s.year, Decimal(1)
    if form.validate_on_submit():
        if (again := form.repeated()) is not None:
            return again
        try:
            entry = ops.add_entry(m, s, form.claim_input())
        except Refused as exc:
            refused(exc, form)
        else:
            flash(_('已保存（个人保存），可继续新增，全部填好后点击“个人上报”'), 'success')
            return redirect(form.created(url_for('supplements.detail', supplement_id=s.id), entry))
    status = 422 if request.method == 'POST' else 200
    context = edit_context(form, staff=False, claim=None, supplement=s, year=s.year,
                           used=claims_ops.used_hours(s.learner_id, s.year))
    return render_template('claims/edit.html', **context), status


@bp.route('/<int:supplement_id>/submit', methods=['POST'])
@login_required
@role_required(LEARNER)
def submit(supplement_id: int):
    s = _supplement_or_404(supplement_id)
    attempt(lambda: ops.submit_entries(current_membership(), s), _('已个人上报，等待单位审核'))
    return redirect(url_for('supplements.detail', supplement_id=s.id))


@bp.route('/<int:supplement_id>/agree', methods=['POST'])
@login_required
def agree(supplement_id: int):
    s = _supplement_or_404(supplement_id)
    form = AgreeForm()
    if not form.validate_on_submit():
        flash_errors(form)
    else:
        attempt(lambda: ops.decide_request(current_membership(), int(form.work_item_id.data), form.decision.data,
                                           form.comment.data),
                _('已同意增补') if form.decision.data == 'agree' else _('已拒绝增补'))
    return redirect(url_for('supplements.detail', supplement_id=s.id))


@bp.route('/<int:supplement_id>/review', methods=['POST'])
@login_required
def review(supplement_id: int):
    s = _supplement_or_404(supplement_id)
    form = ReviewForm()
    if not form.validate_on_submit():
        flash_errors(form)
    else:
        hours = {e.id: request.form.get(f'hours-{e.id}') for e in ops.live_entries(s)}
        attempt(lambda: ops.review(current_membership(), int(form.work_item_id.data), form.decision.data,
                                   form.comment.data, hours), _('审核完成'))
    return redirect(url_for('supplements.detail', supplement_id=s.id))
