"""单位调转 pages (learner), 人员调出 and the unit's transfers (unit admin), 更换上级部门 (principal unit admin), and
the detail pages with the flow log and the approve / reject forms."""
from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from models import SuperiorChange, Transfer, db
from models.people import HR_ADMIN, LEARNER, PROVINCE_ADMIN, SUPERVISOR_ADMIN, UNIT_ADMIN
from models.transfers import HR_OFFICE, SUPERIOR

from ..audit import flow_log
from ..confirmation import ask, confirmed
from ..numbers import row_id
from ..permissions import current_membership, role_required
from ..refusals import Refused, attempt, flash_errors, refused
from . import bp, operations as ops, queries, superior
from .forms import DecisionForm, HrOfficeForm, SendOutForm, SuperiorForm, TransferForm


def _q() -> str:
    return (request.args.get('q') or '').strip()[:100]


def _page() -> int:
    return request.args.get('page', 1, type=int) or 1


@bp.route('/units.json')
@login_required
def units_json():
    """Fuzzy unit search (name, credit code or locality contains the text): 10 a page, as /orgs/search."""
    m = current_membership()
    if m is None or m.org.province is None:
        abort(403)
    found = ops.search_orgs(_q(), m.org.province.id, _page())
    return jsonify(page=found.page, per_page=found.per_page, total=found.total, pages=found.pages,
                   items=[{'id': o.id, 'name': o.name, 'credit_code': o.credit_code, 'locality': o.locality}
                          for o in found.items])


# ---- learner: 单位调转 ----

@bp.route('/', methods=['GET', 'POST'])
@login_required
@role_required(LEARNER)
def index():
    m = current_membership()
    form = TransferForm()
    if form.validate_on_submit():
        if (again := form.repeated()) is not None:
            return again
        try:
            t = ops.request_transfer(m, form.to_unit_id.data, form.reason.data)
        except Refused as exc:
            refused(exc, form)
        else:
            flash(_('已提交转出申请，等待原单位审核'), 'success')
            return redirect(form.created(url_for('transfers.detail', transfer_id=t.id), t))
    q = _q()
    status = 422 if request.method == 'POST' else 200
    return render_template('transfers/index.html', form=form, q=q,
                           results=ops.search_orgs(q, m.org.province.id, _page(), exclude=[m.org_id]),
                           transfers=queries.learner_transfers(m.user_id), pending=ops.pending_items(m.user_id)), status


@bp.route('/<int:transfer_id>')
@login_required
@role_required(LEARNER, UNIT_ADMIN)
def detail(transfer_id: int):
    m = current_membership()
    t = db.session.get(Transfer, transfer_id)
    if t is None or not ops.can_see(m, t):
        abort(404)
    item = ops.open_item(t)
    return render_template('transfers/detail.html', t=t, item=item, logs=flow_log(ops.SUBJECT, t.id),
                           form=DecisionForm(work_item_id=item.id) if ops.may_decide(m, item) else None,
                           can_withdraw=ops.may_withdraw(m, t))


@bp.route('/<int:transfer_id>/decide', methods=['POST'])
@login_required
@role_required(UNIT_ADMIN)
def decide(transfer_id: int):
    t = db.session.get(Transfer, transfer_id)
    if t is None or not ops.can_see(current_membership(), t):
        abort(404)
    form = DecisionForm()
    if not form.validate_on_submit():
        flash_errors(form)
    else:
        attempt(lambda: ops.decide(current_membership(), int(form.work_item_id.data), form.decision.data,
                                   form.comment.data), _('审核完成'))
    return redirect(url_for('transfers.detail', transfer_id=transfer_id))


@bp.route('/<int:transfer_id>/withdraw', methods=['POST'])
@login_required
@role_required(LEARNER, UNIT_ADMIN)
def withdraw(transfer_id: int):
    t = db.session.get(Transfer, transfer_id)
    if t is None or not ops.can_see(current_membership(), t):
        abort(404)
    if not confirmed():
        return ask(_('将撤回该调转申请：审核停止，人员仍在原单位。'), url_for('transfers.detail', transfer_id=transfer_id))
    attempt(lambda: ops.withdraw(current_membership(), t), _('已撤回'))
    return redirect(url_for('transfers.detail', transfer_id=transfer_id))


