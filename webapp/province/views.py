"""Province settings: the open registration window (登记开放日期)."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from models import RegistrationWindow, SupplementWindow
from models.people import PROVINCE_ADMIN

from ..permissions import current_membership, role_required
from ..supplements import operations as supplements
from . import bp, operations as ops, queries
from .forms import WindowForm


def _window_page(model, default, save, saved, endpoint: str, template: str):
    """登记开放日期 / 增补开放日期: *save* (an operation) stores the dates; *saved* says so
    (a message of the request's language)."""
    m = current_membership()
    current = ops.stored_window(model, m.org_id)
    form = WindowForm(obj=current or default(m.org_id))
    if form.validate_on_submit():
        save(m, form.year.data, form.opens_on.data, form.closes_on.data)
        flash(saved, 'success')
        return redirect(url_for(endpoint))
    return render_template(template, form=form, current=default(m.org_id) or current), \
        422 if request.method == 'POST' else 200


@bp.route('/window', methods=['GET', 'POST'])
@login_required
@role_required(PROVINCE_ADMIN)
def window():
    return _window_page(RegistrationWindow, lambda _province: None, ops.set_registration_window,
                        _('登记开放日期已保存'), 'province.window', 'province/window.html')


@bp.route('/supplement-window', methods=['GET', 'POST'])
@login_required
@role_required(PROVINCE_ADMIN)
def supplement_window():
    """增补开放日期: by default 1–20 January for the previous year (seed 000); the province may set other dates."""
    return _window_page(SupplementWindow, supplements.window_for, ops.set_supplement_window,
                        _('增补开放日期已保存'), 'province.supplement_window', 'province/supplement_window.html')


@bp.route('/timers')
@login_required
@role_required(PROVINCE_ADMIN)
def timers():
    """定时任务: what the worker has due, every instance whose timer failed (error, attempts, next retry), and the
    published diagrams and decision tables that failed while they ran."""
    m = current_membership()
    due_now, due_day = queries.timers_due(m.org_id)
    return render_template('province/timers.html', due_now=due_now, due_day=due_day,
                           failing=queries.failing_timers(m.org_id), failures=queries.process_failures(m.org_id))
