"""Claim pages: thin views that validate a form, call one operation, then flash and redirect."""
from decimal import Decimal

from flask import abort, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import or_, select

from models import Claim, Evidence, Membership, User, WorkItem, db
from models.people import HR_ADMIN, LEARNER, PROVINCE_ADMIN, SUPERVISOR_ADMIN, UNIT_ADMIN

from ..audit import flow_log
from ..confirmation import ask, confirmed
from ..evidence import file_path
from ..urls import back_or
from ..forms import BatchReviewForm, choices
from ..numbers import NumberRefused, parse_decimal
from ..permissions import claim_scope, current_membership, role_required
from ..refusals import Refused, attempt, flash_errors, refused
from ..pagination import paginate
from . import bp, operations as ops, queries
from ..catalogue import (CATEGORY_LABELS, MAX_QUANTITY, catalogue_for, catalogue_of, catalogue_version,
                         member_pathways)
from .forms import ClaimForm, EvidenceForm, ReasonForm, ReviewForm, SubmitForm, edit_context
from .sheets import export_claims
from ..exports import wants_export, xlsx_response


def _claim_or_404(claim_id: int) -> Claim:
    """A claim the current role may see (or filed); anything else is 404, so ids cannot be probed. One query: the
    row and the scope check together."""
    m = current_membership()
    claim = m and db.session.scalar(select(Claim).where(
        Claim.id == claim_id, or_(claim_scope(m), Claim.created_by_id == m.user_id)))
    if claim is None:
        abort(404)
    return claim


def _staff_choices(m: Membership):
    return choices((u.id, _('%(name)s（%(id_number)s）', name=u.name, id_number=u.masked_id_number))
                   for u in queries.staff(m))


def _form_context(form, window=None, **extra):
    """The form's page: besides the form, the window and, for a learner, the hours each pathway has used of its cap
    in the form's year."""
    m = current_membership()
    window = window or ops.window_for(_province_id())
    year = window.year if window else ops.today().year
    if isinstance(form.year.data, int) and abs(form.year.data - year) <= 10:  # a year typed: its caps, if plausible
        year = form.year.data
    used = ops.used_hours(m.user_id, year) if m.role == LEARNER else None
    return edit_context(form, window, used=used, year=year, **extra)


def _province_id() -> int:
    m = current_membership()
    return m.org.province.id


@bp.route('/')
@login_required
@role_required(LEARNER)
def my_claims():
    m = current_membership()
    status = request.args.get('status', '')
    query = queries.own_claims(m, request.args)
    if wants_export(request.args):
        return export_claims(db.session.scalars(queries.exported(query)), _('培训登记详情'))
    page = paginate(query)
    return render_template('claims/my_claims.html', page=page, status=status, pathways=member_pathways(m),
                           statuses=queries.statuses(m),
                           submit_form=SubmitForm(), reason_form=ReasonForm(),
                           supplement_flag=queries.handled_flag(m.user_id))


@bp.route('/new', methods=['GET', 'POST'])
@login_required
@role_required(LEARNER, UNIT_ADMIN)
def new_claim():
    m = current_membership()
    form = ClaimForm(catalogue=catalogue_for(_province_id()))
    staff = m.role == UNIT_ADMIN
    if staff:
        form.learner_id.choices = _staff_choices(m)
    window = None
    if request.method == 'GET':
        window = ops.window_for(_province_id())
        form.year.data = window.year if window else ops.today().year
        form.quantity.data = Decimal(1)
    if form.validate_on_submit():
        learner = None
        if staff:
            learner = db.session.get(User, form.learner_id.data)
            if learner is None or form.learner_id.data not in {c.value for c in form.learner_id.choices}:
                form.learner_id.errors = [_('只能为本单位（本部门）人员登记学时')]
                return render_template('claims/edit.html', **_form_context(form, staff=staff, claim=None)), 422
        if (again := form.repeated()) is not None:  # the same form posted again: its claim exists already
            return again
        try:
            claim = ops.create_claim(m, form.claim_input(), learner)
        except Refused as exc:
            refused(exc, form)
        else:
            flash(_('已保存为待提交，可继续上传附件后提交审核'), 'success')
            return redirect(form.created(url_for('claims.detail', claim_id=claim.id), claim))
    status = 422 if request.method == 'POST' else 200
    return render_template('claims/edit.html', **_form_context(form, window, staff=staff, claim=None)), status


