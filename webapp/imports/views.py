"""【导入学员培训信息】 pages: template download, upload, progress and per-row results (unit admins)."""
import io

from flask import abort, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import login_required

from models import ImportJob
from models.people import UNIT_ADMIN

from ..catalogue import catalogue_for
from ..claims.queries import statuses
from ..exports import XLSX
from ..permissions import current_membership, role_required
from ..refusals import Refused, refused
from ..workflow.catalog import DRAFT
from . import bp, operations as ops, queries
from .forms import UploadForm


def _job_or_404(job_id: int) -> ImportJob:
    job = queries.job_of(current_membership(), job_id)
    if job is None:
        abort(404)
    return job


@bp.route('/', methods=['GET', 'POST'])
@login_required
@role_required(UNIT_ADMIN)
def index():
    form = UploadForm()
    if form.validate_on_submit():
        if (again := form.repeated()) is not None:
            return again
        upload = form.file.data
        try:
            job = ops.start_import(current_membership(), getattr(upload, 'filename', ''),
                                   upload.read() if upload else b'', bool(form.pledge.data))
        except Refused as exc:
            refused(exc)
        else:
            flash(_('文件已上传，共 %(n)d 行，正在逐行导入', n=job.total_rows), 'success')
            if before := ops.imported_before(job):
                flash(_('同一文件此前已导入 %(n)d 行：这些行不会重复创建', n=before), 'info')
            return redirect(form.created(url_for('imports.job', job_id=job.id), job))
    jobs = queries.recent_jobs(current_membership())
    return render_template('imports/index.html', form=form, jobs=jobs), 422 if request.method == 'POST' else 200


@bp.route('/template.xlsx')
@login_required
@role_required(UNIT_ADMIN)
def template():
    catalogue = catalogue_for(current_membership().org.province.id)
    return send_file(io.BytesIO(ops.template(catalogue)), mimetype=XLSX, as_attachment=True,
                     download_name=_('导入学员培训信息模板') + '.xlsx')


@bp.route('/<int:job_id>')
@login_required
@role_required(UNIT_ADMIN)
def job(job_id: int):
    job = _job_or_404(job_id)
    failed = [r for r in job.results or [] if not r['ok']]
    skipped = sum(1 for r in job.results or [] if r.get('skipped'))
    # what imported rows wait as
    draft = next((label for label, meaning in statuses(current_membership()) if meaning == DRAFT), '')
    return render_template('imports/job.html', job=job, failed=failed, skipped=skipped, draft_status=draft)


@bp.route('/<int:job_id>/progress')
@login_required
@role_required(UNIT_ADMIN)
def progress(job_id: int):
    job = _job_or_404(job_id)
    return jsonify(status=job.status, total=job.total_rows, done=job.done_rows, ok=job.ok_rows,
                   failed=job.failed_rows, error=job.error)
