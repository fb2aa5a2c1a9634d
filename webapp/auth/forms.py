"""Login, password change, and the empty form of the logout and role-switch buttons (only the CSRF token)."""
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from ..forms import Form
from ..i18n import _l


class LoginForm(Form):
    username = StringField(_l('身份证号 / 管理员账号'),
                           validators=[DataRequired(_l('请输入身份证号或管理员账号')), Length(max=50)])
    password = PasswordField(_l('密码'), validators=[DataRequired(_l('请输入密码')), Length(max=200)])
    captcha = StringField(_l('验证码'), validators=[DataRequired(_l('请输入验证码')), Length(max=10)])


class PasswordForm(Form):
    current = PasswordField(_l('原密码'), validators=[DataRequired(_l('请输入原密码'))])
    new = PasswordField(_l('新密码'), validators=[DataRequired(_l('请输入新密码')), Length(max=200)])
    confirm = PasswordField(_l('确认新密码'),
                            validators=[DataRequired(_l('请再次输入新密码')), EqualTo('new', _l('两次输入的新密码不一致'))])


class EmptyForm(Form):
    pass


class ForgotForm(Form):
    """找回密码, step 1: the account and the e-mail address registered with it."""
    username = StringField(_l('身份证号 / 管理员账号'),
                           validators=[DataRequired(_l('请输入身份证号或管理员账号')), Length(max=50)])
    email = StringField(_l('注册时填写的电子邮箱'), validators=[DataRequired(_l('请输入电子邮箱')), Length(max=120)])


class ResetForm(Form):
    """找回密码, step 2: the code the mail brought and a new password."""
    username = StringField(_l('身份证号 / 管理员账号'),
                           validators=[DataRequired(_l('请输入身份证号或管理员账号')), Length(max=50)])
    code = StringField(_l('邮箱验证码'), validators=[DataRequired(_l('请输入邮箱验证码')), Length(max=10)])
    new = PasswordField(_l('新密码'), validators=[DataRequired(_l('请输入新密码')), Length(max=200)])
    confirm = PasswordField(_l('确认新密码'),
                            validators=[DataRequired(_l('请再次输入新密码')), EqualTo('new', _l('两次输入的新密码不一致'))])
