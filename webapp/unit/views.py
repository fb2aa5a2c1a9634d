"""人员管理 for unit admins: the unit's staff (a secondary admin: her department's), searchable, exportable, and
password reset to the initial password (last six of the ID number; the next login must change it)."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from flask_wtf import FlaskForm
from sqlalchemy import or_, select

from models import Membership, User, db
from models.people import LEARNER, UNIT_ADMIN

from .. import audit
from ..auth.security import default_password
from ..exports import wants_export, xlsx_response
from ..permissions import current_membership, role_required
from . import bp


def staff_query(m: Membership):
    """Learner memberships of my unit, or of my department when I am a secondary admin."""
    query = select(Membership).join(User, Membership.user_id == User.id).where(
        Membership.role == LEARNER, Membership.org_id == m.org_id)
    if m.department_id is not None:
        query = query.where(Membership.department_id == m.department_id)
    return query


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
    return render_template('unit/staff.html', page=page, q=q, form=FlaskForm())


@bp.route('/staff/<int:membership_id>/reset-password', methods=['POST'])
@login_required
@role_required(UNIT_ADMIN)
def reset_password(membership_id: int):
    m = current_membership()
    member = db.session.scalar(staff_query(m).where(Membership.id == membership_id))
    if member is None or not FlaskForm().validate_on_submit():
        abort(404)
    user = member.user
    user.set_password(default_password(user.id_number))
    user.must_change_password = True
    audit.log('user', user.id, '重置密码', m, f'{user.name}（{user.masked_id_number}）的密码已重置为初始密码')
    flash(_('已将 %(name)s 的密码重置为初始密码（身份证号后 6 位），其下次登录须修改密码', name=user.name), 'success')
    return redirect(request.referrer or url_for('unit.staff'))
