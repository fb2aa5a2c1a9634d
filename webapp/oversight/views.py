"""下属机构管理 (seed 004) for supervising departments, the province and parent units: the organisations below the
current role, level by level or searched through the sub-tree, with their figures and an export; a unit's page with
its admins, what waits there and its staff's progress (read-only above the unit). Every page is scoped to the current
membership's organisation and what is below it."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import login_required

from models import Organisation, db
from models.people import HR_ADMIN, PROVINCE_ADMIN, SUPERVISOR_ADMIN, UNIT_ADMIN

from ..certificates import operations as cert_ops, queries as cert_queries
from ..i18n import _l
from ..exports import wants_export, xlsx_response
from ..numbers import row_id
from ..pagination import RowPage, paginate
from ..permissions import (below, current_membership, hr_care, hr_care_heads, hr_care_set, oversees, oversight_root,
                           role_required)
from ..refusals import attempt
from ..catalogue import member_pathways
from . import bp, dashboard as figures_of, operations as ops, queries, stats
from .forms import OrgAdminForm

OVERSEERS = (SUPERVISOR_ADMIN, PROVINCE_ADMIN, HR_ADMIN, UNIT_ADMIN)
MAX_QUERY = 100


def _overseer():
    m = current_membership()
    if not oversees(m):
        abort(403)
    return m


def _year() -> int:
    current = queries.current_year()
    year = request.args.get('year', type=int)
    return year if year is not None and 2000 <= year <= current + 1 else current


def _org_below(m, org_id: int) -> Organisation:
    """An organisation below the current role's own, or 404 (someone else's looks the same as none)."""
    org = db.session.get(Organisation, org_id)
    if org is None or not below(m, org.id):
        abort(404)
    return org


def _path(m, org: Organisation) -> list[Organisation]:
    """The breadcrumbs from the current role's root down to *org*."""
    return queries.breadcrumbs(oversight_root(m), org, care=hr_care(m) is not None)


def _requirement(m):
    """The year's requirement, or None (told why) while it cannot be read: the lists then show no completion."""
    try:
        return queries.requirement_of(oversight_root(m))
    except cert_ops.CertificateError as exc:
        flash(exc.message, 'warning')
        return None


@bp.route('/units')
@login_required
@role_required(*OVERSEERS)
def units():
    m = _overseer()
    root = oversight_root(m)
    parent_id = request.args.get('parent', type=int)
    parent = root if parent_id in (None, root.id) else _org_below(m, parent_id)
    q = (request.args.get('q') or '').strip()[:MAX_QUERY]
    year = _year()
    req = _requirement(m)
    care = hr_care_set(m)
    if wants_export(request.args):
        return xlsx_response(*queries.units_export(parent.id, q, year, req, care))
    page = paginate(queries.units(parent.id, q, care))
    found = queries.figures([o.id for o in page.items], year, req)
    return render_template('oversight/units.html', page=page, figures=found, parent=parent, q=q, year=year,
                           years=cert_queries.years(), path=_path(m, parent), req=req, root=root)


@bp.route('/units/<int:org_id>')
@login_required
@role_required(*OVERSEERS)
def unit(org_id: int):
    m = _overseer()
    org = _org_below(m, org_id)
    year = _year()
    only_unmet = request.args.get('unmet') == '1'
    view = queries.UnitView(org)
    per_page = current_app.config['PAGE_SIZE']
    try:
        if wants_export(request.args):
            return xlsx_response(*cert_queries.staff_export(view, year, only_unmet))
        page, met, unmet = cert_queries.staff_progress(view, year, only_unmet, request.args.get('page', 1, type=int),
                                                       per_page)
    except cert_ops.CertificateError as exc:
        flash(exc.message, 'warning')
        page, met, unmet = RowPage([], 1, per_page, 0), 0, 0
    found = queries.figures([org.id], year, None, staff=False)[org.id]  # the staff's counts are the list's
    return render_template('oversight/unit.html', org=org, page=page, met=met, unmet=unmet, year=year,
                           years=cert_queries.years(), only_unmet=only_unmet, figures=found,
                           pending=queries.pending_by_step(org.id), path=_path(m, org))


# ---- admins of a supervising department or the province -----------------------------------------------------------

