"""人员管理 for unit admins: the unit's staff (a secondary admin: her department's), searchable, exportable, and
password reset to the initial password (last six of the ID number; the next login must change it)."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from flask_wtf import FlaskForm
from sqlalchemy import func, or_, select

from models import Membership, User, db
from models.people import LEARNER, UNIT_ADMIN

from ..exports import wants_export, xlsx_response
from ..permissions import current_membership, role_required, staff_query
from ..refusals import attempt
from ..security import reset_to_default
from . import bp, operations as ops


@bp.route('/staff')
@login_required
@role_required(UNIT_ADMIN)
def staff():
    m = current_membership()
    query = staff_query(m)
    q = (request.args.get('q') or '').strip()
    if q:
        query = query.where(or_(User.name.contains(q), User.id_number == q.upper()))
    query = query.order_by(User.name, User.id)
    if wants_export(request.args):
        return xlsx_response('人员管理', ['姓名', '身份证号', '单位', '部门', '手机号'], (
            [s.user.name, s.user.id_number, s.org.name, s.department.name if s.department else '', s.user.phone or '']
            for s in db.session.scalars(query)))
    page = db.paginate(query, per_page=current_app.config['PAGE_SIZE'])
    return render_template('unit/staff.html', page=page, q=q, form=FlaskForm(), departments=m.org.departments,
                           principal=m.department_id is None)


@bp.route('/staff/<int:membership_id>/reset-password', methods=['POST'])
@login_required
@role_required(UNIT_ADMIN)
def reset_password(membership_id: int):
    m = current_membership()
    member = db.session.scalar(staff_query(m).where(Membership.id == membership_id))
    if member is None or not FlaskForm().validate_on_submit():
        abort(404)
    user = member.user
    # The password is the whole account's: resetting it would let this admin log in as the person's other roles
    # too (another unit, or an admin role). Those are not hers to reset, switched-off roles included, since a
    # role's login can be switched back on later.
    if any(x.id != member.id for x in user.memberships):
        flash(_('该账号还有其他单位或管理员角色，请联系省级学时办重置密码'), 'danger')
        return redirect(request.referrer or url_for('unit.staff'))
    reset_to_default(user, m)
    flash(_('已将 %(name)s 的密码重置为初始密码（身份证号后 6 位），其下次登录须修改密码', name=user.name), 'success')
    return redirect(request.referrer or url_for('unit.staff'))


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
    if request.method == 'POST':
        if not FlaskForm().validate_on_submit():
            abort(400)
        action, department_id = request.form.get('action'), _department_id(request.form.get('department_id'))
        name = request.form.get('name', '')
        if action == 'add':
            attempt(lambda: ops.add_department(m, name), _('已新增部门'))
        elif action == 'rename':
            attempt(lambda: ops.rename_department(m, department_id, name), _('已修改部门名称'))
        elif action == 'delete':
            attempt(lambda: ops.delete_department(m, department_id), _('已删除部门'))
        else:
            abort(400)
        return redirect(url_for('unit.departments'))
    counts = dict(db.session.execute(select(Membership.department_id, func.count(Membership.id)).where(
        Membership.org_id == m.org_id, Membership.department_id.is_not(None)).group_by(Membership.department_id)).all())
    return render_template('unit/departments.html', departments=m.org.departments, counts=counts, form=FlaskForm(),
                           principal=m.department_id is None)


@bp.route('/admins', methods=['GET', 'POST'])
@login_required
@role_required(UNIT_ADMIN)
def admins():
    m = current_membership()
    if request.method == 'POST':
        if not FlaskForm().validate_on_submit():
            abort(400)
        action = request.form.get('action')
        department_id = _department_id(request.form.get('department_id'))
        allowed = request.form.get('login_allowed') == 'y'
        target = request.form.get('membership_id', type=int)
        if action == 'add':
            attempt(lambda: ops.add_admin(m, request.form.get('name', ''), request.form.get('id_number', ''),
                                          department_id, allowed),
                    _('已添加管理员，初始密码为其身份证号后 6 位'))
        elif action == 'update' and target:
            attempt(lambda: ops.update_admin(m, target, department_id, allowed), _('已保存'))
        elif action == 'delete' and target:
            attempt(lambda: ops.remove_admin(m, target), _('已删除管理员'))
        else:
            abort(400)
        return redirect(url_for('unit.admins'))
    return render_template('unit/admins.html', admins=ops.admins(m), departments=m.org.departments, form=FlaskForm(),
                           principal=m.department_id is None)


@bp.route('/staff/<int:membership_id>/department', methods=['POST'])
@login_required
@role_required(UNIT_ADMIN)
def assign_department(membership_id: int):
    m = current_membership()
    if not FlaskForm().validate_on_submit():
        abort(400)
    attempt(lambda: ops.assign_department(m, membership_id, _department_id(request.form.get('department_id'))),
            _('已分配部门'))
    return redirect(request.referrer or url_for('unit.staff'))


@bp.route('/my-department', methods=['GET', 'POST'])
@login_required
@role_required(LEARNER)
def my_department():
    m = current_membership()
    if request.method == 'POST':
        if not FlaskForm().validate_on_submit():
            abort(400)
        attempt(lambda: ops.choose_department(m, _department_id(request.form.get('department_id'))),
                _('已保存本人部门'))
        return redirect(url_for('unit.my_department'))
    return render_template('unit/my_department.html', departments=m.org.departments, form=FlaskForm(), m=m)
