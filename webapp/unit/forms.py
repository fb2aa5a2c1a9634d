"""Forms of the unit pages. The buttons of a row name the action; the operations check names, ID numbers and
departments and say what is wrong, so these forms only take the fields (and refuse an unknown action)."""
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import Length, Optional

from ..forms import Form, choices, please_choose
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
