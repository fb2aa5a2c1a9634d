"""修改单位信息 pages, the part the superior approves: the principal admin's request form, the requests a role sees
(the unit its own, a superior those it reviews), a request with its flow log and the approve / reject and withdraw
forms, and the licence scans (the organisation's current one and a request's new one), each scope-checked."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from models import Organisation, UnitInfoChange, db
from models.people import HR_ADMIN, PROVINCE_ADMIN, SUPERVISOR_ADMIN, UNIT_ADMIN

from ..audit import flow_log
from ..confirmation import ask, confirmed
from ..evidence import download
from ..pagination import paginate
from ..permissions import current_membership, role_required
from ..refusals import Refused, attempt, flash_errors, refused
from . import bp, info_change as ops, queries
from .forms import InfoChangeForm, InfoDecisionForm

REVIEWERS = (UNIT_ADMIN, SUPERVISOR_ADMIN, PROVINCE_ADMIN)


def _change_or_404(info_change_id: int) -> UnitInfoChange:
    c = db.session.get(UnitInfoChange, info_change_id)
    if c is None or not ops.can_see(current_membership(), c):
        abort(404)
    return c


@bp.route('/info/change', methods=['GET', 'POST'])
@login_required
@role_required(UNIT_ADMIN)
def info_change():
    """申请修改单位名称/统一社会信用代码 (and the licence scan)."""
    m = current_membership()
    if not ops.is_principal(m):
        abort(403)
    form = InfoChangeForm()
    if request.method == 'GET':
        form.name.data, form.credit_code.data = m.org.name, m.org.credit_code
    if form.validate_on_submit():
        if (again := form.repeated()) is not None:
            return again
        upload = form.licence.data
        try:
            c = ops.request_change(m, form.name.data or '', form.credit_code.data or '',
                                   upload.read() if upload and getattr(upload, 'filename', '') else None,
                                   form.reason.data)
        except Refused as exc:
            refused(exc, form)
        else:
            flash(_('已提交修改单位信息申请，等待上级审核'), 'success')
            return redirect(form.created(url_for('unit.info_change_detail', info_change_id=c.id), c))
    status = 422 if request.method == 'POST' else 200
    return render_template('unit/info_change.html', form=form, org=m.org, pending=ops.pending_of(m.org_id)), status


@bp.route('/info-changes/')
@login_required
@role_required(*REVIEWERS)
def info_changes():
    """The requests this role sees: its unit's (principal admin) and those it reviews (a superior), newest first."""
    m = current_membership()
    if not ops.may_list(m):
        abort(403)
    return render_template('unit/info_changes.html', page=paginate(queries.info_changes(m)))


@bp.route('/info-changes/<int:info_change_id>')
@login_required
@role_required(*REVIEWERS)
def info_change_detail(info_change_id: int):
    m = current_membership()
    c = _change_or_404(info_change_id)
    item = ops.open_item(c)
    return render_template('unit/info_change_detail.html', c=c, item=item, logs=flow_log(ops.SUBJECT, c.id),
                           form=InfoDecisionForm(work_item_id=item.id) if ops.may_decide(m, item) else None,
                           can_withdraw=ops.may_withdraw(m, c))


@bp.route('/info-changes/<int:info_change_id>/decide', methods=['POST'])
@login_required
@role_required(*REVIEWERS)
def info_change_decide(info_change_id: int):
    _change_or_404(info_change_id)
    form = InfoDecisionForm()
    if not form.validate_on_submit():
        flash_errors(form)
    else:
        attempt(lambda: ops.decide(current_membership(), int(form.work_item_id.data), form.decision.data,
                                   form.comment.data), _('审核完成'))
    return redirect(url_for('unit.info_change_detail', info_change_id=info_change_id))


@bp.route('/info-changes/<int:info_change_id>/withdraw', methods=['POST'])
@login_required
@role_required(UNIT_ADMIN)
def info_change_withdraw(info_change_id: int):
    c = _change_or_404(info_change_id)
    back = url_for('unit.info_change_detail', info_change_id=info_change_id)
    if not confirmed():
        return ask(_('将撤回该修改单位信息的申请：审核停止，单位信息不变。'), back)
    attempt(lambda: ops.withdraw(current_membership(), c), _('已撤回'))
    return redirect(back)


@bp.route('/info-changes/<int:info_change_id>/licence')
@login_required
@role_required(*REVIEWERS)
def info_change_licence(info_change_id: int):
    """The new licence scan a request brings."""
    c = _change_or_404(info_change_id)
    return download(c.new_licence_sha256, c.new_licence_type, f'licence-request-{c.id}')


@bp.route('/orgs/<int:org_id>/licence')
@login_required
@role_required(*REVIEWERS, HR_ADMIN)
def org_licence(org_id: int):
    """An organisation's current licence scan: its own unit admins and the roles above it."""
    org = db.session.get(Organisation, org_id)
    if org is None or not ops.may_see_licence(current_membership(), org):
        abort(404)
    return download(org.licence_sha256, org.licence_type, f'licence-{org.id}')
