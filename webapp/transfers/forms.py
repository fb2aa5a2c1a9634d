"""Transfer and superior-change forms. The unit (or superior) is chosen from the search results by id; the
operations check it."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Optional, Regexp

from ..claims.forms import REQUIRED, choices, max_length


class TransferForm(FlaskForm):
    to_unit_id = IntegerField(_l('新单位'), validators=[DataRequired(_l('请从搜索结果中选择新单位'))])
    reason = TextAreaField(_l('调转原因'), validators=[DataRequired(REQUIRED), max_length(500, _l('调转原因不能超过 500 个字'))])


class SendOutForm(TransferForm):
    member_id = SelectField(_l('调出人员'), coerce=int, validate_choice=False,
                            validators=[DataRequired(_l('请选择调出人员'))])


class SuperiorForm(FlaskForm):
    new_parent_id = IntegerField(_l('新的上级'), validators=[DataRequired(_l('请从搜索结果中选择新的上级单位或主管部门'))])
    reason = TextAreaField(_l('更换原因'), validators=[DataRequired(REQUIRED), max_length(500, _l('更换原因不能超过 500 个字'))])


class DecisionForm(FlaskForm):
    work_item_id = HiddenField(validators=[DataRequired(), Regexp(r'^\d{1,9}$', message=_l('请求无效'))])
    decision = RadioField(_l('审核结果'), validators=[DataRequired(_l('请选择审核结果'))],
                          choices=choices([('approve', '同意'), ('reject', '不同意')]))
    comment = TextAreaField(_l('不同意原因'), validators=[Optional(), max_length(500, _l('原因不能超过 500 个字'))])
