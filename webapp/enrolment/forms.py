"""报名 forms: the learner's enrolment and the unit's review."""
from wtforms import RadioField, SelectField
from wtforms.validators import DataRequired

from models.profile import EDUCATION, IDENTITIES, POLITICAL, SPECIALTIES, TITLES

from ..dates import EARLIEST_TITLE_YEAR
from ..forms import Form, REQUIRED, choices, date_field, decision_form, please_choose
from ..i18n import _l


def shown(values):
    """Choices whose values are stored as they are (seed 003's Chinese) and shown in the reader's language."""
    return choices((v, _l(v)) for v in values)


class EnrolmentForm(Form):
    identity = RadioField(_l('人员身份'), choices=shown(IDENTITIES), validators=[DataRequired(REQUIRED)])
    political_status = SelectField(_l('政治面貌'), choices=please_choose(POLITICAL), validators=[DataRequired(REQUIRED)])
    education = SelectField(_l('最高学历'), choices=please_choose(EDUCATION), validators=[DataRequired(REQUIRED)])
    title = RadioField(_l('专业技术职务任职资格'), choices=shown(TITLES), validators=[DataRequired(REQUIRED)])
    title_date = date_field(_l('取得时间'), required=False, earliest=EARLIEST_TITLE_YEAR)
    specialty = SelectField(_l('现从事专业'), choices=please_choose(SPECIALTIES), validators=[DataRequired(REQUIRED)])


ReviewForm = decision_form([('approve', _l('审核通过')), ('reject', _l('审核不通过'))], _l('不通过原因'))
