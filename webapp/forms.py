"""What every feature's forms borrow: the base form, the common messages, fields and validators, the one inbox
decision form (which work item, the outcome, an optional reason) and the base of forms that create something
(IdempotentForm). Each feature keeps its own forms in its own forms.py, built on `Form` (never FlaskForm directly);
this module imports no feature."""
from flask import abort, flash, has_request_context, redirect, request
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from wtforms import DateField, DecimalField, FileField, HiddenField, RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp, StopValidation

from . import idempotency
from .dates import EARLIEST_YEAR, date_out_of_range
from .formatting import format_hours
from .i18n import _l
from .numbers import HOURS, ROW_ID, NumberRefused, parse_decimal

REQUIRED = _l('此项为必填项')
DATE_MESSAGE = _l('请填写有效日期（年-月-日）')
REVIEW_OUTCOMES = [('approve', _l('通过')), ('reject', _l('不通过')), ('return', _l('退回修改'))]


class Form(FlaskForm):
    """The base of every form. Pages post urlencoded or multipart forms, whose values are text (and files):
    - a JSON body is refused (415) before any field sees it: Flask-WTF would hand its numbers, lists and objects to
      fields that expect text;
    - an uploaded file reaches only the form's file fields: posted under a text field's name it is left out (the
      field is then missing, as it was)."""

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            if has_request_context() and request.method != 'GET' and request.is_json:
                abort(415)
            formdata = super().wrap_formdata(form, formdata)
            if isinstance(formdata, CombinedMultiDict) and has_request_context() and request.files:
                file_fields = {field.name for field in form if isinstance(field, FileField)}
                files = MultiDict([(name, file) for name, file in request.files.items(multi=True)
                                   if name in file_fields])
                formdata = CombinedMultiDict([files, request.form])
            return formdata


class AmountField(DecimalField):
    """A decimal as its column keeps it (Numeric(precision, scale), hours by default): the text is checked before it
    becomes a number (webapp/numbers.py), so that 1e-999999999, NaN or 0.04 of an hour are refused with a clear
    message instead of costing gigabytes or being stored as 0.0. Empty is left to InputRequired / Optional."""

    def __init__(self, label=None, validators=None, column: tuple[int, int] = HOURS, **kwargs):
        super().__init__(label, validators, places=column[1], **kwargs)
        self.column = column

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        self.data = None
        if valuelist[0] == '':
            return
        try:
            self.data = parse_decimal(valuelist[0], self.column)
        except NumberRefused as exc:
            raise ValueError(str(exc.message)) from None

    def _value(self):
        """What the input shows: as typed when the form came back, else the number as people write it (36, 4.5;
        not the column's 36.0)."""
        if self.raw_data:
            return self.raw_data[0]
        return format_hours(self.data) if self.data is not None else ''

    def pre_validate(self, form):
        if self.process_errors:  # its own message only, not the range validators' as well
            raise StopValidation()


