"""Claim forms. Messages are shown next to their field, in Chinese by default (English through Flask-Babel)."""
import json
from decimal import Decimal

from flask_babel import gettext as _
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from ..forms import (AmountField, choices, date_field, DecisionForm, Form, IdempotentForm, max_length, reason_field,
                     REQUIRED)
from ..formatting import format_hours
from ..i18n import _l
from ..catalogue import EMPTY, MAX_QUANTITY, UNITS, Catalogue
from .operations import ClaimInput


def listing(texts) -> str:
    """Texts of the catalog as one enumeration in the page's language (、 between them in Chinese)."""
    return _('、').join(_(text) for text in texts)


class ClaimForm(IdempotentForm):
    learner_id = SelectField(_l('专技人员'), coerce=int, validate_choice=False)  # only when a unit admin files
    pathway = SelectField(_l('认定类型'), validators=[DataRequired(REQUIRED)])
    sub_type = SelectField(_l('二级类型'), validate_choice=False, validators=[DataRequired(REQUIRED)])
    level = SelectField(_l('级别'), validate_choice=False, validators=[Optional()])
    rank = IntegerField(_l('本人排名'), validators=[Optional(), NumberRange(1, 99, _l('排名应在 1 到 99 之间'))])
    quantity = AmountField(_l('数量'), validators=[
        InputRequired(REQUIRED), NumberRange(Decimal('0.1'), MAX_QUANTITY, _l('数量应在 0.1 到 1000 之间'))])
    title = StringField(_l('认定内容/材料标题'),
                        validators=[DataRequired(REQUIRED), max_length(200, _l('不能超过 200 个字'))])
    start_date = date_field(_l('开始时间'))
    end_date = date_field(_l('结束时间'))
    applied_hours = AmountField(_l('申请学时'), validators=[InputRequired(REQUIRED)])
    year = IntegerField(_l('计入年度'), validators=[InputRequired(REQUIRED)])
    description = TextAreaField(_l('认定内容说明'), validators=[Optional(), max_length(1000, _l('不能超过 1000 个字'))])
    certificate_no = StringField(_l('证书编号'), validators=[Optional(), max_length(100, _l('不能超过 100 个字符'))])
    pledge = BooleanField(_l('本人承诺以上信息属实'), validators=[DataRequired(_l('请勾选“本人承诺以上信息属实”'))])

    def __init__(self, *args, catalogue: Catalogue = EMPTY, **kwargs):
        """*catalogue*: the province catalogue the claim is filed under (its pathways, sub-types and levels)."""
        super().__init__(*args, **kwargs)
        self.catalogue = catalogue
        pathways = catalogue.pathways.values()
        self.pathway.choices = choices([('', _l('请选择'))] + [(p.code, _l(p.label)) for p in pathways])
        # the sub-type is stored as it is (the value); its label is translated
        self.sub_type.choices = choices([('', _l('请选择'))]
                                        + list(dict.fromkeys((s, _l(s)) for p in pathways for s in p.sub_types)))
        levels = [(code, _l(label)) for code, label in catalogue.level_labels.items()]
        self.level.choices = choices([('', _l('无'))] + levels)

    def validate_sub_type(self, field):
        pathway = self.catalogue.pathway(self.pathway.data)
        if pathway and field.data not in pathway.sub_types:
            raise ValidationError(_l('二级类型须为“%(pathway)s”下的一项：%(sub_types)s', pathway=_l(pathway.label),
                                     sub_types=listing(pathway.sub_types)))

    def validate_end_date(self, field):
        if self.start_date.data and field.data and field.data < self.start_date.data:
            raise ValidationError(_l('结束时间不能早于开始时间'))

    def claim_input(self) -> ClaimInput:
        return ClaimInput(
            pathway=self.pathway.data, sub_type=self.sub_type.data, level=self.level.data or None, rank=self.rank.data,
            quantity=self.quantity.data, title=self.title.data.strip(), start_date=self.start_date.data,
            end_date=self.end_date.data, applied_hours=self.applied_hours.data, year=self.year.data,
            description=(self.description.data or '').strip() or None,
            certificate_no=(self.certificate_no.data or '').strip() or None, pledged=bool(self.pledge.data))

    def validate(self, extra_validators=None):
        """Level and rank depend on the pathway; Optional() would stop their own validators, so check here."""
        valid = super().validate(extra_validators)
        pathway = self.catalogue.pathway(self.pathway.data)
        if pathway is None:
            return valid
        if not pathway.levels:
            self.level.data = ''
        elif self.level.data not in pathway.levels:
            names = listing(self.catalogue.level_label(x) for x in pathway.levels)
            self.level.errors = list(self.level.errors) + [_l('请选择级别：%(levels)s', levels=names)]
            valid = False
        if not pathway.max_rank:
            self.rank.data = None
        elif self.rank.data is None and not self.rank.errors:
            self.rank.errors = list(self.rank.errors) + [_l('请填写本人排名')]
            valid = False
        return valid


def edit_context(form: ClaimForm, window=None, used=None, **extra) -> dict:
    """What claims/edit.html shows besides the form (a claim's or a supplement's entry): the pathways, with their sub
    types, levels, unit, rule text, evidence and cap for the page's script, the hours each has used this year
    (*used*: code -> approved hours), and the open registration window."""
    catalogue = form.catalogue
    known = used  # None: whose hours the form is for is not known yet (a unit admin picks the learner)
    used = used or {}
    pathways_json = json.dumps({code: {
        'sub_types': p.sub_types, 'levels': p.levels, 'unit': _(UNITS.get(p.unit, p.unit)), 'rank': bool(p.max_rank),
        'dated': p.dated, 'rule': _(p.rule) if p.rule else '', 'evidence': _(p.evidence) if p.evidence else '',
        'cap': format_hours(p.cap) if p.cap is not None else None,
        'left': format_hours(max(p.cap - used.get(code, 0), 0)) if p.cap is not None else None,
        'used': format_hours(Decimal(used.get(code, 0)))} for code, p in catalogue.pathways.items()},
        ensure_ascii=False)
    return dict(form=form, pathways=catalogue.pathways, level_labels=catalogue.level_labels, window=window,
                pathways_json=pathways_json, units=UNITS, used_hours=None if known is None else used,
                catalogue_id=catalogue.id, **extra)


class EvidenceForm(IdempotentForm):
    file = FileField(_l('附件（jpg/png/pdf）'), validators=[FileRequired(_l('请选择要上传的文件'))])
    caption = StringField(_l('附件说明'),
                          validators=[DataRequired(REQUIRED), max_length(33, _l('附件说明不能超过 33 个字'))])


class SubmitForm(Form):
    target = RadioField(_l('提交至'), default='unit', validators=[DataRequired(REQUIRED)],
                        choices=choices([('unit', _l('本单位审核')), ('supervisor', _l('主管部门审核'))]))
    supervisor_name = StringField(_l('主管部门名称'), validators=[Optional(), Length(max=200)])


class ReviewForm(DecisionForm):
    hours = AmountField(_l('学时'), validators=[Optional(), NumberRange(0, 1000, _l('学时应在 0 到 1000 之间'))])


class ReasonForm(Form):
    reason = reason_field(_l('原因'), _l('不能超过 500 个字'), required=_l('请填写原因'))
