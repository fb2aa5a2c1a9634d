"""Messages that the code passes to gettext as variables, where pybabel cannot see them: the registration titles
(TITLES in webapp/registration/views.py, shown with `_(title)`) and the captcha and password problems
(webapp/security.py, shown with `_(problem)`). Listed here only for `pybabel extract`; never imported."""


def _(message):
    return message


DYNAMIC_MESSAGES = (
    _('主管部门注册'), _('用人单位注册'), _('专业技术人员注册'),
    _('验证码已失效，请点击图片刷新后重新输入'), _('验证码已过期，请点击图片刷新后重新输入'), _('验证码错误'),
    _('密码至少 8 位'), _('密码须同时包含字母和数字'),
)
