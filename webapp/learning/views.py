"""Province staff: learning platforms of their province (create, token shown once, deactivate), upload of a
platform's export, API documentation. Learners: their learning records."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from models.learning import LEARNING_CATEGORIES
from models.people import LEARNER, PROVINCE_ADMIN

from ..dates import today
from ..permissions import current_membership, role_required
from ..refusals import Refused, refused
from . import bp
from . import operations as ops, queries
from .files import read_upload
from .forms import ActionForm, PlatformForm, UploadForm


def _platform(platform_id: int):
    platform = ops.platform_of(current_membership(), platform_id)
    if platform is None:  # not there, or another province's
        abort(404)
    return platform


@bp.route('/province/platforms', methods=['GET', 'POST'])
@login_required
@role_required(PROVINCE_ADMIN)
def platforms():
    m = current_membership()
    form = PlatformForm()
    if form.validate_on_submit():
        try:
            platform, token = ops.create_platform(m, form.name.data)
        except Refused as exc:
            refused(exc, form)
        else:
            # Shown once, on this very response: the token is not stored, nor put in a flash message (cookie).
            return render_template('learning/created.html', platform=platform, token=token)
    return render_template('learning/platforms.html', form=form, platforms=queries.platforms_of(m),
                           action_form=ActionForm()), 422 if request.method == 'POST' else 200


@bp.post('/province/platforms/<int:platform_id>/<any(deactivate, activate):action>')
@login_required
@role_required(PROVINCE_ADMIN)
def set_active(platform_id: int, action: str):
    platform = _platform(platform_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        ops.set_active(current_membership(), platform, action == 'activate')
    except Refused as exc:
        refused(exc)
    else:
        flash(_('已启用“%(name)s”', name=platform.name) if platform.active else
              _('已停用“%(name)s”，其令牌不能再报送记录', name=platform.name), 'success')
    return redirect(url_for('learning.platforms'))


@bp.route('/province/platforms/<int:platform_id>/upload', methods=['GET', 'POST'])
@login_required
@role_required(PROVINCE_ADMIN)
def upload(platform_id: int):
    """Upload a platform's export; every row is checked like an API record and gets its own result."""
    m = current_membership()
    platform = _platform(platform_id)
    form = UploadForm()
    results = rows = None
    if form.validate_on_submit():
        try:
            rows = read_upload(form.file.data.filename, form.file.data.read())
        except Refused as exc:
            refused(exc, form)
        else:
            results = ops.import_records(platform, [record for _row, record in rows], m)
            counts = ops.summary(results)
            flash(_('导入完成：新增 %(created)s 条，重复 %(duplicates)s 条，失败 %(errors)s 条', **counts),
                  'success' if not counts['errors'] else 'warning')
    status = 422 if request.method == 'POST' and results is None else 200
    return render_template('learning/upload.html', platform=platform, form=form, results=results,
                           row_numbers=[number for number, _record in rows] if rows else []), status


@bp.route('/province/platforms/api')
@login_required
@role_required(PROVINCE_ADMIN)
def api_docs():
    return render_template('learning/api_docs.html', today=today())


@bp.route('/learning/mine')
@login_required
@role_required(LEARNER)
def mine():
    m = current_membership()
    return render_template('learning/mine.html', records=queries.records_of(m.user_id),
                           labels={key: _(label) for key, label in LEARNING_CATEGORIES.items()})


@bp.app_template_global()
def learning_records_of(learner_id: int, year: int | None = None):
    """The learner's records (of one year) for pages outside this package, e.g. 培训总体查询."""
    return queries.records_of(learner_id, year)
