"""Progress, certificate and 学时记录表 pages; the public certificate verification page."""
from io import BytesIO

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import force_locale, gettext as _
from flask_login import login_required

from models import User, db, mask_id_number
from models.people import LEARNER, UNIT_ADMIN

from ..claims import operations as claims_ops
from ..dates import today
from ..pagination import RowPage
from ..permissions import current_membership, role_required
from ..exports import wants_export, xlsx_response
from ..refusals import Refused, flash_errors, refused
from . import bp, operations as ops, queries, verify_bp
from .forms import ConfirmForm, PrintForm, YearForm
from .pdf import certificate_pdf, hour_record_pdf


def _year() -> int:
    """?year=, within a sensible range; the current year otherwise."""
    current = today().year
    year = request.args.get('year', type=int)
    return year if year is not None and 2000 <= year <= current + 1 else current


def _learner_or_404(learner_id: int) -> User:
    """A learner the current role may see (herself, or staff of the unit admin's unit/department); else 404."""
    user = db.session.get(User, learner_id)
    if user is None or not ops.can_see_learner(current_membership(), learner_id):
        abort(404)
    return user


def _chinese(render, *args, **kwargs) -> bytes:
    """The certificate and the 学时记录表 are the province's Chinese documents: rendered in the default language
    whatever language the pages are read in (labels such as 总学时 are lazy texts)."""
    with force_locale(current_app.config['BABEL_DEFAULT_LOCALE']):
        return render(*args, **kwargs)


def _pdf(data: bytes, filename: str, as_attachment: bool = False):
    return send_file(BytesIO(data), mimetype='application/pdf', download_name=filename, as_attachment=as_attachment,
                     max_age=0)


def _learner_context(learner_id: int, year: int) -> dict:
    totals = claims_ops.yearly_totals(learner_id)  # read once: the years offered and the year's progress
    try:
        progress = ops.progress(learner_id, year, totals)
    except ops.CertificateError as exc:
        flash(exc.message, 'danger')
        progress = None
    certificates = queries.certificates_of(learner_id)  # newest first: the year's valid one is the first not voided
    valid = next((c for c in certificates if c.year == year and c.voided_at is None), None)
    return dict(year=year, years=queries.years(learner_id, totals), progress=progress,
                by_pathway=ops.pathway_breakdown(learner_id, year) if progress else [],
                online=ops.online_learning(learner_id, year)[1] if progress else [],
                certificates=certificates, valid=valid,
                confirmation=ops.confirmation(learner_id, year), prints=queries.prints_of(learner_id, year))


# ---- learner -----------------------------------------------------------------------------------------------------

@bp.route('/progress')
@login_required
@role_required(LEARNER)
def progress():
    """年度学时进度: required vs done per part, certificate and 学时记录表."""
    m = current_membership()
    return render_template('certificates/progress.html', learner=m.user, form=YearForm(), own=True,
                           **_learner_context(m.user_id, _year()))


@bp.route('/issue', methods=['POST'])
@login_required
@role_required(LEARNER)
def issue():
    m = current_membership()
    form = YearForm()
    if not form.validate_on_submit():
        flash_errors(form)
        return redirect(url_for('.progress'))
    try:
        cert = ops.issue_certificate(m, form.year.data)
    except Refused as exc:
        refused(exc)
        return redirect(url_for('.progress', year=form.year.data))
    flash(_('合格证书已生成，证书编号 %(number)s', number=cert.number), 'success')
    return redirect(url_for('.progress', year=form.year.data))


@bp.route('/<int:certificate_id>.pdf')
@login_required
@role_required(LEARNER, UNIT_ADMIN)
def certificate_file(certificate_id: int):
    cert = ops.certificate_for(current_membership(), certificate_id)
    if cert is None:
        abort(404)
    url = url_for('verify.verify', code=cert.verification_code, _external=True)
    return _pdf(_chinese(certificate_pdf, cert, url), f'certificate-{cert.number}.pdf')


@bp.route('/record')
@login_required
@role_required(LEARNER)
def record():
    """学时证明打印: confirm the profile (信息核实) once a year, then print; the print log below."""
    m = current_membership()
    year = _year()
    context = _learner_context(m.user_id, year)
    enrolment = ops.enrolment_for(m.user_id, year)
    return render_template('certificates/record.html', learner=m.user, lm=m, confirm_form=ConfirmForm(),
                           print_form=PrintForm(), own=True, enrolment=enrolment,
                           missing=ops.missing_enrolment(context['confirmation'] or enrolment), **context)