ADMIN_DONE = {'add': _l('已新增管理员，初始密码为其身份证号后 6 位，首次登录须修改'), 'disable': _l('已停用该管理员'),
              'enable': _l('已启用该管理员'), 'reset': _l('已将该管理员的密码重置为初始密码（身份证号后 6 位）'),
              'delete': _l('已删除管理员'), 'handover': _l('已移交超级管理员，原超级管理员的角色不再保留')}


@bp.route('/admins', methods=['GET', 'POST'], defaults={'org_id': None})
@bp.route('/orgs/<int:org_id>/admins', methods=['GET', 'POST'])
@login_required
@role_required(SUPERVISOR_ADMIN, PROVINCE_ADMIN, HR_ADMIN)
def admins(org_id: int | None):
    """本级机构管理员 (its own organisation's) or, from above, an organisation's below."""
    m = current_membership()
    org = m.org if org_id in (None, m.org_id) else _org_below(m, org_id)
    if org.kind not in ops.ADMIN_ROLES:
        abort(404)
    form = OrgAdminForm()
    here = url_for('oversight.admins', org_id=None if org.id == m.org_id else org.id)
    if request.method == 'POST':
        if not form.validate_on_submit():
            abort(400)
        action, target = form.action.data, row_id(form.membership_id.data)
        if action != 'add' and target is None:
            abort(400)
        operation = {
            'add': lambda: ops.add_admin(m, org, form.name.data or '', form.id_number.data or ''),
            'disable': lambda: ops.set_login(m, org, target, False),
            'enable': lambda: ops.set_login(m, org, target, True),
            'reset': lambda: ops.reset_password(m, org, target),
            'delete': lambda: ops.remove_admin(m, org, target),
            'handover': lambda: ops.hand_over(m, org, target),
        }[action]
        if attempt(operation, ADMIN_DONE[action]) and action == 'handover' and org.id == m.org_id:
            return redirect(url_for('main.home'))  # she handed her own role over: it is gone
        return redirect(here)
    path = _path(m, org)
    return render_template('oversight/admins.html', org=org, admins=ops.admins(org), form=form, path=path,
                           manages=ops.may_manage(m, org), own=org.id == m.org_id)


# ---- 统计看板 --------------------------------------------------------------------------------------------------

def _dashboard(m, scope, endpoint: str, **shown):
    """A dashboard page of *scope*'s figures (filtered by year and pathway), or ?export=<figure>: its table."""
    year = _year()
    pathway = request.args.get('pathway') or None
    pathways = member_pathways(m)
    if pathway is not None and pathway not in pathways:
        pathway = None
    export = request.args.get('export')
    if export is not None:
        if export not in (figures_of.UNIT_FIGURES if scope.by_department else figures_of.FIGURES):
            abort(404)
        table = figures_of.tables(scope, year, pathway, export)[export]
        return xlsx_response(table.title, [str(c) for c in table.columns], table.rows)
    return render_template('oversight/dashboard.html', year=year, kept_years=stats.years(),
                           years_shown=cert_queries.years(), pathway=pathway, pathways=pathways,
                           tables=figures_of.tables(scope, year, pathway), refreshed_at=stats.refreshed_at(),
                           endpoint=endpoint, **shown)


@bp.route('/dashboard')
@login_required
@role_required(SUPERVISOR_ADMIN, PROVINCE_ADMIN, HR_ADMIN)
def dashboard():
    """The figures of the organisations below the current role's (or below one of them: ?org=), filtered by year and
    pathway; ?export=<figure> downloads one figure's table."""
    m = _overseer()
    org_id = request.args.get('org', type=int)
    top = oversight_root(m)
    root = top if org_id in (None, top.id) else _org_below(m, org_id)
    heads = hr_care_heads(m) if root is top else None  # a city's 人社局: its units are not below it in the tree
    return _dashboard(m, figures_of.Scope(root.id, heads=heads), 'oversight.dashboard', root=root, top=top,
                      path=_path(m, root))


@bp.route('/unit-dashboard')
@login_required
@role_required(UNIT_ADMIN)
def unit_dashboard():
    """A unit admin's figures of her unit by department (a secondary admin's: her department's only)."""
    m = current_membership()
    scope = figures_of.Scope(m.org_id, by_department=True, department_id=m.department_id)
    return _dashboard(m, scope, 'oversight.unit_dashboard', root=m.org, top=m.org, path=[], department=m.department)
