"""Transfer and superior-change forms. The unit (or superior) is chosen from the search results by id; the
operations check it."""
from wtforms import IntegerField, SelectField
from wtforms.validators import DataRequired

from ..forms import decision_form, IdempotentForm, reason_field, REQUIRED
from ..i18n import _l


class TransferForm(IdempotentForm):
    to_unit_id = IntegerField(_l('新单位'), validators=[DataRequired(_l('请从搜索结果中选择新单位'))])
    reason = reason_field(_l('调转原因'), _l('调转原因不能超过 500 个字'), required=REQUIRED)


class SendOutForm(TransferForm):
    member_id = SelectField(_l('调出人员'), coerce=int, validate_choice=False,
                            validators=[DataRequired(_l('请选择调出人员'))])


class SuperiorForm(IdempotentForm):
    new_parent_id = IntegerField(_l('新的上级'), validators=[DataRequired(_l('请从搜索结果中选择新的上级单位或主管部门'))])
    reason = reason_field(_l('更换原因'), _l('更换原因不能超过 500 个字'), required=REQUIRED)


class HrOfficeForm(SuperiorForm):
    """机构类型 同级人社部门: the same request, naming the new 人社部门."""
    new_parent_id = IntegerField(_l('新的同级人社部门'), validators=[DataRequired(_l('请从搜索结果中选择新的同级人社部门'))])


DecisionForm = decision_form([('approve', _l('同意')), ('reject', _l('不同意'))], _l('不同意原因'))
