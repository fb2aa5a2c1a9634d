"""Forms of the unit pages. The buttons of a row name the action; the operations check names, ID numbers and
departments and say what is wrong, so these forms only take the fields (and refuse an unknown action)."""
from wtforms import BooleanField, SelectField, StringField

from ..forms import Form, choices


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
