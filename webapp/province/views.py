"""Province settings: the open registration window (登记开放日期)."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from models import RegistrationWindow, SupplementWindow, db
from models.people import PROVINCE_ADMIN

from .. import audit
from ..claims import operations as claims
from ..claims.forms import WindowForm
from ..supplements import operations as supplements
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
        moved = claims.window_changed(m.org_id)
        audit.log('registration_window', current.id, '设置登记开放日期', m,
                  f'{current.year} 年度：{current.opens_on} 至 {current.closes_on}；{moved} 条草稿的截止时间随之调整')
        flash(_('登记开放日期已保存'), 'success')
        return redirect(url_for('province.window'))
    return render_template('province/window.html', form=form, current=current), \
        422 if request.method == 'POST' else 200


@bp.route('/supplement-window', methods=['GET', 'POST'])
@login_required
@role_required(PROVINCE_ADMIN)
def supplement_window():
    """增补开放日期: by default 1–20 January for the previous year (seed 000); the province may set other dates."""
    m = current_membership()
    current = db.session.scalar(select(SupplementWindow).where(SupplementWindow.province_id == m.org_id))
    form = WindowForm(obj=current or supplements.window_for(m.org_id))
    if form.validate_on_submit():
        if current is None:
            current = SupplementWindow(province_id=m.org_id)
            db.session.add(current)
        form.populate_obj(current)
        current.updated_by_id = m.user_id
        db.session.flush()
        moved = supplements.window_changed(m.org_id)
        audit.log('supplement_window', current.id, '设置增补开放日期', m,
                  f'增补 {current.year} 年度：{current.opens_on} 至 {current.closes_on}；{moved} 条未上报申请的截止时间随之调整')
        flash(_('增补开放日期已保存'), 'success')
        return redirect(url_for('province.supplement_window'))
    return render_template('province/supplement_window.html', form=form, current=supplements.window_for(m.org_id)), \
        422 if request.method == 'POST' else 200


@bp.route('/timers')
@login_required
@role_required(PROVINCE_ADMIN)
def timers():
    """定时任务: what the worker has due, and every instance whose timer failed (error, attempts, next retry)."""
    from datetime import timedelta

    from sqlalchemy import func

    from models import WorkflowInstance, utcnow

    from .. import timers as timer_jobs
    m = current_membership()
    now = utcnow()
    due_now = db.session.scalar(select(func.count(WorkflowInstance.id)).where(*timer_jobs.due_condition(now)))
    due_day = db.session.scalar(select(func.count(WorkflowInstance.id)).where(
        *timer_jobs.due_condition(now + timedelta(days=1))))
    failing = [i for i in db.session.scalars(select(WorkflowInstance).where(WorkflowInstance.timer_failures > 0)
                                             .order_by(WorkflowInstance.timer_retry_at))
               if timer_jobs.PROVINCE_OF.get(i.subject_type, lambda _id: None)(i.subject_id) == m.org_id]
    return render_template('province/timers.html', due_now=due_now, due_day=due_day, failing=failing)