class BoundedDateField(DateField):
    """A date between 1 January of the earliest plausible year (the config key *earliest*: EARLIEST_YEAR, 2000 by
    default) and 31 December of next year (LATEST_YEARS_AHEAD): 0001-01-01 or 9999-12-31 are typing errors or
    probes, not days people trained on."""

    def __init__(self, label=None, validators=None, earliest: str = EARLIEST_YEAR, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.earliest = earliest

    def pre_validate(self, form):
        if self.data is not None:
            problem = date_out_of_range(self.data, self.earliest)
            if problem is not None:
                raise StopValidation(str(problem))


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def please_choose(values) -> list[SelectChoice]:
    """A select of *values* (each its own label) that starts blank, so that nothing is chosen by default."""
    return choices([('', _l('请选择'))] + [(v, v) for v in values])


def max_length(limit: int, message: str):
    return Length(max=limit, message=message)


def date_field(label, required: bool = True, earliest: str = EARLIEST_YEAR):
    """*earliest*: the config key of the earliest year allowed (a professional title may be older than the
    activities people register)."""
    return BoundedDateField(label, validators=[InputRequired(DATE_MESSAGE) if required else Optional()],
                            invalid_value_message=DATE_MESSAGE, earliest=earliest)


class IdField(HiddenField):
    """A row id, kept as the text a form posts: a view may fill it with a number (the page's own work item), which
    the pattern must still be able to read when the post leaves it out."""

    def process_data(self, value):
        super().process_data(None if value is None else str(value))


def hidden_id(message=_l('请求无效'), required: bool = True):
    """The id of a row chosen on the page (a work item, a registration, a unit from the search): ASCII digits, few
    enough for the database's integer."""
    return IdField(validators=[DataRequired() if required else Optional(),
                               Regexp(f'^{ROW_ID.pattern}$', message=message)])


def reason_field(label, too_long=_l('原因不能超过 500 个字'), required=None):
    """A reason or comment of at most 500 characters; optional unless *required* is the message for a blank one."""
    return TextAreaField(label, validators=[DataRequired(required) if required is not None else Optional(),
                                            max_length(500, too_long)])


class IdempotentForm(Form):
    """A form that creates something carries a token drawn when it is rendered (the template shows
    `form.idempotency_token` beside `form.csrf_token`): a POST repeated with it creates nothing a second time
    (webapp/idempotency.py). In the view, once the form is valid and before creating:
    `if (again := form.repeated()) is not None: return again`, and after creating:
    `return redirect(form.created(url_for(…), thing))`."""
    idempotency_token = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not idempotency.TOKEN.fullmatch(self.idempotency_token.data or ''):  # a new form, or posted without one
            self.idempotency_token.data = idempotency.new_token()
        self.idempotency_key = self.earlier = None

    def repeated(self):
        """None when this submission is new (its token is taken until the transaction ends); for a repeat, the
        answer: back to what the first one created, saying so."""
        self.idempotency_key, self.earlier = idempotency.take(self.idempotency_token.data)
        if self.earlier is None:
            return None
        flash(_('这份表单已经提交过，没有重复保存：以下是当时保存的结果'), 'info')
        return redirect(self.earlier.location or request.path)

    def created(self, location: str, subject=None) -> str:
        """Where this submission sends its author (and what it created, a model row); returns *location*."""
        return idempotency.remember(self.idempotency_key, location, subject)


class DecisionForm(Form):
    """A decision on one inbox work item. As it stands: the review of a claim or a supplement; decision_form() gives
    a feature its own outcome labels."""
    work_item_id = hidden_id()
    decision = RadioField(_l('审核结果'), validators=[DataRequired(_l('请选择审核结果'))], choices=choices(REVIEW_OUTCOMES))
    comment = reason_field(_l('审核意见'), _l('审核意见不能超过 500 个字'))


def decision_form(outcomes, reason_label, *, label=_l('审核结果'), missing=_l('请选择审核结果')) -> type[DecisionForm]:
    """A DecisionForm whose outcomes are *outcomes* ([('approve', '同意'), ('reject', '不同意')] …) and whose reason is
    labelled *reason_label*; *label* and *missing* name the choice and the message when none is made."""
    class FeatureDecisionForm(DecisionForm):
        decision = RadioField(label, validators=[DataRequired(missing)], choices=choices(outcomes))
        comment = reason_field(reason_label)
    return FeatureDecisionForm


class BatchReviewForm(Form):
    """批量 approve / reject / return of the work items ticked in 待我处理 (their ids are posted as item_ids)."""
    decision = SelectField(_l('批量操作'), validators=[DataRequired()], choices=choices(
        [('approve', _l('批量通过审核')), ('reject', _l('批量不通过审核')), ('return', _l('批量退回修改'))]))
    comment = reason_field(_l('审核意见'), _l('审核意见不能超过 500 个字'))
