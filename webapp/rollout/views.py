"""Province pages: rule impact preview, instance migration, instance view."""
from flask import abort, flash, render_template, request
from flask_login import login_required

from sqlalchemy import or_, select

from models import FlowLog, ProcessVersion, WorkItem, db
from models.people import PROVINCE_ADMIN

from ..exports import wants_export, xlsx_response
from ..permissions import current_membership, role_required
from . import bp, impact, migration


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


@bp.route('/')
@login_required
@role_required(PROVINCE_ADMIN)
def processes():
    """流程与规则: every process with its versions and running instances per version; the credit table's versions."""
    m = current_membership()
    return render_template('rollout/processes.html', processes=migration.processes(m.org_id),
                           tables=impact.table_versions())


@bp.route('/migrate', methods=['GET', 'POST'])
@login_required
@role_required(PROVINCE_ADMIN)
def migrate():
    """实例迁移: check the running instances of a version against a target version, then migrate the chosen ones."""
    m = current_membership()
    values = request.form if request.method == 'POST' else request.args
    source_id, target_id = values.get('source', type=int), values.get('target', type=int)
    source = db.session.get(ProcessVersion, source_id or 0)
    if source is None or source.kind != 'bpmn':
        abort(404)
    versions = [v for v in migration.process_versions(source.key) if v.id != source.id]
    checks, outcomes = None, None
    if target_id:
        try:
            if request.method == 'POST':
                ids = [int(i) for i in request.form.getlist('instance_id') if i.isdigit()]
                outcomes = migration.migrate(m, source_id, target_id, ids)
                done = sum(o.migrated for o in outcomes)
                flash(f'已迁移 {done} 个流程实例，{len(outcomes) - done} 个未迁移',
                      'success' if done == len(outcomes) else 'warning')
            checks = migration.check(m, source_id, target_id)
        except migration.MigrationError as exc:
            flash(str(exc), 'danger')
    return render_template('rollout/migrate.html', source=source, versions=versions, target_id=target_id,
                           checks=checks, outcomes=outcomes)


@bp.route('/instances/<int:instance_id>')
@login_required
@role_required(PROVINCE_ADMIN)
def instance(instance_id: int):
    """流程实例: its own version's diagram with the waiting task highlighted, its work items and its history."""
    m = current_membership()
    inst = migration.instance_for(m, instance_id)
    if inst is None:
        abort(404)
    items = db.session.scalars(select(WorkItem).where(WorkItem.instance_id == inst.id).order_by(WorkItem.id)).all()
    logs = db.session.scalars(select(FlowLog).where(or_(
        (FlowLog.subject_type == inst.subject_type) & (FlowLog.subject_id == inst.subject_id),
        (FlowLog.subject_type == 'workflow_instance') & (FlowLog.subject_id == inst.id))).order_by(FlowLog.id)).all()
    waiting = sorted({i.task_name for i in items if i.completed_at is None})
    return render_template('rollout/instance.html', instance=inst, items=items, logs=logs, waiting=waiting)
