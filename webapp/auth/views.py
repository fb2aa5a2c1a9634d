"""Login by ID number or admin account name, logout, role switch and language choice."""
import re

from flask import Response, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from models import User, db

from .. import audit, security
from ..refusals import refused
from ..extensions import login_manager
from ..registration.operations import RegistrationError, normalise_id_number, pending_for
from ..urls import back_or
from . import bp, operations as ops
from .forms import EmptyForm, ForgotForm, LoginForm, PasswordForm, ResetForm


SESSION_ID = re.compile(r'([0-9]{1,18}):([0-9]{1,18})')


@login_manager.user_loader
def load_user(session_id):
    """A session names the account and the epoch it began in (User.get_id): a logout, a new password or a reset
    since then has ended it, whatever copy of the cookie is shown."""
    match = SESSION_ID.fullmatch(session_id or '')
    if match is None:
        return None
    # with the roles (every page asks which one the user acts in): one query for both
    user = db.session.get(User, int(match[1]), options=[joinedload(User.memberships)])
    if user is None or not user.is_enabled or (user.session_epoch or 0) != int(match[2]):
        return None
    return user


@bp.route('/login', methods=['GET', 'POST'])
def login():
    if current_user.is_authenticated:
        return redirect(url_for('main.home'))
    form = LoginForm()
    pending = False
    if form.validate_on_submit():
        name, ip = _login_name(form.username.data), request.remote_addr or ''
        if security.locked_out(name.upper(), ip):
            form.username.errors = [_('登录失败次数过多，请 15 分钟后再试')]
        elif problem := security.check_captcha(form.captcha.data):
            form.captcha.errors = [_(problem)]
            _remember_failure(name, ip)
        else:
            user = db.session.scalar(select(User).where(or_(User.id_number == name.upper(),
                                                            User.account_name == name)))
            if user is None or not user.is_enabled or not user.check_password(form.password.data):
                form.password.errors = [_('账号或密码错误')]
                _remember_failure(name, ip)
            elif not user.active_memberships and _registration_pending(user.id):
                form.username.errors = [_('您的账号正在审核中，审核通过后即可登录')]
                pending = True
            elif not user.active_memberships:
                form.username.errors = [_('您选择的登录角色未注册，或已被单位禁止登录')]
            else:
                security.record_attempt(name.upper(), ip, True)
                login_user(user)
                session['membership_id'] = user.active_memberships[0].id
                if user.must_change_password:
                    flash(_('您正在使用初始密码，请先修改密码'), 'warning')
                    return redirect(url_for('auth.change_password'))
                return redirect(url_for('main.home'))
    form.captcha.data = ''
    return render_template('auth/login.html', form=form, pending=pending), 200 if request.method == 'GET' else 422


def _login_name(raw: str) -> str:
    """An old 15-digit ID number is stored as the 18-digit one registration made of it: log in (and count
    failures) under that."""
    name = raw.strip()
    if len(name) == 15 and name.isascii() and name.isdigit():
        try:
            return normalise_id_number(name)
        except RegistrationError:  # not a valid ID number: looked up as typed, and refused as usual
            pass
    return name


def _registration_pending(user_id: int) -> bool:
    """A registration (注册, seed 004) of this account still waits for its superior's approval."""
    return bool(pending_for(user_id))


def _remember_failure(name: str, ip: str) -> None:
    # The refusal is answered with 422, which rolls the request back: commit the failed try on its own first.
    db.session.rollback()
    security.record_attempt(name.upper(), ip, False)
    db.session.commit()


@bp.route('/captcha.png')
def captcha():
    image, token = security.new_captcha()
    response = Response(image, mimetype='image/png')
    response.headers['Cache-Control'] = 'no-store'
    response.set_cookie(security.CAPTCHA_COOKIE, token, httponly=True, samesite='Lax',
                        secure=current_app.config.get('SESSION_COOKIE_SECURE', False))
    return response


