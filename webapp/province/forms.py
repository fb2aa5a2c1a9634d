"""Province settings forms: the registration and supplement windows (登记开放日期 / 增补开放日期), set on the
province's pages; claims and supplements only read them."""
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange, ValidationError

from ..forms import Form, REQUIRED, date_field
from ..i18n import _l


class WindowForm(Form):
    year = IntegerField(_l('计入年度'), validators=[InputRequired(REQUIRED), NumberRange(2000, 2100, _l('年度无效'))])
    opens_on = date_field(_l('开放日期'))
    closes_on = date_field(_l('截止日期'))

    def validate_closes_on(self, field):
        if self.opens_on.data and field.data and field.data < self.opens_on.data:
            raise ValidationError(_l('截止日期不能早于开放日期'))
