"""Claim forms; every message is the Chinese text shown next to the field."""
from decimal import Decimal

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms.fields.choices import SelectChoice
from wtforms import BooleanField, DateField, DecimalField, HiddenField, IntegerField, RadioField, SelectField, \
    StringField, TextAreaField
from wtforms.validators import StopValidation, DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from .catalog import LEVEL_LABELS, PATHWAYS

REQUIRED = '此项为必填项'


def finite(form, field):
    """Decimal accepts NaN, sNaN and Infinity; none of them is an amount."""
    if field.data is not None and not field.data.is_finite():
        raise StopValidation('请输入有效的数字')


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]

DATE_MESSAGE = '请填写有效日期（年-月-日）'


class ClaimForm(FlaskForm):
    learner_id = SelectField('专技人员', coerce=int, validate_choice=False)  # only when a unit admin files
    pathway = SelectField('认定类型', choices=choices([('', '请选择')] + [(p.code, p.label) for p in PATHWAYS.values()]),
                          validators=[DataRequired(REQUIRED)])
    sub_type = SelectField('二级类型', validate_choice=False, validators=[DataRequired(REQUIRED)])
    level = SelectField('级别', validate_choice=False, validators=[Optional()])
    rank = IntegerField('本人排名', validators=[Optional(), NumberRange(1, 99, '排名应在 1 到 99 之间')])
    quantity = DecimalField('数量', places=1, validators=[InputRequired(REQUIRED), finite,
                                                        NumberRange(Decimal('0.1'), 1000, '数量应在 0.1 到 1000 之间')])
    title = StringField('认定内容/材料标题', validators=[DataRequired(REQUIRED), Length(max=200, message='不能超过 200 个字')])
    start_date = DateField('开始时间', validators=[InputRequired(DATE_MESSAGE)],
                           invalid_value_message=DATE_MESSAGE)
    end_date = DateField('结束时间', validators=[InputRequired(DATE_MESSAGE)],
                           invalid_value_message=DATE_MESSAGE)
    applied_hours = DecimalField('申请学时', places=1, validators=[InputRequired(REQUIRED), finite])
    year = IntegerField('计入年度', validators=[InputRequired(REQUIRED)])
    description = TextAreaField('认定内容说明', validators=[Optional(), Length(max=1000, message='不能超过 1000 个字')])
    certificate_no = StringField('证书编号', validators=[Optional(), Length(max=100, message='不能超过 100 个字符')])
    pledge = BooleanField('本人承诺以上信息属实', validators=[DataRequired('请勾选“本人承诺以上信息属实”')])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sub_type.choices = choices([('', '请选择')] + [(s, s) for p in PATHWAYS.values() for s in p.sub_types])
        self.level.choices = choices([('', '无')] + list(LEVEL_LABELS.items()))

    def validate_sub_type(self, field):
        pathway = PATHWAYS.get(self.pathway.data)
        if pathway and field.data not in pathway.sub_types:
            raise ValidationError(f'二级类型须为“{pathway.label}”下的一项：' + '、'.join(pathway.sub_types))

    def validate(self, extra_validators=None):
        """Level and rank depend on the pathway; Optional() would stop their own validators, so check here."""
        valid = super().validate(extra_validators)
        pathway = PATHWAYS.get(self.pathway.data)
        if pathway is None:
            return valid
        if not pathway.levels:
            self.level.data = ''
        elif self.level.data not in pathway.levels:
            self.level.errors = list(self.level.errors) + ['请选择级别：' + '、'.join(LEVEL_LABELS[x] for x in pathway.levels)]
            valid = False
        if not pathway.max_rank:
            self.rank.data = None
        elif self.rank.data is None and not self.rank.errors:
            self.rank.errors = list(self.rank.errors) + ['请填写本人排名']
            valid = False
        return valid

    def validate_end_date(self, field):
        if self.start_date.data and field.data and field.data < self.start_date.data:
            raise ValidationError('结束时间不能早于开始时间')


class EvidenceForm(FlaskForm):
    file = FileField('附件（jpg/png/pdf）', validators=[FileRequired('请选择要上传的文件')])
    caption = StringField('附件说明', validators=[DataRequired(REQUIRED), Length(max=33, message='附件说明不能超过 33 个字')])


class SubmitForm(FlaskForm):
    target = RadioField('提交至', choices=choices([('unit', '本单位审核'), ('supervisor', '主管部门审核')]), default='unit',
                        validators=[DataRequired(REQUIRED)])
    supervisor_name = StringField('主管部门名称', validators=[Optional(), Length(max=200)])


class ReviewForm(FlaskForm):
    work_item_id = HiddenField(validators=[DataRequired()])
    decision = RadioField('审核结果', choices=choices([('approve', '通过'), ('reject', '不通过'), ('return', '退回修改')]),
                          validators=[DataRequired('请选择审核结果')])
    hours = DecimalField('学时', places=1, validators=[Optional(), finite, NumberRange(0, 1000, '学时应在 0 到 1000 之间')])
    comment = TextAreaField('审核意见', validators=[Optional(), Length(max=500, message='审核意见不能超过 500 个字')])


class BatchReviewForm(FlaskForm):
    decision = SelectField('批量操作', choices=choices([('approve', '批量通过审核'), ('reject', '批量不通过审核'),
                                                    ('return', '批量退回修改')]), validators=[DataRequired()])
    comment = TextAreaField('审核意见', validators=[Optional(), Length(max=500, message='审核意见不能超过 500 个字')])


class ReasonForm(FlaskForm):
    reason = TextAreaField('原因', validators=[DataRequired('请填写原因'), Length(max=500, message='不能超过 500 个字')])


class WindowForm(FlaskForm):
    year = IntegerField('计入年度', validators=[InputRequired(REQUIRED), NumberRange(2000, 2100, '年度无效')])
    opens_on = DateField('开放日期', validators=[InputRequired(DATE_MESSAGE)],
                           invalid_value_message=DATE_MESSAGE)
    closes_on = DateField('截止日期', validators=[InputRequired(DATE_MESSAGE)],
                           invalid_value_message=DATE_MESSAGE)

    def validate_closes_on(self, field):
        if self.opens_on.data and field.data and field.data < self.opens_on.data:
            raise ValidationError('截止日期不能早于开放日期')