@bp.route('/<int:claim_id>/edit', methods=['GET', 'POST'])
@login_required
@role_required(LEARNER, UNIT_ADMIN)
def edit_claim(claim_id):
    m = current_membership()
    claim = _claim_or_404(claim_id)
    if not ops.can_edit(m, claim):
        flash(_('该学时登记当前状态为“%(status)s”，不能修改', status=claim.status_label), 'warning')
        return redirect(url_for('claims.detail', claim_id=claim.id))
    form = ClaimForm(obj=claim, catalogue=catalogue_of(claim))
    form.learner_id.choices = choices([(claim.learner_id, claim.learner.name)])
    if request.method == 'GET':
        form.pledge.data = claim.pledged
    if form.validate_on_submit():
        try:
            ops.update_claim(m, claim, form.claim_input())
        except Refused as exc:
            refused(exc, form)
        else:
            flash(_('已保存'), 'success')
            return redirect(url_for('claims.detail', claim_id=claim.id))
    status = 422 if request.method == 'POST' else 200
    return render_template('claims/edit.html', **_form_context(form, staff=False, claim=claim)), status


@bp.route('/<int:claim_id>')
@login_required
def detail(claim_id):
    return _detail(_claim_or_404(claim_id))


def _detail(claim: Claim, review_form: ReviewForm | None = None, status: int = 200):
    """The claim's page; with *review_form*, the reviewer's form as she sent it (a refused decision is shown again
    with what she chose and typed, not a fresh form)."""
    m = current_membership()
    logs = flow_log(ops.SUBJECT, claim.id)
    item = ops.open_item(claim)
    my_item = ops.review_item(m, item)
    remaining = ops.remaining_allowance(claim) if my_item else None
    if my_item is not None and review_form is None:
        review_form = ReviewForm(work_item_id=my_item.id)
        # start from the hours of the step before, never more than the pathway's cap leaves this year (none: empty)
        before = claim.reviewed_hours if claim.reviewed_hours is not None else claim.applied_hours
        review_form.hours.data = before if remaining is None else (min(before, remaining) if remaining else None)
    if my_item is not None:
        review_form.hours.label.text = ops.hours_label(my_item)
    can_delete_approved = ops.may_delete_approved(m, claim)
    return render_template(
        'claims/detail.html', claim=claim, logs=logs, item=item, my_item=my_item, review_form=review_form,
        can_edit=ops.can_edit(m, claim), evidence_form=EvidenceForm(), submit_form=SubmitForm(),
        reason_form=ReasonForm(), pathways=catalogue_of(claim).pathways, level_labels=catalogue_of(claim).level_labels,
        remaining=remaining,
        can_withdraw=ops.may_withdraw(m, claim, item), can_delete_approved=can_delete_approved,
        deletion_consequence=ops.deletion_consequence(claim) if can_delete_approved else None), status


@bp.route('/<int:claim_id>/evidence', methods=['POST'])
@login_required
@role_required(LEARNER, UNIT_ADMIN)
def upload_evidence(claim_id):
    m = current_membership()
    claim = _claim_or_404(claim_id)
    form = EvidenceForm()
    if not form.validate_on_submit():
        flash_errors(form)
        return redirect(url_for('claims.detail', claim_id=claim.id))
    if (again := form.repeated()) is not None:
        return again
    attempt(lambda: ops.add_evidence(m, claim, form.file.data.filename, form.file.data.read(), form.caption.data),
            _('附件已上传'))
    return redirect(form.created(url_for('claims.detail', claim_id=claim.id)))


@bp.route('/<int:claim_id>/evidence/<int:evidence_id>/delete', methods=['POST'])
@login_required
@role_required(LEARNER, UNIT_ADMIN)
def delete_evidence(claim_id, evidence_id):
    claim = _claim_or_404(claim_id)
    attempt(lambda: ops.remove_evidence(current_membership(), claim, evidence_id), _('附件已删除'))
    return redirect(url_for('claims.detail', claim_id=claim.id))


@bp.route('/<int:claim_id>/evidence/<int:evidence_id>')
@login_required
def evidence_file(claim_id, evidence_id):
    claim = _claim_or_404(claim_id)
    item = db.session.get(Evidence, evidence_id)
    if item is None or item.claim_id != claim.id or not file_path(item.sha256).exists():
        abort(404)
    return send_file(file_path(item.sha256), mimetype=item.content_type, download_name=item.filename)


def _submit(m, claim, form: SubmitForm):
    supervisor = None
    if form.target.data == 'supervisor':
        supervisor = ops.find_supervisor(form.supervisor_name.data, claim.province_id)
    ops.submit_claim(m, claim, form.target.data, supervisor)


