from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..forms import Form
from ..i18n import _l


class DraftForm(Form):
    """The editor's save: the XML written by bpmn-js / dmn-js and the version the editor opened."""
    xml = TextAreaField(validators=[DataRequired(message=_l('图的内容为空'))])
    base_version_id = HiddenField()
    base_sha = HiddenField()


class PublishForm(Form):
    comment = StringField(_l('发布说明'), validators=[DataRequired(message=_l('请填写发布说明')), Length(max=500)])
    draft_sha = HiddenField()


class BenchForm(Form):
    pathway = StringField(_l('认定类型 pathway'), validators=[Optional(), Length(max=50)])
    level = StringField(_l('级别 level'), validators=[Optional(), Length(max=50)])
    rank = StringField(_l('排名 rank'), validators=[Optional(), Length(max=10)])
    quantity = StringField(_l('数量 quantity'), validators=[Optional(), Length(max=20)])


class CaseForm(BenchForm):
    name = StringField(_l('用例名称'), validators=[Optional(), Length(max=200)])
    expected = StringField(_l('期望输出（JSON）'), validators=[DataRequired(message=_l('请填写期望输出')), Length(max=1000)])
