"""Registration forms (public: no login) and the approvers' decision form. Field formats (ID number, credit code,
phone, e-mail) are checked by the operations, which name the field a message belongs to."""
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from ..forms import choices, decision_form, Form, hidden_id, IdempotentForm, please_choose
from ..i18n import _l
from . import operations as ops


def _shown_translated(values) -> list:
    """please_choose(values) whose stored values (N_-marked data) are shown in the reader's language."""
    return choices((c.value, _l(c.label) if c.value else c.label) for c in please_choose(values))


class PersonForm(IdempotentForm):
    existing = BooleanField(_l('如果已是本系统用户，请勾选复选框（下方“密码”输入原密码）'))
    name = StringField(_l('姓名'), validators=[DataRequired(_l('请填写姓名')), Length(max=50, message=_l('姓名不能超过 50 个字'))])
    id_number = StringField(_l('身份证号'), validators=[DataRequired(_l('请填写身份证号')), Length(max=30)])
    phone = StringField(_l('手机号'), validators=[DataRequired(_l('请填写手机号或固定电话')), Length(max=30)])
    email = StringField(_l('电子邮箱'), validators=[DataRequired(_l('请填写电子邮箱')), Length(max=120)])
    password = PasswordField(_l('密码'), validators=[DataRequired(_l('请输入密码')), Length(max=200)])
    confirm = PasswordField(_l('确认密码'), validators=[Optional(), Length(max=200)])
    captcha = StringField(_l('验证码'), validators=[DataRequired(_l('请输入验证码')), Length(max=10)])


class OrganisationFields:
    org_name = StringField(_l('单位名称'), validators=[DataRequired(_l('请填写单位名称')), Length(max=200)])
    credit_code = StringField(_l('统一社会信用代码'), validators=[Optional(), Length(max=30)])
    no_credit_code = BooleanField(_l('无统一社会信用代码（审核通过后由平台发放临时代码）'))
    locality = StringField(_l('注册所在地'), validators=[Optional(), Length(max=100)])
    org_phone = StringField(_l('单位电话'), validators=[DataRequired(_l('请填写单位电话')), Length(max=30)])
    address = StringField(_l('单位地址'), validators=[Optional(), Length(max=200)])
    licence = FileField(_l('营业执照或统一社会信用代码证书扫描件（jpg/png/pdf）'))


class SupervisorForm(OrganisationFields, PersonForm):
    province_id = SelectField(_l('所属省份（审核单位）'), coerce=int, validate_choice=False)


class UnitForm(OrganisationFields, PersonForm):
    nature = SelectField(_l('单位性质'), choices=_shown_translated(ops.NATURES), validate_choice=False)
    level = SelectField(_l('单位级别'), choices=_shown_translated(ops.LEVELS), validate_choice=False)
    industry = SelectField(_l('所属行业'), choices=_shown_translated(ops.INDUSTRIES), validate_choice=False)
    parent_org_id = hidden_id(_l('请选择上级单位'), required=False)
    hr_org_id = SelectField(_l('同级人社部门名称（可不选）'), validate_choice=False)


class LearnerForm(PersonForm):
    unit_id = hidden_id(_l('请选择所在单位'), required=False)
    other_unit = BooleanField(_l('没有工作单位（自由职业等），选择“其他单位”'))


class ProposeForm(OrganisationFields, IdempotentForm):
    """推荐单位注册: the learner (推荐人), the unit as the unit registration asks it, and its contact (first admin)."""
    proposer_name = StringField(_l('推荐人姓名'), validators=[DataRequired(_l('请填写推荐人姓名')), Length(max=50)])
    proposer_id_number = StringField(_l('推荐人身份证号'),
                                     validators=[DataRequired(_l('请填写推荐人身份证号')), Length(max=30)])
    proposer_phone = StringField(_l('推荐人手机号'), validators=[DataRequired(_l('请填写推荐人手机号')), Length(max=30)])
    nature = SelectField(_l('单位性质'), choices=_shown_translated(ops.NATURES), validate_choice=False)
    level = SelectField(_l('单位级别'), choices=_shown_translated(ops.LEVELS), validate_choice=False)
    industry = SelectField(_l('所属行业'), choices=_shown_translated(ops.INDUSTRIES), validate_choice=False)
    parent_org_id = hidden_id(_l('请选择上级单位'), required=False)
    hr_org_id = SelectField(_l('同级人社部门名称（可不选）'), validate_choice=False)
    name = StringField(_l('联系人姓名'), validators=[DataRequired(_l('请填写单位联系人姓名')), Length(max=50)])
    id_number = StringField(_l('联系人身份证号'), validators=[DataRequired(_l('请填写单位联系人身份证号')), Length(max=30)])
    phone = StringField(_l('联系人手机号'), validators=[DataRequired(_l('请填写单位联系人手机号或固定电话')), Length(max=30)])
    email = StringField(_l('联系人电子邮箱'), validators=[Optional(), Length(max=120)])
    captcha = StringField(_l('验证码'), validators=[DataRequired(_l('请输入验证码')), Length(max=10)])


def offer_hr_offices(form) -> None:
    """The 同级人社部门 a unit may name: none, or a 人社部门 (with its province, the one its superior must be in)."""
    form.hr_org_id.choices = choices([('', _l('不选择（由省级人社部门审验）'))] + [
        (str(o.id), _l('%(name)s（%(province)s）', name=o.name, province=o.province.name)) for o in ops.hr_offices()])


FORMS = {'supervisor': SupervisorForm, 'unit': UnitForm, 'learner': LearnerForm}


class ProgressForm(Form):
    username = StringField(_l('身份证号 / 账号'), validators=[DataRequired(_l('请输入身份证号或账号')), Length(max=50)])
    password = PasswordField(_l('注册时设置的密码 / 推荐编号'),
                             validators=[DataRequired(_l('请输入密码或推荐编号')), Length(max=200)])
    captcha = StringField(_l('验证码'), validators=[DataRequired(_l('请输入验证码')), Length(max=10)])


class WithdrawForm(Form):
    registration_id = hidden_id()
    username = HiddenField(validators=[DataRequired(), Length(max=50)])
    password = PasswordField(_l('注册时设置的密码'), validators=[DataRequired(_l('请输入注册时设置的密码')), Length(max=200)])


DecisionForm = decision_form([('approve', _l('通过')), ('reject', _l('驳回'))], _l('驳回原因'))