@bp.route('/record/confirm', methods=['POST'])
@login_required
@role_required(LEARNER)
def confirm():
    m = current_membership()
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash_errors(form)
        return redirect(url_for('.record'))
    try:
        ops.confirm_profile(m, form.year.data)
    except Refused as exc:
        refused(exc)
    else:
        flash(_('个人资料已核实，%(year)s 年度资料已锁定，可以打印学时记录表', year=form.year.data), 'success')
    return redirect(url_for('.record', year=form.year.data))


@bp.route('/record/print', methods=['POST'])
@login_required
@role_required(LEARNER, UNIT_ADMIN)
def print_record():
    """Each print gets a print-log row with its own number; the PDF comes back at once."""
    m = current_membership()
    form = PrintForm()
    own = m.role == LEARNER
    if not form.validate_on_submit():
        flash_errors(form)
        return redirect(url_for('.record') if own else url_for('.staff'))
    learner_id = m.user_id if own else form.learner_id.data
    if learner_id is None:
        flash(_('请选择人员'), 'danger')
        return redirect(url_for('.staff'))
    learner = _learner_or_404(learner_id)
    if own:
        back = url_for('.record', year=form.year.data)
    else:
        back = url_for('.staff_member', learner_id=learner_id, year=form.year.data)
    try:
        row = ops.print_hour_record(m, learner.id, form.year.data)
        data = _chinese(_record_pdf, learner, form.year.data, row)
    except Refused as exc:
        refused(exc)
        return redirect(back)
    return _pdf(data, f'hour-record-{form.year.data}-{row.number}.pdf', as_attachment=True)


def _record_pdf(learner: User, year: int, row) -> bytes:
    profile = ops.confirmation(learner.id, year)
    lm = ops.learner_membership(learner.id)
    province = lm.org.province if lm is not None else None
    records, online_subtotals = ops.online_learning(learner.id, year)
    return hour_record_pdf(year=year, profile=profile, progress=ops.progress(learner.id, year),
                           claims=ops.relied_claims(learner.id, year), print_row=row,
                           records=records, online_subtotals=online_subtotals,
                           issuer=province.name if province else current_app.config.get('ISSUER_NAME', ''),
                           registered_by_pathway=ops.registered_by_pathway(learner.id, year))


# ---- unit admin --------------------------------------------------------------------------------------------------

@bp.route('/staff')
@login_required
@role_required(UNIT_ADMIN)
def staff():
    """本单位（本部门）人员年度学时达标情况, with a filter 只看未达标."""
    m = current_membership()
    year = _year()
    only_unmet = request.args.get('unmet') == '1'
    per_page = current_app.config['PAGE_SIZE']
    try:
        if wants_export(request.args):
            return xlsx_response(*queries.staff_export(m, year, only_unmet))
        page, met, unmet = queries.staff_progress(m, year, only_unmet, request.args.get('page', 1, type=int), per_page)
    except ops.CertificateError as exc:
        flash(exc.message, 'danger')
        page, met, unmet = RowPage([], 1, per_page, 0), 0, 0
    return render_template('certificates/staff.html', page=page, met=met, unmet=unmet, year=year,
                           years=queries.years(), only_unmet=only_unmet)


@bp.route('/staff/<int:learner_id>')
@login_required
@role_required(UNIT_ADMIN)
def staff_member(learner_id: int):
    learner = _learner_or_404(learner_id)
    return render_template('certificates/progress.html', learner=learner, own=False, print_form=PrintForm(),
                           **_learner_context(learner.id, _year()))


# ---- public ------------------------------------------------------------------------------------------------------

@verify_bp.route('/verify')
def verify_form():
    """证书核验 without a code: asks for the 核验码 printed on the certificate (under its QR code)."""
    code = request.args.get('code', '').strip()
    if code:
        return redirect(url_for('.verify', code=code[:100]))
    return render_template('certificates/verify.html', cert=None, asked=True)


@verify_bp.route('/verify/<path:code>')
def verify(code: str):
    """证书核验 (no login): valid or voided, with only masked personal data. Found by the certificate's random
    verification code only: the sequential number (or any wrong code) gets the same page as nothing at all."""
    cert = ops.find_by_code(code)
    if cert is None:
        return render_template('certificates/verify.html', cert=None, asked=False), 404
    # Whoever holds the code (anyone the certificate was shown to) gets a generic statement; the admin's free-text
    # deletion reason is shown only to people who may see this learner anyway (her unit admin, or herself).
    return render_template('certificates/verify.html', cert=cert, masked_id=mask_id_number(cert.id_number),
                           show_reason=ops.can_see_learner(current_membership(), cert.learner_id))
