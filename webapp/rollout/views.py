"""Province pages: rule impact preview, instance migration, instance view."""
from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from models import ProcessVersion, db
from models.people import PROVINCE_ADMIN
from models.workbench import IMPACT, MIGRATION
from models.workflow import BPMN, PUBLISHED

from ..exports import wants_export, xlsx_response
from ..numbers import row_id
from ..permissions import current_membership, role_required
from . import bp, impact, jobs, migration, queries


@bp.route('/impact')
@login_required
@role_required(PROVINCE_ADMIN)
def impact_page():
    """规则影响预览: replay a year's approved claims through a credit-table version before it is published."""
    m = current_membership()
    versions = impact.table_versions(m.org_id)
    years = impact.years(m.org_id)
    version = db.session.get(ProcessVersion, request.args.get('version', type=int) or 0)
    year = request.args.get('year', type=int)
    result = None
    if version is not None and year is not None:
        if version not in versions:
            abort(404)
        if impact.count(year, m.org_id) > current_app.config['ROLLOUT_SYNC_CLAIMS']:
            # too many to answer within the request: the worker replays them while the job page shows progress
            job = jobs.queue_impact(m, version, year)
            db.session.commit()
            return redirect(url_for('rollout.job', job_id=job.id))
        try:
            result = impact.preview(version, year, m.org_id)
        except impact.ImpactError as exc:
            flash(str(exc), 'danger')
        else:
            if wants_export(request.args):
                return _export(result, version)
    return render_template('rollout/impact.html', versions=versions, years=years, version=version, year=year,
                           result=result, changed=_changed_page(result))


@bp.route('/')
@login_required
@role_required(PROVINCE_ADMIN)
def processes():
    """The process list lives in the workbench (流程与规则); this address stays for old bookmarks."""
    return redirect(url_for('workbench.index'))


@bp.route('/migrate', methods=['GET', 'POST'])
@login_required
@role_required(PROVINCE_ADMIN)
def migrate():
    """实例迁移: check the running instances of a version against a target version, then migrate the chosen ones."""
    m = current_membership()
    values = request.form if request.method == 'POST' else request.args
    source_id, target_id = values.get('source', type=int), values.get('target', type=int)
    source = db.session.get(ProcessVersion, source_id or 0)
    if source is None or source.kind != BPMN or source.province_id != m.org_id:
        abort(404)
    versions = [v for v in migration.process_versions(m.org_id, source.key)
                if v.status == PUBLISHED and v.version > source.version]
    checks, outcomes = None, None
    if target_id:
        try:
            if request.method == 'POST':
                ids = [i for i in map(row_id, request.form.getlist('instance_id')) if i is not None]
                if len(ids) > current_app.config['ROLLOUT_SYNC_INSTANCES']:
                    job = jobs.queue_migration(m, source_id, target_id, ids)
                    db.session.commit()
                    return redirect(url_for('rollout.job', job_id=job.id))
                outcomes = migration.migrate(m, source_id, target_id, ids)
                done = sum(o.migrated for o in outcomes)
                flash(_('已迁移 %(done)s 个流程实例，%(left)s 个未迁移', done=done, left=len(outcomes) - done),
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
    items = queries.work_items(inst)
    return render_template('rollout/instance.html', instance=inst, items=items, logs=queries.history(inst),
                           waiting=queries.waiting_tasks(items))


def _export(result: impact.Impact, version):
    """An impact preview's changed claims as .xlsx."""
    return xlsx_response(impact.export_name(result.year, version), impact.EXPORT_HEADERS, impact.export_rows(result),
                         sheet=impact.EXPORT_SHEET)


def _changed_page(result: impact.Impact | None):
    return impact.changed_page(result, request.args.get('page', 1, type=int) or 1) if result else None


def _job_or_404(job_id: int):
    job = jobs.job_for(current_membership(), job_id)
    if job is None:
        abort(404)
    return job


@bp.route('/jobs/<int:job_id>')
@login_required
@role_required(PROVINCE_ADMIN)
def job(job_id: int):
    """后台任务: a large impact preview or migration batch — a progress bar while the worker runs, then its result."""
    job = _job_or_404(job_id)
    version = db.session.get(ProcessVersion, job.params.get('version_id') or job.params.get('source_id'))
    result = _job_result(job, version)
    target = db.session.get(ProcessVersion, job.params.get('target_id') or 0)
    return render_template('rollout/job.html', job=job, result=result, version=version, target=target,
                           changed=_changed_page(result),
                           outcomes=jobs.outcomes(job) if job.kind == MIGRATION else None)


@bp.route('/jobs/<int:job_id>/progress')
@login_required
@role_required(PROVINCE_ADMIN)
def job_progress(job_id: int):
    job = _job_or_404(job_id)
    return jsonify(status=job.status, total=job.total, done=job.done, error=job.error)


@bp.route('/jobs/<int:job_id>/export')
@login_required
@role_required(PROVINCE_ADMIN)
def job_export(job_id: int):
    """The full list of an impact job's changed claims, as .xlsx."""
    job = _job_or_404(job_id)
    if job.kind != IMPACT or not job.result:
        abort(404)
    version = db.session.get(ProcessVersion, job.params['version_id'])
    return _export(_job_result(job, version), version)


def _job_result(job, version) -> impact.Impact | None:
    if job.kind != IMPACT or not job.result:
        return None
    result = impact.Impact.from_json(job.result)
    result.province_id = job.membership.org_id
    if not result.table and version is not None:  # stored before results kept their table
        result.table = version.content
    return result
