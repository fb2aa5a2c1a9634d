"""Login by ID number or admin account name, logout, role switch and language choice."""
from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from flask_babel import gettext as _, lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import or_, select
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from models import User, db

from ..extensions import login_manager
from ..urls import back_or
from . import bp


class LoginForm(FlaskForm):
    username = StringField(_l('身份证号 / 管理员账号'), validators=[DataRequired(_l('请输入身份证号或管理员账号'))])
    password = PasswordField(_l('密码'), validators=[DataRequired(_l('请输入密码'))])


class EmptyForm(FlaskForm):
    pass


@login_manager.user_loader
def load_user(user_id):
    user = db.session.get(User, int(user_id))
    return user if user is not None and user.is_enabled else None


@bp.route('/login', methods=['GET', 'POST'])
def login():
    if current_user.is_authenticated:
        return redirect(url_for('main.home'))
    form = LoginForm()
    if form.validate_on_submit():
        name = form.username.data.strip()
        user = db.session.scalar(select(User).where(or_(User.id_number == name.upper(), User.account_name == name)))
        if user is None or not user.is_enabled or not user.check_password(form.password.data):
            form.password.errors = [_('账号或密码错误')]
        elif not user.memberships:
            form.username.errors = [_('您选择的登录角色未注册')]
        else:
            login_user(user)
            session['membership_id'] = user.memberships[0].id
            return redirect(url_for('main.home'))
    return render_template('auth/login.html', form=form), 200 if request.method == 'GET' else 422


@bp.route('/logout', methods=['POST'])
@login_required
def logout():
    if EmptyForm().validate_on_submit():
        logout_user()
        session.pop('membership_id', None)
    return redirect(url_for('auth.login'))


@bp.route('/switch-role', methods=['POST'])
@login_required
def switch_role():
    membership_id = request.form.get('membership_id', type=int)
    if not EmptyForm().validate_on_submit() or membership_id not in {m.id for m in current_user.memberships}:
        abort(403)
    session['membership_id'] = membership_id
    flash(_('已切换角色'), 'success')
    return redirect(url_for('main.home'))


@bp.route('/lang/<code>')
def set_language(code):
    if code in ('zh_CN', 'en'):
        session['lang'] = code
    return redirect(back_or(url_for('main.home')))
