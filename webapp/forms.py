"""What every feature's forms borrow: the common messages and validators, and the one inbox decision form (which
work item, the outcome, an optional reason). Each feature keeps its own forms in its own forms.py; this module
imports no feature."""
from flask import flash, redirect, request
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp, StopValidation

from . import idempotency
from .i18n import _l

REQUIRED = _l('此项为必填项')
DATE_MESSAGE = _l('请填写有效日期（年-月-日）')
ID_PATTERN = r'^\d{1,9}$'  # a row id as a form posts it; a longer number would fail in the database
REVIEW_OUTCOMES = [('approve', _l('通过')), ('reject', _l('不通过')), ('return', _l('退回修改'))]


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def please_choose(values) -> list[SelectChoice]:
    """A select of *values* (each its own label) that starts blank, so that nothing is chosen by default."""
    return choices([('', _l('请选择'))] + [(v, v) for v in values])


def finite(form, field):
    """Decimal accepts NaN, sNaN and Infinity; none of them is an amount."""
    if field.data is not None and not field.data.is_finite():
        raise StopValidation(_l('请输入有效的数字'))


def max_length(limit: int, message: str):
    return Length(max=limit, message=message)


def date_field(label, required: bool = True):
    return DateField(label, validators=[InputRequired(DATE_MESSAGE) if required else Optional()],
                     invalid_value_message=DATE_MESSAGE)


def hidden_id(message=_l('请求无效'), required: bool = True):
    """The id of a row chosen on the page (a work item, a registration, a unit from the search)."""
    return HiddenField(validators=[DataRequired() if required else Optional(), Regexp(ID_PATTERN, message=message)])


def reason_field(label, too_long=_l('原因不能超过 500 个字'), required=None):
    """A reason or comment of at most 500 characters; optional unless *required* is the message for a blank one."""
    return TextAreaField(label, validators=[DataRequired(required) if required is not None else Optional(),
                                            max_length(500, too_long)])


class IdempotentForm(FlaskForm):
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


class DecisionForm(FlaskForm):
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


class BatchReviewForm(FlaskForm):
    """批量 approve / reject / return of the work items ticked in 待我处理 (their ids are posted as item_ids)."""
    decision = SelectField(_l('批量操作'), validators=[DataRequired()], choices=choices(
        [('approve', _l('批量通过审核')), ('reject', _l('批量不通过审核')), ('return', _l('批量退回修改'))]))
    comment = reason_field(_l('审核意见'), _l('审核意见不能超过 500 个字'))
