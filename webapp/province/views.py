"""Province settings: the open registration window (登记开放日期)."""
from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import func, select

from models import RegistrationWindow, SupplementWindow, WorkflowInstance, db, utcnow
from models.people import PROVINCE_ADMIN

from .. import audit, timers as timer_jobs
from ..claims import operations as claims
from ..supplements import operations as supplements
from ..permissions import current_membership, role_required
from . import bp
from .forms import WindowForm


def _window_page(model, default, moved, label: str, describe, endpoint: str, template: str):
    """登记开放日期 / 增补开放日期: one row per province; saving re-times what waits for the window to close."""
    m = current_membership()
    current = db.session.scalar(select(model).where(model.province_id == m.org_id))
    form = WindowForm(obj=current or default(m.org_id))
    if form.validate_on_submit():
        if current is None:
            current = model(province_id=m.org_id)
            db.session.add(current)
        form.populate_obj(current)
        current.updated_by_id = m.user_id
        db.session.flush()
        count = moved(m.org_id)
        audit.log(model.__tablename__, current.id, f'设置{label}', m,
                  f'{describe(current)}：{current.opens_on} 至 {current.closes_on}；{count} 条未提交事项的截止时间随之调整')
        flash(_('%(label)s已保存', label=label), 'success')
        return redirect(url_for(endpoint))
    return render_template(template, form=form, current=default(m.org_id) or current), \
        422 if request.method == 'POST' else 200


@bp.route('/window', methods=['GET', 'POST'])
@login_required
@role_required(PROVINCE_ADMIN)
def window():
    return _window_page(RegistrationWindow, lambda _province: None, claims.window_changed, '登记开放日期',
                        lambda w: f'{w.year} 年度', 'province.window', 'province/window.html')


@bp.route('/supplement-window', methods=['GET', 'POST'])
@login_required
@role_required(PROVINCE_ADMIN)
def supplement_window():
    """增补开放日期: by default 1–20 January for the previous year (seed 000); the province may set other dates."""
    return _window_page(SupplementWindow, supplements.window_for, supplements.window_changed, '增补开放日期',
                        lambda w: f'增补 {w.year} 年度', 'province.supplement_window',
                        'province/supplement_window.html')


@bp.route('/timers')
@login_required
@role_required(PROVINCE_ADMIN)
def timers():
    """定时任务: what the worker has due, and every instance whose timer failed (error, attempts, next retry)."""
    m = current_membership()
    now = utcnow()
    due_now = db.session.scalar(select(func.count(WorkflowInstance.id)).where(*timer_jobs.due_condition(now)))
    due_day = db.session.scalar(select(func.count(WorkflowInstance.id)).where(
        *timer_jobs.due_condition(now + timedelta(days=1))))
    failing = [i for i in db.session.scalars(select(WorkflowInstance).where(WorkflowInstance.timer_failures > 0)
                                             .order_by(WorkflowInstance.timer_retry_at))
               if timer_jobs.PROVINCE_OF.get(i.subject_type, lambda _id: None)(i.subject_id) == m.org_id]
    return render_template('province/timers.html', due_now=due_now, due_day=due_day, failing=failing)
