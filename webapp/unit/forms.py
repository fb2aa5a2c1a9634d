"""Forms of the unit pages. The buttons of a row name the action; the operations check names, ID numbers and
departments and say what is wrong, so these forms only take the fields (and refuse an unknown action)."""
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import Length, Optional

from ..forms import Form, IdempotentForm, choices, decision_form, please_choose, reason_field
from ..i18n import _l
from ..registration.operations import INDUSTRIES, LEVELS, NATURES


def _actions(*names):
    return SelectField(choices=choices((name, name) for name in names))


class DepartmentForm(Form):
    """部门: 新增 (name), 改名 (department_id, name), 删除 (department_id)."""
    action = _actions('add', 'rename', 'delete')
    department_id = StringField()
    name = StringField()


class AdminForm(Form):
    """管理员: 添加 (name, id_number, department, login), 保存 (membership_id, department, login), 删除."""
    action = _actions('add', 'update', 'delete')
    membership_id = StringField()
    name = StringField()
    id_number = StringField()
    department_id = StringField()
    login_allowed = BooleanField()


class DepartmentChoiceForm(Form):
    """A person's department: a unit admin assigning one of her staff, or a learner choosing her own."""
    department_id = StringField()


def _translated(values) -> list:
    """please_choose(values) whose stored values (N_-marked data) are shown in the reader's language."""
    return choices((c.value, _l(c.label) if c.value else c.label) for c in please_choose(values))


class UnitInfoForm(Form):
    """修改单位信息: the contact data the unit's principal admin changes at once (checked by the operation)."""
    phone = StringField(_l('单位电话'), validators=[Length(max=30)])
    address = StringField(_l('单位地址'), validators=[Optional(), Length(max=200)])
    locality = StringField(_l('注册所在地'), validators=[Optional(), Length(max=100)])
    nature = SelectField(_l('单位性质'), choices=_translated(NATURES), validate_choice=False)
    level = SelectField(_l('单位级别'), choices=_translated(LEVELS), validate_choice=False)
    industry = SelectField(_l('所属行业'), choices=_translated(INDUSTRIES), validate_choice=False)


class InfoChangeForm(IdempotentForm):
    """申请修改单位名称/统一社会信用代码: the new values (filled with the current ones), a new licence scan and the
    reason; the operation checks them and says what is wrong."""
    name = StringField(_l('单位名称'))
    credit_code = StringField(_l('统一社会信用代码'))
    licence = FileField(_l('新的营业执照或统一社会信用代码证书扫描件（jpg/png/pdf）'))
    reason = reason_field(_l('修改原因'), _l('修改原因不能超过 500 个字'))


InfoDecisionForm = decision_form([('approve', _l('同意')), ('reject', _l('不同意'))], _l('不同意原因'))
