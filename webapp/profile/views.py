"""个人信息 (everyone), 职称变更 review (unit admins), name / ID number correction (province staff)."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from models import TitleChange, db
from models.people import LEARNER, PROVINCE_ADMIN

from ..forms import Form
from ..audit import flow_log
from ..confirmation import ask, confirmed
from ..permissions import current_membership, role_required
from ..refusals import attempt
from ..security import reset_to_default
from ..subjects import open_work_item
from . import bp, operations as ops, queries
from .forms import BasicForm, DecisionForm, IdentityForm, TitleForm


@bp.route('/', methods=['GET', 'POST'])
@login_required
def mine():
    m = current_membership()
    basic = BasicForm(obj=current_user, prefix='basic')
    title = TitleForm(prefix='title')
    if request.method == 'POST':
        if request.form.get('what') == 'basic' and basic.validate_on_submit():
            if attempt(lambda: ops.update_basic(current_user, basic.phone.data, basic.email.data,
                                                basic.email_notifications.data), _('个人信息已保存'), basic):
                return redirect(url_for('profile.mine'))
        elif request.form.get('what') == 'title' and title.validate_on_submit():
            if attempt(lambda: ops.request_title_change(m, title.title.data, title.title_date.data),
                       _('职称变更已提交，单位审核通过后生效'), title):
                return redirect(url_for('profile.mine'))
    changes = queries.title_changes_of(current_user.id)
    return render_template('profile/mine.html', basic=basic, title=title, changes=changes,
                           pending=ops.pending_title_change(current_user.id), learner=m.role == LEARNER), \
        422 if request.method == 'POST' else 200


@bp.route('/title-change/<int:change_id>', methods=['GET', 'POST'])
@login_required
def title_change(change_id: int):
    m = current_membership()
    change = db.session.get(TitleChange, change_id)
    if not ops.may_see(m, change):
        abort(404)
    item = open_work_item(ops.SUBJECT, change.id, ops.REVIEW_FORM)
    form = DecisionForm(work_item_id=item.id if item else '')
    if request.method == 'POST':
        if form.validate_on_submit():
            attempt(lambda: ops.review_title_change(m, int(form.work_item_id.data), form.decision.data,
                                                    form.comment.data), _('审核完成'))
        else:
            flash(_('请选择审核结果'), 'danger')
        return redirect(url_for('profile.title_change', change_id=change.id))
    logs = flow_log(ops.SUBJECT, change.id)
    return render_template('profile/title_change.html', change=change, logs=logs,
                           form=form if ops.decidable(m, item) else None)


@bp.route('/title-change/<int:change_id>/withdraw', methods=['POST'])
@login_required
def withdraw_title_change(change_id: int):
    m = current_membership()
    change = db.session.get(TitleChange, change_id)
    if change is None or change.learner_id != m.user_id:
        abort(404)
    if not confirmed():
        return ask(_('将撤回该职称变更申请：审核停止，职称不变。'), url_for('profile.title_change', change_id=change.id))
    attempt(lambda: ops.withdraw_title_change(m, change), _('已撤回职称变更申请'))
    return redirect(url_for('profile.title_change', change_id=change.id))


@bp.route('/people', methods=['GET', 'POST'])
@login_required
@role_required(PROVINCE_ADMIN)
def people():
    """Province staff look a person up by ID number and correct the name or ID number, giving the reason."""
    m = current_membership()
    q = (request.values.get('q') or '').strip().upper()
    person = ops.correctable_person(m, q)
    form = IdentityForm(obj=person) if request.method == 'GET' else IdentityForm()
    if request.method == 'POST' and person is not None and form.validate_on_submit():
        if attempt(lambda: ops.change_identity(m, person, form.name.data, form.id_number.data, form.reason.data),
                   _('姓名/身份证号已修改'), form):
            return redirect(url_for('profile.people', q=person.id_number))
    return render_template('profile/people.html', q=q, person=person, form=form), \
        422 if request.method == 'POST' else 200


@bp.route('/people/reset-password', methods=['POST'])
@login_required
@role_required(PROVINCE_ADMIN)
def reset_password():
    """Province staff reset any account of their province, whatever roles it holds (units may only reset accounts
    that are nothing but their own learner's)."""
    m = current_membership()
    person = ops.correctable_person(m, request.form.get('q'))
    if person is None or not Form().validate_on_submit():
        abort(404)
    reset_to_default(person, m)
    flash(_('已将 %(name)s 的密码重置为初始密码（身份证号后 6 位），其下次登录须修改密码', name=person.name), 'success')
    return redirect(url_for('profile.people', q=person.id_number))
