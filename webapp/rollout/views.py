"""Province pages: rule impact preview, instance migration, instance view."""
from flask import abort, flash, render_template, request
from flask_login import login_required

from models import ProcessVersion, db
from models.people import PROVINCE_ADMIN

from ..exports import wants_export, xlsx_response
from ..permissions import current_membership, role_required
from . import bp, impact


@bp.route('/impact')
@login_required
@role_required(PROVINCE_ADMIN)
def impact_page():
    """规则影响预览: replay a year's approved claims through a credit-table version before it is published."""
    m = current_membership()
    versions = impact.table_versions()
    years = impact.years(m.org_id)
    version = db.session.get(ProcessVersion, request.args.get('version', type=int) or 0)
    year = request.args.get('year', type=int)
    result = None
    if version is not None and year is not None:
        if version not in versions:
            abort(404)
        try:
            result = impact.preview(version, year, m.org_id)
        except impact.ImpactError as exc:
            flash(str(exc), 'danger')
        else:
            if wants_export(request.args):
                return xlsx_response(f'规则影响预览-{year}-v{version.version}', impact.EXPORT_HEADERS,
                                     impact.export_rows(result), sheet='学时变化')
    return render_template('rollout/impact.html', versions=versions, years=years, version=version, year=year,
                           result=result, shown=200)
