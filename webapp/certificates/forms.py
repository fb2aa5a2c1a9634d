"""Certificate and hour-record forms: each only carries the year (and, for a unit admin, whom it is about)."""
from wtforms import IntegerField
from wtforms.validators import DataRequired, NumberRange, Optional

from ..forms import Form
from ..i18n import _l

YEAR_REQUIRED = _l('请选择年度')


class YearForm(Form):
    year = IntegerField(_l('年度'), validators=[DataRequired(YEAR_REQUIRED), NumberRange(2000, 2100, YEAR_REQUIRED)])


class ConfirmForm(YearForm):
    pass


class PrintForm(YearForm):
    learner_id = IntegerField(validators=[Optional(), NumberRange(1, 2_000_000_000)])
