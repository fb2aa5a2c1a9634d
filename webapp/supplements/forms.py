"""Supplement forms (the entries themselves use the claim form)."""
from wtforms import SelectField
from wtforms.validators import DataRequired

from ..forms import DecisionForm, Form, REQUIRED, decision_form
from ..i18n import _l


class RequestForm(Form):
    pathway = SelectField(_l('增补类别'), validators=[DataRequired(REQUIRED)], validate_choice=False)


AgreeForm = decision_form([('agree', _l('同意增补')), ('refuse', _l('拒绝增补'))], _l('拒绝原因'), label=_l('审批'),
                          missing=_l('请选择“同意增补”或“拒绝增补”'))
ReviewForm = DecisionForm  # 通过 / 不通过 / 退回修改 with 审核意见, as a claim's review
