"""Registration pages: the public forms (注册), progress query and withdrawal (注册审核进度查询 / 撤回申请), the unit
search used by the forms, and the approvers' detail page with the decision."""
from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from models import Registration, db
from models.people import PROVINCE_ADMIN, SUPERVISOR_ADMIN, UNIT_ADMIN, mask_id_number

from .. import security
from ..audit import flow_log
from ..confirmation import ask, confirmed
from ..evidence import download
from ..forms import choices
from ..i18n import N_
from ..numbers import row_id
from ..permissions import current_membership, role_required
from ..refusals import Refused, flash_errors, refused
from ..workflow import catalog
from . import bp, operations as ops
from .forms import FORMS, DecisionForm, ProgressForm, ProposeForm, WithdrawForm, offer_hr_offices

# The page titles, shown with _(title) by the templates.
TITLES = {'supervisor': N_('主管部门注册'), 'unit': N_('用人单位注册'), 'learner': N_('专业技术人员注册')}
PROPOSE_TITLE = N_('推荐单位注册')


@bp.route('/register')
def choose():
    return render_template('registration/choose.html', titles=TITLES)


def _input(kind: str, form) -> ops.RegistrationInput:
    values = dict(kind=kind, name=form.name.data or '', id_number=form.id_number.data or '',
                  phone=form.phone.data or '', email=form.email.data or '', parent_org_id=None)
    if hasattr(form, 'password'):  # 推荐单位注册 asks no password of the unit's contact
        values.update(password=form.password.data or '', confirm=form.confirm.data or '',
                      existing=bool(form.existing.data))
    else:
        values['password'] = ''
    if kind == 'learner':
        if form.other_unit.data:
            values['parent_org_id'] = ops.default_other_unit_id()
        elif form.unit_id.data:
            values['parent_org_id'] = int(form.unit_id.data)
        return ops.RegistrationInput(**values)
    upload = form.licence.data
    values.update(org_name=form.org_name.data or '', credit_code=form.credit_code.data or '',
                  no_credit_code=bool(form.no_credit_code.data), locality=form.locality.data or '',
                  org_phone=form.org_phone.data or '', address=form.address.data or '',
                  licence=upload.read() if upload and getattr(upload, 'filename', '') else None)
    if kind == 'unit':
        hr = form.hr_org_id.data or ''
        values.update(nature=form.nature.data or '', level=form.level.data or '', industry=form.industry.data or '',
                      parent_org_id=int(form.parent_org_id.data) if form.parent_org_id.data else None,
                      hr_org_id=(row_id(hr) or 0) if hr else None)  # 0: not an id, refused as such
    else:
        values['parent_org_id'] = form.province_id.data
    return ops.RegistrationInput(**values)


@bp.route('/register/<kind>', methods=['GET', 'POST'])
def register(kind: str):
    if kind not in FORMS:
        abort(404)
    if current_user.is_authenticated:
        flash(_('您已登录：注册其他角色请先退出，并在注册时勾选“如果已是本系统用户”'), 'info')
    form = FORMS[kind]()
    if kind == 'supervisor':
        form.province_id.choices = choices([(p.id, p.name) for p in ops.provinces()])
    if kind == 'unit':
        offer_hr_offices(form)
    if form.validate_on_submit():
        if (again := form.repeated()) is not None:  # before the captcha: it was used up by the first submission
            return again
        if problem := security.check_captcha(form.captcha.data):
            form.captcha.errors = [_(problem)]
        else:
            try:
                reg = ops.register(_input(kind, form))
            except Refused as exc:
                refused(exc, form)
            else:
                flash(_('注册信息已提交，等待“%(org)s”审核。审核通过后即可登录；可通过“注册审核进度查询”查看进度或撤回申请',
                        org=reg.approver_org.name), 'success')
                return redirect(form.created(url_for('registration.progress'), reg))
    form.captcha.data = ''
    parent = None
    field = {'unit': 'parent_org_id', 'learner': 'unit_id'}.get(kind)
    if field and (parent_id := row_id(getattr(form, field).data)):
        parent = db.session.get(ops.Organisation, parent_id)
    status = 422 if request.method == 'POST' else 200
    return render_template('registration/form.html', form=form, kind=kind, title=TITLES[kind], parent=parent,
                           other_unit=ops.OTHER_UNIT), status


@bp.route('/register/propose', methods=['GET', 'POST'])
def propose():
    """推荐单位注册: a learner whose unit the search does not find proposes it; the unit's contact becomes its
    admin once the superior approves."""
    form = ProposeForm()
    offer_hr_offices(form)
    if form.validate_on_submit():
        if (again := form.repeated()) is not None:  # the answer with her code was lost: show it again
            reg = db.session.get(Registration, form.earlier.subject_id or 0)
            return _proposed(reg) if reg is not None else again
        if problem := security.check_captcha(form.captcha.data):
            form.captcha.errors = [_(problem)]
        else:
            proposer = ops.Proposer(form.proposer_name.data or '', form.proposer_id_number.data or '',
                                    form.proposer_phone.data or '')
            try:
                reg = ops.register(_input('unit', form), proposer)
            except Refused as exc:
                refused(exc, form)
            else:
                form.created(url_for('registration.progress'), reg)
                return _proposed(reg)
    form.captcha.data = ''
    parent = None
    if parent_id := row_id(form.parent_org_id.data):
        parent = db.session.get(ops.Organisation, parent_id)
    status = 422 if request.method == 'POST' else 200
    return render_template('registration/form.html', form=form, kind='propose', title=PROPOSE_TITLE, parent=parent,
                           other_unit=ops.OTHER_UNIT), status


