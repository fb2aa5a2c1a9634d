"""Forms of the oversight pages: an organisation's admins (the row's button names the action; the operations check
names, ID numbers and who may act, so the form only takes the fields and refuses an unknown action)."""
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from ..forms import Form, choices

ADMIN_ACTIONS = ('add', 'disable', 'enable', 'reset', 'delete', 'handover')


class OrgAdminForm(Form):
    """管理员: 新增 (name, id_number); 停用, 启用, 重置密码, 删除, 设为超级管理员 (membership_id)."""
    action = SelectField(choices=choices((name, name) for name in ADMIN_ACTIONS))
    membership_id = StringField(validators=[Optional(), Length(max=12)])
    name = StringField(validators=[Optional(), Length(max=50)])
    id_number = StringField(validators=[Optional(), Length(max=18)])
