"""Supplement forms (the entries themselves use the claim form)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Optional, Regexp

from ..claims.forms import REQUIRED, choices, max_length


class RequestForm(FlaskForm):
    pathway = SelectField(_l('增补类别'), validators=[DataRequired(REQUIRED)], validate_choice=False)


class AgreeForm(FlaskForm):
    work_item_id = HiddenField(validators=[DataRequired(), Regexp(r'^\d{1,9}$', message=_l('请求无效'))])
    decision = RadioField(_l('审批'), validators=[DataRequired(_l('请选择“同意增补”或“拒绝增补”'))],
                          choices=choices([('agree', '同意增补'), ('refuse', '拒绝增补')]))
    comment = TextAreaField(_l('拒绝原因'), validators=[Optional(), max_length(500, _l('原因不能超过 500 个字'))])


class ReviewForm(FlaskForm):
    work_item_id = HiddenField(validators=[DataRequired(), Regexp(r'^\d{1,9}$', message=_l('请求无效'))])
    decision = RadioField(_l('审核结果'), validators=[DataRequired(_l('请选择审核结果'))],
                          choices=choices([('approve', '通过'), ('reject', '不通过'), ('return', '退回修改')]))
    comment = TextAreaField(_l('审核意见'), validators=[Optional(), max_length(500, _l('审核意见不能超过 500 个字'))])
