from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..forms import Form
from ..i18n import _l
from .choices import input_choices


class DraftForm(Form):
    """The editor's save: the XML written by bpmn-js / dmn-js and the version the editor opened."""
    xml = TextAreaField(validators=[DataRequired(message=_l('图的内容为空'))])
    base_version_id = HiddenField()
    base_sha = HiddenField()


class PublishForm(Form):
    comment = StringField(_l('发布说明'), validators=[DataRequired(message=_l('请填写发布说明')), Length(max=500)])
    draft_sha = HiddenField()


class BenchForm(Form):
    """The credit table's inputs: pathway and level picked by their labels (the code is sent), rank and quantity
    typed. What is not a listed value is refused by workbench.operations.bench_inputs, in Chinese."""
    pathway = SelectField(_l('认定类型'), validate_choice=False)
    level = SelectField(_l('级别'), validate_choice=False)
    rank = StringField(_l('排名'), validators=[Optional(), Length(max=10)])
    quantity = StringField(_l('数量'), validators=[Optional(), Length(max=20)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = input_choices()
        self.pathway.choices = [('', _l('（不填）'))] + choices['pathway']
        self.level.choices = [('', _l('（不填）'))] + choices['level']


class CaseForm(BenchForm):
    """A saved test case: a name, the inputs as on the bench, and the expected value of each output column (fields
    the page adds per output: workbench.operations.expected_outputs)."""
    name = StringField(_l('用例名称'), validators=[Optional(), Length(max=200)])
