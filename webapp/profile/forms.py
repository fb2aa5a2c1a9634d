"""个人信息 forms, the 职称变更 decision, and the province's name / ID number correction."""
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from models.profile import TITLES

from ..dates import EARLIEST_TITLE_YEAR
from ..forms import Form, choices, date_field, decision_form, reason_field
from ..i18n import _l


class BasicForm(Form):
    phone = StringField(_l('手机号'), validators=[Optional(), Length(max=20)])
    email = StringField(_l('电子邮箱'), validators=[Optional(), Length(max=120)])
    email_notifications = BooleanField(_l('邮件通知：审核结果、待办提醒等同时发送到电子邮箱'))


class TitleForm(Form):
    title = SelectField(_l('新的专业技术职称'), choices=choices((v, v) for v in TITLES))
    title_date = date_field(_l('取得时间'), required=False, earliest=EARLIEST_TITLE_YEAR)


DecisionForm = decision_form([('approve', _l('同意')), ('reject', _l('不同意'))], _l('原因'))


class IdentityForm(Form):
    name = StringField(_l('姓名'), validators=[DataRequired(_l('请填写姓名')), Length(max=50)])
    id_number = StringField(_l('身份证号'), validators=[DataRequired(_l('请填写身份证号')), Length(max=18)])
    reason = reason_field(_l('修改原因'), required=_l('请填写修改原因'))