@bp.route('/account/password', methods=['GET', 'POST'])
@login_required
def change_password():
    form = PasswordForm()
    if form.validate_on_submit():
        problem = security.password_problem(form.new.data)
        if not current_user.check_password(form.current.data):
            form.current.errors = [_('原密码错误')]
        elif problem:
            form.new.errors = [_(problem)]
        elif current_user.id_number and form.new.data == security.default_password(current_user.id_number):
            form.new.errors = [_('新密码不能与初始密码相同')]
        else:
            current_user.set_password(form.new.data)  # ends the account's other sessions ...
            current_user.must_change_password = False
            login_user(current_user._get_current_object())  # ... and this one goes on in the new epoch
            audit.log('user', current_user.id, '修改密码', None, current_user.name)
            flash(_('密码已修改'), 'success')
            return redirect(url_for('main.home'))
    return render_template('auth/password.html', form=form), 200 if request.method == 'GET' else 422


@bp.route('/password/forgot', methods=['GET', 'POST'])
def forgot_password():
    """找回密码, step 1: the same answer whether or not the account exists and the address is hers."""
    form = ForgotForm()
    if form.validate_on_submit():
        try:
            ops.request_code(form.username.data, form.email.data, request.remote_addr or '')
        except ops.ResetRefused as exc:
            refused(exc, form)
        else:
            flash(_('如果账号与邮箱相符，验证码已发送至该邮箱（%(minutes)s 分钟内有效），请查收后设置新密码',
                    minutes=int(current_app.config['RESET_CODE_LIFETIME'].total_seconds() // 60)), 'success')
            return redirect(url_for('auth.reset_password', username=ops.login_key(form.username.data)))
    return render_template('auth/forgot.html', form=form), 200 if request.method == 'GET' else 422


@bp.route('/password/reset', methods=['GET', 'POST'])
def reset_password():
    """找回密码, step 2: the e-mailed code and a new password; every session of the account ends."""
    form = ResetForm()
    if request.method == 'GET':
        form.username.data = (request.args.get('username') or '')[:50]
    if form.validate_on_submit():
        try:
            ops.reset_password(form.username.data, form.code.data, form.new.data)
        except ops.WrongCode as exc:
            refused(exc, form)
            if exc.reset_id is not None:  # the refusal rolled back: count the wrong try on its own
                ops.count_wrong_try(exc.reset_id)
                db.session.commit()
        except ops.ResetRefused as exc:
            refused(exc, form)
        else:
            if current_user.is_authenticated:
                logout_user()
            flash(_('密码已重置，此前在各处的登录均已退出，请使用新密码登录'), 'success')
            return redirect(url_for('auth.login'))
    return render_template('auth/reset.html', form=form), 200 if request.method == 'GET' else 422


@bp.route('/logout', methods=['POST'])
@login_required
def logout():
    if EmptyForm().validate_on_submit():
        current_user.end_sessions()  # every copy of this session, and the account's sessions elsewhere, end too
        logout_user()
        session.pop('membership_id', None)
    return redirect(url_for('auth.login'))


@bp.route('/switch-role', methods=['POST'])
@login_required
def switch_role():
    membership_id = request.form.get('membership_id', type=int)
    if not EmptyForm().validate_on_submit() or membership_id not in {m.id for m in current_user.active_memberships}:
        abort(403)
    session['membership_id'] = membership_id
    flash(_('已切换角色'), 'success')
    return redirect(url_for('main.home'))


@bp.route('/lang/<code>')
def set_language(code):
    if code in ('zh_CN', 'en'):
        session['lang'] = code
    return redirect(back_or(url_for('main.home')))


@bp.before_app_request
def force_password_change():
    """An initial or reset password may be used for nothing but choosing a new one."""
    if (current_user.is_authenticated and current_user.must_change_password
            and request.endpoint not in ('auth.change_password', 'auth.logout', 'auth.set_language', 'static',
                                         'vendor.static', 'auth.forgot_password', 'auth.reset_password')):
        return redirect(url_for('auth.change_password'))