# ---- unit admin: 人员调转 (调出 and the unit's transfers out and in) ----

@bp.route('/unit')
@login_required
@role_required(UNIT_ADMIN)
def unit():
    return render_template('transfers/unit.html', transfers=queries.unit_transfers(current_membership()))


@bp.route('/send-out', methods=['GET', 'POST'])
@login_required
@role_required(UNIT_ADMIN)
def send_out():
    m = current_membership()
    form = SendOutForm()
    form.member_id.choices = [(0, _('请选择'))] + [
        (s.id, _('%(name)s（%(id_number)s）', name=s.user.name, id_number=s.user.masked_id_number))
        for s in queries.staff(m)]
    if request.method == 'GET' and (member_id := row_id(request.args.get('member_id'))):
        form.member_id.data = member_id
    if form.validate_on_submit():
        if (again := form.repeated()) is not None:
            return again
        try:
            t = ops.send_out(m, form.member_id.data, form.to_unit_id.data, form.reason.data)
        except Refused as exc:
            refused(exc, form)
        else:
            flash(_('已提交人员调出，等待新单位接收'), 'success')
            return redirect(form.created(url_for('transfers.detail', transfer_id=t.id), t))
    q = _q()
    status = 422 if request.method == 'POST' else 200
    return render_template('transfers/send_out.html', form=form, q=q,
                           results=ops.search_orgs(q, m.org.province.id, _page(), exclude=[m.org_id])), status


# ---- 更换上级部门 ----

@bp.route('/superior', methods=['GET', 'POST'])
@login_required
@role_required(UNIT_ADMIN, SUPERVISOR_ADMIN, PROVINCE_ADMIN, HR_ADMIN)
def superior_index():
    m = current_membership()
    if not superior.may_list(m):
        abort(403)
    principal = superior.is_principal(m)
    kind = superior.org_type(request.args.get('kind'))  # 机构类型: what the search offers
    form = (HrOfficeForm if kind == HR_OFFICE else SuperiorForm)()
    if principal and form.validate_on_submit():
        if (again := form.repeated()) is not None:
            return again
        try:
            c = superior.request_change(m, form.new_parent_id.data, form.reason.data,
                                        HR_OFFICE if kind == HR_OFFICE else SUPERIOR)
        except Refused as exc:
            refused(exc, form)
        else:
            flash(_('已提交更换同级人社部门申请，等待原人社部门审核') if kind == HR_OFFICE
                  else _('已提交更换上级部门申请，等待原上级审核'), 'success')
            return redirect(form.created(url_for('transfers.change_detail', change_id=c.id), c))
    q = _q()
    status = 422 if request.method == 'POST' else 200
    return render_template('transfers/superior.html', form=form, q=q, principal=principal, unit=m.org, kind=kind,
                           kinds=superior.ORG_TYPE_NAMES,
                           results=superior.candidates(m.org, q, _page(), kind) if principal else None,
                           changes=queries.superior_changes(m), kind_label=superior.kind_name), status


@bp.route('/superior/<int:change_id>')
@login_required
@role_required(UNIT_ADMIN, SUPERVISOR_ADMIN, PROVINCE_ADMIN, HR_ADMIN)
def change_detail(change_id: int):
    m = current_membership()
    c = db.session.get(SuperiorChange, change_id)
    if c is None or not superior.can_see(m, c):
        abort(404)
    item = superior.open_item(c)
    return render_template('transfers/change_detail.html', c=c, item=item, logs=flow_log(superior.SUBJECT, c.id),
                           form=DecisionForm(work_item_id=item.id) if ops.may_decide(m, item) else None,
                           kind_label=superior.kind_name)


@bp.route('/superior/<int:change_id>/decide', methods=['POST'])
@login_required
@role_required(UNIT_ADMIN, SUPERVISOR_ADMIN, PROVINCE_ADMIN, HR_ADMIN)
def change_decide(change_id: int):
    c = db.session.get(SuperiorChange, change_id)
    if c is None or not superior.can_see(current_membership(), c):
        abort(404)
    form = DecisionForm()
    if not form.validate_on_submit():
        flash_errors(form)
    else:
        attempt(lambda: superior.decide(current_membership(), int(form.work_item_id.data), form.decision.data,
                                        form.comment.data), _('审核完成'))
    return redirect(url_for('transfers.change_detail', change_id=change_id))
