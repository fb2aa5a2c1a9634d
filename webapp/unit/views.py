"""人员管理 for unit admins: the unit's staff (a secondary admin: her department's), searchable, exportable, and
password reset to the initial password (last six of the ID number; the next login must change it)."""
from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from models import db
from models.people import LEARNER, UNIT_ADMIN

from ..audit import flow_log
from ..forms import Form
from ..exports import wants_export, xlsx_response
from ..numbers import row_id
from ..permissions import current_membership, role_required
from ..refusals import attempt
from ..urls import back_or
from ..pagination import paginate
from . import bp, info_change, operations as ops, queries
from .forms import AdminForm, DepartmentChoiceForm, DepartmentForm, UnitInfoForm


@bp.route('/staff')
@login_required
@role_required(UNIT_ADMIN)
def staff():
    m = current_membership()
    q = (request.args.get('q') or '').strip()
    query = queries.staff(m, q)
    if wants_export(request.args):
        return xlsx_response(_('人员管理'), [_('姓名'), _('身份证号'), _('单位'), _('部门'), _('手机号')], (
            [s.user.name, s.user.id_number, s.org.name, s.department.name if s.department else '', s.user.phone or '']
            for s in db.session.scalars(query)))
    page = paginate(query)
    return render_template('unit/staff.html', page=page, q=q, form=Form(), departments=m.org.departments,
                           principal=ops.is_principal(m))


@bp.route('/staff/<int:membership_id>/reset-password', methods=['POST'])
@login_required
@role_required(UNIT_ADMIN)
def reset_password(membership_id: int):
    m = current_membership()
    member = queries.staff_member(m, membership_id)
    if member is None or not Form().validate_on_submit():
        abort(404)
    attempt(lambda: ops.reset_password(m, member),
            _('已将 %(name)s 的密码重置为初始密码（身份证号后 6 位），其下次登录须修改密码', name=member.user.name))
    return redirect(back_or(url_for('unit.staff')))


def _department_id(value) -> int | None:
    try:
        return int(value) if value not in (None, '', '0') else None
    except ValueError:
        abort(400)


@bp.route('/departments', methods=['GET', 'POST'])
@login_required
@role_required(UNIT_ADMIN)
def departments():
    m = current_membership()
    form = DepartmentForm()
    if request.method == 'POST':
        if not form.validate_on_submit():
            abort(400)
        action, department_id = form.action.data, _department_id(form.department_id.data)
        name = form.name.data or ''
        if action == 'add':
            attempt(lambda: ops.add_department(m, name), _('已新增部门'))
        elif action == 'rename':
            attempt(lambda: ops.rename_department(m, department_id, name), _('已修改部门名称'))
        else:
            attempt(lambda: ops.delete_department(m, department_id), _('已删除部门'))
        return redirect(url_for('unit.departments'))
    return render_template('unit/departments.html', departments=m.org.departments, counts=queries.department_counts(m),
                           form=form, principal=ops.is_principal(m))


@bp.route('/admins', methods=['GET', 'POST'])
@login_required
@role_required(UNIT_ADMIN)
def admins():
    m = current_membership()
    form = AdminForm()
    if request.method == 'POST':
        if not form.validate_on_submit():
            abort(400)
        action = form.action.data
        department_id = _department_id(form.department_id.data)
        allowed = form.login_allowed.data
        target = row_id(form.membership_id.data)
        if action == 'add':
            attempt(lambda: ops.add_admin(m, form.name.data or '', form.id_number.data or '', department_id, allowed),
                    _('已添加管理员，初始密码为其身份证号后 6 位'))
        elif action == 'update' and target:
            attempt(lambda: ops.update_admin(m, target, department_id, allowed), _('已保存'))
        elif action == 'delete' and target:
            attempt(lambda: ops.remove_admin(m, target), _('已删除管理员'))
        else:
            abort(400)
        return redirect(url_for('unit.admins'))
    return render_template('unit/admins.html', admins=ops.admins(m), departments=m.org.departments, form=form,
                           principal=ops.is_principal(m))


@bp.route('/staff/<int:membership_id>/department', methods=['POST'])
@login_required
@role_required(UNIT_ADMIN)
def assign_department(membership_id: int):
    m = current_membership()
    form = DepartmentChoiceForm()
    if not form.validate_on_submit():
        abort(400)
    attempt(lambda: ops.assign_department(m, membership_id, _department_id(form.department_id.data)),
            _('已分配部门'))
    return redirect(back_or(url_for('unit.staff')))


@bp.route('/my-department', methods=['GET', 'POST'])
@login_required
@role_required(LEARNER)
def my_department():
    m = current_membership()
    form = DepartmentChoiceForm()
    if request.method == 'POST':
        if not form.validate_on_submit():
            abort(400)
        attempt(lambda: ops.choose_department(m, _department_id(form.department_id.data)), _('已保存本人部门'))
        return redirect(url_for('unit.my_department'))
    return render_template('unit/my_department.html', departments=m.org.departments, form=form, m=m)


@bp.route('/info', methods=['GET', 'POST'])
@login_required
@role_required(UNIT_ADMIN)
def info():
    """修改单位信息: the unit's data; its principal admin changes the contact data at once."""
    m = current_membership()
    form = UnitInfoForm(obj=m.org)
    principal = ops.is_principal(m)
    if request.method == 'POST':
        if not principal or not form.validate_on_submit():
            abort(403 if not principal else 400)
        if attempt(lambda: ops.update_info(m, form.phone.data or '', form.address.data or '', form.locality.data or '',
                                           form.nature.data or '', form.level.data or '', form.industry.data or ''),
                   _('已保存单位信息'), form):
            return redirect(url_for('unit.info'))
    latest = info_change.latest_of(m.org_id) if principal else None
    return render_template('unit/info.html', org=m.org, form=form, principal=principal, latest=latest,
                           logs=flow_log(info_change.SUBJECT, latest.id) if latest else [],
                           can_withdraw=latest is not None and info_change.may_withdraw(m, latest))
