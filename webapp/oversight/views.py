"""下属机构管理 (seed 004) for supervising departments, the province and parent units: the organisations below the
current role, level by level or searched through the sub-tree, with their figures and an export; a unit's page with
its admins, what waits there and its staff's progress (read-only above the unit). Every page is scoped to the current
membership's organisation and what is below it."""
from flask import abort, current_app, flash, render_template, request
from flask_login import login_required

from models import Organisation, db
from models.people import PROVINCE_ADMIN, SUPERVISOR_ADMIN, UNIT_ADMIN

from ..certificates import operations as cert_ops, queries as cert_queries
from ..exports import wants_export, xlsx_response
from ..pagination import RowPage, paginate
from ..permissions import below, current_membership, oversees, role_required
from . import bp, queries

OVERSEERS = (SUPERVISOR_ADMIN, PROVINCE_ADMIN, UNIT_ADMIN)
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


def _requirement(m):
    """The year's requirement, or None (told why) while it cannot be read: the lists then show no completion."""
    try:
        return queries.requirement_of(m.org)
    except cert_ops.CertificateError as exc:
        flash(exc.message, 'warning')
        return None


@bp.route('/units')
@login_required
@role_required(*OVERSEERS)
def units():
    m = _overseer()
    parent_id = request.args.get('parent', type=int)
    parent = m.org if parent_id in (None, m.org_id) else _org_below(m, parent_id)
    q = (request.args.get('q') or '').strip()[:MAX_QUERY]
    year = _year()
    req = _requirement(m)
    if wants_export(request.args):
        return xlsx_response(*queries.units_export(parent.id, q, year, req))
    page = paginate(queries.units(parent.id, q))
    found = queries.figures([o.id for o in page.items], year, req)
    return render_template('oversight/units.html', page=page, figures=found, parent=parent, q=q, year=year,
                           years=cert_queries.years(), path=queries.breadcrumbs(m.org, parent), req=req)


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
                           pending=queries.pending_by_step(org.id), path=queries.breadcrumbs(m.org, org))