@bp.route('/<int:claim_id>/submit', methods=['POST'])
@login_required
@role_required(LEARNER, UNIT_ADMIN)
def submit(claim_id):
    claim = _claim_or_404(claim_id)
    form = SubmitForm()
    if not form.validate_on_submit():
        flash(_('请选择提交对象'), 'danger')
    else:
        attempt(lambda: _submit(current_membership(), claim, form),
                lambda: _('已提交，当前状态：%(status)s', status=claim.status_label))
    return redirect(url_for('claims.detail', claim_id=claim.id))


@bp.route('/<int:claim_id>/delete', methods=['POST'])
@login_required
@role_required(LEARNER, UNIT_ADMIN)
def delete(claim_id):
    claim = _claim_or_404(claim_id)
    if not attempt(lambda: ops.delete_draft(current_membership(), claim), _('已删除')):
        return redirect(url_for('claims.detail', claim_id=claim.id))
    return redirect(url_for('claims.my_claims') if current_membership().role == LEARNER else url_for('inbox.mine'))


@bp.route('/<int:claim_id>/withdraw', methods=['POST'])
@login_required
@role_required(LEARNER, UNIT_ADMIN)
def withdraw(claim_id):
    claim = _claim_or_404(claim_id)
    if not confirmed():
        return ask(_('将撤回“%(title)s”：审核停止，登记回到待提交，可修改后重新提交。', title=claim.title),
                   url_for('claims.detail', claim_id=claim.id))
    attempt(lambda: ops.withdraw_claim(current_membership(), claim), _('已撤回，可修改后重新提交'))
    return redirect(url_for('claims.detail', claim_id=claim.id))


@bp.route('/batch', methods=['POST'])
@login_required
@role_required(LEARNER, UNIT_ADMIN)
def batch():
    """批量提交审核 / 批量删除 of drafts; each claim is checked on its own, all or nothing."""
    m = current_membership()
    action = request.form.get('action')
    form = SubmitForm()
    ids = request.form.getlist('claim_ids', type=int)
    if not form.validate_on_submit() or action not in ('submit', 'delete'):
        flash(_('请求无效，请刷新后重试'), 'danger')
        return redirect(back_or(url_for('claims.my_claims')))
    if not ids:
        flash(_('请至少选择一条学时登记'), 'warning')
        return redirect(back_or(url_for('claims.my_claims')))
    if not confirmed():
        return ask(_('将所选 %(n)d 条学时登记提交审核，提交后不能修改。', n=len(ids)) if action == 'submit'
                   else _('将删除所选 %(n)d 条学时登记。', n=len(ids)), back_or(url_for('claims.my_claims')))
    try:
        for claim_id in ids:
            claim = _claim_or_404(claim_id)
            if action == 'submit':
                _submit(m, claim, form)
            else:
                ops.delete_draft(m, claim)
    except Refused as exc:
        refused(exc)
        flash(_('第 %(n)d 条（编号 %(id)d）未能处理，所选登记均未改变', n=ids.index(claim_id) + 1, id=claim_id), 'danger')
    else:
        flash((_('已提交 %(n)d 条学时登记', n=len(ids)) if action == 'submit' else _('已删除 %(n)d 条学时登记', n=len(ids))), 'success')
    return redirect(back_or(url_for('claims.my_claims')))


@bp.route('/<int:claim_id>/review', methods=['POST'])
@login_required
@role_required(UNIT_ADMIN, SUPERVISOR_ADMIN, PROVINCE_ADMIN, HR_ADMIN)
def review(claim_id):
    claim = _claim_or_404(claim_id)
    form = ReviewForm()
    if not form.validate_on_submit():
        if form.work_item_id.data and form.work_item_id.errors:
            abort(404)  # not a work item id: as another claim's item
        flash_errors(form)
        return _detail(claim, form, 422)
    try:
        item_id = int(form.work_item_id.data)
        ops.review(current_membership(), item_id, form.decision.data, form.hours.data, form.comment.data, claim.id)
    except ValueError:
        abort(404)
    except Refused as exc:
        db.session.rollback()
        item = db.session.get(WorkItem, item_id)
        if item is None or item.subject_id != claim.id:
            abort(404)  # another claim's task: as if there were none (asked only when refused)
        refused(exc, form)
        return _detail(db.session.get(Claim, claim.id), form, 422)  # what she chose and typed, shown again
    flash(_('已处理，当前状态：%(status)s', status=claim.status_label), 'success')
    return redirect(url_for('inbox.todo'))


