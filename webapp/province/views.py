"""Province settings: the open registration window (登记开放日期)."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from models import RegistrationWindow, db
from models.people import PROVINCE_ADMIN

from .. import audit
from ..claims.forms import WindowForm
from ..permissions import current_membership, role_required
from . import bp


@bp.route('/window', methods=['GET', 'POST'])
@login_required
@role_required(PROVINCE_ADMIN)
def window():
    m = current_membership()
    current = db.session.scalar(select(RegistrationWindow).where(RegistrationWindow.province_id == m.org_id))
    form = WindowForm(obj=current)
    if form.validate_on_submit():
        if current is None:
            current = RegistrationWindow(province_id=m.org_id)
            db.session.add(current)
        form.populate_obj(current)
        current.updated_by_id = m.user_id
        db.session.flush()
        audit.log('registration_window', current.id, '设置登记开放日期', m,
                  f'{current.year} 年度：{current.opens_on} 至 {current.closes_on}')
        flash(_('登记开放日期已保存'), 'success')
        return redirect(url_for('province.window'))
    return render_template('province/window.html', form=form, current=current), \
        422 if request.method == 'POST' else 200