def _proposed(reg: Registration):
    flash(_('推荐已提交，推荐编号：%(code)s（请记下：在“注册审核进度查询”输入您的身份证号和推荐编号即可查看进度）。'
            '等待“%(org)s”审核；通过后单位联系人%(name)s用身份证号登录，初始密码为身份证号后 6 位（已有账号的用原密码），'
            '您即可在专业技术人员注册中搜索到该单位。', code=reg.proposal_code, org=reg.approver_org.name,
            name=reg.name), 'success')
    return redirect(url_for('registration.progress'))


@bp.route('/orgs/search')
def search():
    """单位搜索 (JSON, public: the registration forms use it): 10 per page."""
    page = request.args.get('page', 1, type=int) or 1
    purpose = 'parent' if request.args.get('purpose') == 'parent' else 'unit'
    rows, total = ops.search_orgs(request.args.get('q', ''), min(max(page, 1), 10000), purpose)
    kinds = {'province': _('省级'), 'supervisor': _('主管部门'), 'unit': _('用人单位')}
    return jsonify(page=max(page, 1), per_page=ops.PAGE_SIZE, total=total,
                   pages=(total + ops.PAGE_SIZE - 1) // ops.PAGE_SIZE,
                   items=[dict(id=o.id, name=o.name, credit_code=o.credit_code or '', locality=o.locality or '',
                               kind=kinds.get(o.kind, o.kind), parent=o.parent.name if o.parent else '')
                          for o in rows])


def _locked(name: str) -> bool:
    return security.locked_out(name.upper(), request.remote_addr or '')


def _failed(name: str) -> None:
    db.session.rollback()
    security.record_attempt(name.upper(), request.remote_addr or '', False)
    db.session.commit()


@bp.route('/register/progress', methods=['GET', 'POST'])
def progress():
    """注册审核进度查询: ID number (or account) + the registration password; a proposer of a unit (推荐单位注册)
    gives her ID number + the proposal code instead."""
    form = ProgressForm()
    registrations, user = None, None
    if form.validate_on_submit():
        name = form.username.data.strip()
        if _locked(name):
            form.username.errors = [_('失败次数过多，请 15 分钟后再试')]
        elif problem := security.check_captcha(form.captcha.data):
            form.captcha.errors = [_(problem)]
        else:
            try:
                user = ops.applicant(name, form.password.data)
            except ops.RegistrationError as exc:
                registrations = ops.proposals_of(name, form.password.data) or None
                if registrations is None:
                    _failed(name)
                    form.password.errors = [exc.message + _('（推荐单位注册请输入推荐人身份证号和推荐编号）')]
            else:
                registrations = ops.registrations_of(user)
    form.captcha.data = ''
    status = 422 if request.method == 'POST' and registrations is None else 200
    return render_template('registration/progress.html', form=form, registrations=registrations, user=user,
                           withdraw_form=WithdrawForm(username=form.username.data), pending=catalog.PENDING,
                           mask=mask_id_number), status


@bp.route('/register/withdraw', methods=['POST'])
def withdraw():
    """撤回申请 (password again): the applicant may then register again."""
    form = WithdrawForm()
    if not form.validate_on_submit():
        flash_errors(form)
        return redirect(url_for('registration.progress'))
    name = form.username.data.strip()
    if _locked(name):
        flash(_('失败次数过多，请 15 分钟后再试'), 'danger')
        return redirect(url_for('registration.progress'))
    if not confirmed():
        return ask(_('将撤回该注册申请：审核停止，撤回后可重新注册。'), url_for('registration.progress'),
                   retyped={'password': _('密码')})
    try:
        ops.withdraw(name, form.password.data, int(form.registration_id.data))
    except ops.RegistrationError as exc:
        _failed(name)
        flash(exc.message, 'danger')
        return redirect(url_for('registration.progress'))
    except Refused as exc:  # refused by the engine: not a failed password attempt
        refused(exc)
        return redirect(url_for('registration.progress'))
    flash(_('注册申请已撤回，您可以重新注册'), 'success')
    return redirect(url_for('registration.choose'))


def _registration_or_404(registration_id: int) -> Registration:
    reg = db.session.get(Registration, registration_id)
    if reg is None or not ops.can_see(current_membership(), reg):
        abort(404)
    return reg


STAFF = (UNIT_ADMIN, SUPERVISOR_ADMIN, PROVINCE_ADMIN)


@bp.route('/registrations/<int:registration_id>')
@login_required
@role_required(*STAFF)
def detail(registration_id: int):
    reg = _registration_or_404(registration_id)
    item = ops.open_item(reg)
    mine = ops.decidable(current_membership(), item)
    logs = flow_log(ops.SUBJECT, reg.id)
    return render_template('registration/detail.html', reg=reg, item=item, logs=logs,
                           form=DecisionForm(work_item_id=mine.id) if mine else None)


@bp.route('/registrations/<int:registration_id>/decide', methods=['POST'])
@login_required
@role_required(*STAFF)
def decide(registration_id: int):
    reg = _registration_or_404(registration_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        flash_errors(form)
    else:
        try:
            ops.decide(current_membership(), int(form.work_item_id.data), form.decision.data, form.comment.data)
        except Refused as exc:
            refused(exc)
        else:
            flash(_('已通过注册') if form.decision.data == 'approve' else _('已驳回注册'), 'success')
    return redirect(url_for('registration.detail', registration_id=reg.id))


@bp.route('/registrations/<int:registration_id>/licence')
@login_required
@role_required(*STAFF)
def licence(registration_id: int):
    reg = _registration_or_404(registration_id)
    return download(reg.licence_sha256, reg.licence_type, f'licence-{reg.id}')