@bp.route('/review/batch', methods=['POST'])
@login_required
@role_required(UNIT_ADMIN, SUPERVISOR_ADMIN, PROVINCE_ADMIN, HR_ADMIN)
def batch_review():
    form = BatchReviewForm()
    ids = request.form.getlist('item_ids', type=int)
    if not form.validate_on_submit():
        flash(_('请求无效，请刷新后重试'), 'danger')
    elif not ids:
        flash(_('请至少选择一条待办'), 'warning')
    elif not confirmed():
        action = next(c.label for c in form.decision.choices if c.value == form.decision.data)
        return ask(_('将对所选 %(n)d 条待办执行“%(action)s”。', n=len(ids), action=action), url_for('inbox.todo'))
    else:
        try:
            done, skipped = ops.batch_review(current_membership(), ids, form.decision.data, form.comment.data)
        except Refused as exc:
            refused(exc)
        else:
            flash(_('已处理 %(n)d 条', n=len(done)), 'success')
            for item_id, message in skipped:
                flash(_('待办 %(id)d 未处理：%(reason)s', id=item_id, reason=message), 'warning')
    return redirect(url_for('inbox.todo'))


@bp.route('/<int:claim_id>/delete-approved', methods=['POST'])
@login_required
@role_required(UNIT_ADMIN)
def delete_approved(claim_id):
    claim = _claim_or_404(claim_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_('请填写删除原因'), 'danger')
    elif not confirmed():
        return ask(ops.deletion_consequence(claim), url_for('claims.detail', claim_id=claim.id))
    else:
        attempt(lambda: ops.delete_approved(current_membership(), claim, form.reason.data), _('已删除该条已认定学时'))
    return redirect(url_for('claims.detail', claim_id=claim.id))


@bp.route('/estimate')
@login_required
def estimate():
    """申请学时 pre-fill while the form is filled; the learner can still change it by hand."""
    from datetime import date
    args = request.args
    try:
        quantity = parse_decimal(args.get('quantity') or '1')
        rank = int(args['rank']) if args.get('rank') else None
        start = date.fromisoformat(args['start']) if args.get('start') else None
        end = date.fromisoformat(args['end']) if args.get('end') else None
    except (NumberRefused, ValueError):
        return jsonify(hours=None, error=_('参数无效')), 400
    if not 0 < quantity <= MAX_QUANTITY:
        return jsonify(hours=None, error=_('数量应在 0.1 到 1000 之间')), 400
    catalogue = _estimate_catalogue(args.get('catalogue', type=int))
    pathway = catalogue.pathway(args.get('pathway'))
    if pathway is None:
        return jsonify(hours=None, error=_('请选择认定类型')), 400
    result = ops.estimate_hours(pathway, args.get('level'), quantity, rank, start, end,
                                province_id=_province_id())
    return jsonify(hours=str(result['hours']) if result['hours'] is not None else None,
                   quantity=str(result['quantity']))


def _estimate_catalogue(version_id: int | None):
    """The catalogue a form is filled under (a claim's own version when editing), if it is of the reader's
    province; else the province's current one."""
    province_id = _province_id()
    if version_id is not None:
        catalogue = catalogue_version(version_id, province_id)
        if catalogue.province_id == province_id:
            return catalogue
    return catalogue_for(province_id)


@bp.route('/supervisors')
@login_required
def search_supervisors():
    """Fuzzy name search of supervising departments: first 10 matches (seed 002)."""
    orgs = queries.supervisors_matching(_province_id(), (request.args.get('q') or '').strip())
    return jsonify([{'id': o.id, 'name': o.name} for o in orgs])


@bp.route('/totals')
@login_required
@role_required(LEARNER)
def totals():
    m = current_membership()
    rows = ops.yearly_totals(m.user_id)
    if wants_export(request.args):
        return xlsx_response(_('培训总体查询'), [_('年度'), _('公需科目学时'), _('专业科目学时'), _('总学时')],
                             ([r['year'], r['public'], r['professional'], r['total']] for r in rows))
    year = request.args.get('year', type=int) or (rows[0]['year'] if rows else ops.today().year)
    claims = queries.approved_claims(m.user_id, year)
    return render_template('claims/totals.html', rows=rows, year=year, claims=claims, pathways=member_pathways(m),
                           category_labels=CATEGORY_LABELS)


@bp.route('/manage')
@login_required
@role_required(UNIT_ADMIN, SUPERVISOR_ADMIN, PROVINCE_ADMIN, HR_ADMIN)
def manage():
    """审核结果: claims in my scope by status, searchable by name or ID number (seed 001)."""
    m = current_membership()
    status = request.args.get('status', '')
    q = (request.args.get('q') or '').strip()
    year = request.args.get('year', type=int)
    query = queries.reviewed_claims(m, request.args)
    if wants_export(request.args):
        return export_claims(db.session.scalars(query), _('学时审核结果'))
    page = paginate(query)
    return render_template('claims/manage.html', page=page, status=status, q=q, year=year,
                           pathways=member_pathways(m), statuses=queries.statuses(m))
