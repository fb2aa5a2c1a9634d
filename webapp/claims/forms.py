"""Claim forms. Messages are shown next to their field, in Chinese by default (English through Flask-Babel)."""
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (BooleanField, DateField, DecimalField, HiddenField, IntegerField, RadioField, SelectField,
                     StringField, TextAreaField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (DataRequired, InputRequired, Length, NumberRange, Optional, StopValidation,
                                ValidationError)

from .catalog import LEVEL_LABELS, MAX_QUANTITY, PATHWAYS

REQUIRED = _l('此项为必填项')
DATE_MESSAGE = _l('请填写有效日期（年-月-日）')


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def finite(form, field):
    """Decimal accepts NaN, sNaN and Infinity; none of them is an amount."""
    if field.data is not None and not field.data.is_finite():
        raise StopValidation(_l('请输入有效的数字'))


def max_length(limit: int, message: str):
    return Length(max=limit, message=message)


def date_field(label):
    return DateField(label, validators=[InputRequired(DATE_MESSAGE)], invalid_value_message=DATE_MESSAGE)


class ClaimForm(FlaskForm):
    learner_id = SelectField(_l('专技人员'), coerce=int, validate_choice=False)  # only when a unit admin files
    pathway = SelectField(_l('认定类型'), validators=[DataRequired(REQUIRED)],
                          choices=choices([('', '请选择')] + [(p.code, p.label) for p in PATHWAYS.values()]))
    sub_type = SelectField(_l('二级类型'), validate_choice=False, validators=[DataRequired(REQUIRED)])
    level = SelectField(_l('级别'), validate_choice=False, validators=[Optional()])
    rank = IntegerField(_l('本人排名'), validators=[Optional(), NumberRange(1, 99, _l('排名应在 1 到 99 之间'))])
    quantity = DecimalField(_l('数量'), places=1, validators=[
        InputRequired(REQUIRED), finite, NumberRange(Decimal('0.1'), MAX_QUANTITY, _l('数量应在 0.1 到 1000 之间'))])
    title = StringField(_l('认定内容/材料标题'),
                        validators=[DataRequired(REQUIRED), max_length(200, _l('不能超过 200 个字'))])
    start_date = date_field(_l('开始时间'))
    end_date = date_field(_l('结束时间'))
    applied_hours = DecimalField(_l('申请学时'), places=1, validators=[InputRequired(REQUIRED), finite])
    year = IntegerField(_l('计入年度'), validators=[InputRequired(REQUIRED)])
    description = TextAreaField(_l('认定内容说明'), validators=[Optional(), max_length(1000, _l('不能超过 1000 个字'))])
    certificate_no = StringField(_l('证书编号'), validators=[Optional(), max_length(100, _l('不能超过 100 个字符'))])
    pledge = BooleanField(_l('本人承诺以上信息属实'), validators=[DataRequired(_l('请勾选“本人承诺以上信息属实”'))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sub_type.choices = choices([('', '请选择')] + [(s, s) for p in PATHWAYS.values() for s in p.sub_types])
        self.level.choices = choices([('', '无')] + list(LEVEL_LABELS.items()))

    def validate_sub_type(self, field):
        pathway = PATHWAYS.get(self.pathway.data)
        if pathway and field.data not in pathway.sub_types:
            raise ValidationError(f'二级类型须为“{pathway.label}”下的一项：' + '、'.join(pathway.sub_types))

    def validate_end_date(self, field):
        if self.start_date.data and field.data and field.data < self.start_date.data:
            raise ValidationError(_l('结束时间不能早于开始时间'))

    def validate(self, extra_validators=None):
        """Level and rank depend on the pathway; Optional() would stop their own validators, so check here."""
        valid = super().validate(extra_validators)
        pathway = PATHWAYS.get(self.pathway.data)
        if pathway is None:
            return valid
        if not pathway.levels:
            self.level.data = ''
        elif self.level.data not in pathway.levels:
            names = '、'.join(LEVEL_LABELS[x] for x in pathway.levels)
            self.level.errors = list(self.level.errors) + [f'请选择级别：{names}']
            valid = False
        if not pathway.max_rank:
            self.rank.data = None
        elif self.rank.data is None and not self.rank.errors:
            self.rank.errors = list(self.rank.errors) + [_l('请填写本人排名')]
            valid = False
        return valid


class EvidenceForm(FlaskForm):
    file = FileField(_l('附件（jpg/png/pdf）'), validators=[FileRequired(_l('请选择要上传的文件'))])
    caption = StringField(_l('附件说明'),
                          validators=[DataRequired(REQUIRED), max_length(33, _l('附件说明不能超过 33 个字'))])


class SubmitForm(FlaskForm):
    target = RadioField(_l('提交至'), default='unit', validators=[DataRequired(REQUIRED)],
                        choices=choices([('unit', '本单位审核'), ('supervisor', '主管部门审核')]))
    supervisor_name = StringField(_l('主管部门名称'), validators=[Optional(), Length(max=200)])


class ReviewForm(FlaskForm):
    work_item_id = HiddenField(validators=[DataRequired()])
    decision = RadioField(_l('审核结果'), validators=[DataRequired(_l('请选择审核结果'))],
                          choices=choices([('approve', '通过'), ('reject', '不通过'), ('return', '退回修改')]))
    hours = DecimalField(_l('学时'), places=1,
                         validators=[Optional(), finite, NumberRange(0, 1000, _l('学时应在 0 到 1000 之间'))])
    comment = TextAreaField(_l('审核意见'), validators=[Optional(), max_length(500, _l('审核意见不能超过 500 个字'))])


class BatchReviewForm(FlaskForm):
    decision = SelectField(_l('批量操作'), validators=[DataRequired()], choices=choices(
        [('approve', '批量通过审核'), ('reject', '批量不通过审核'), ('return', '批量退回修改')]))
    comment = TextAreaField(_l('审核意见'), validators=[Optional(), max_length(500, _l('审核意见不能超过 500 个字'))])


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l('原因'),
                           validators=[DataRequired(_l('请填写原因')), max_length(500, _l('不能超过 500 个字'))])


class WindowForm(FlaskForm):
    year = IntegerField(_l('计入年度'), validators=[InputRequired(REQUIRED), NumberRange(2000, 2100, _l('年度无效'))])
    opens_on = date_field(_l('开放日期'))
    closes_on = date_field(_l('截止日期'))

    def validate_closes_on(self, field):
        if self.opens_on.data and field.data and field.data < self.opens_on.data:
            raise ValidationError(_l('截止日期不能早于开放日期'))
