from wtforms import (BooleanField, HiddenField, IntegerField, SelectField, SelectMultipleField, StringField,
                     TextAreaField)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..catalogue import CATEGORY_LABELS, MAX_CAP, MAX_RANK, UNITS
from ..forms import REQUIRED, AmountField, Form, choices
from ..i18n import _l
from .catalogue_operations import PathwayInput
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


# ---- 认定类型目录 -------------------------------------------------------------------------------------------------

class CatalogueForm(Form):
    """What every change of the catalogue carries: the version the editor opened (its sha256)."""
    base_sha = HiddenField()


class PathwayForm(CatalogueForm):
    code = StringField(_l('代码'), validators=[Optional(), Length(max=30, message=_l('代码不能超过 30 个字符'))],
                       description=_l('小写字母开头的字母、数字或下划线，如 training；学时折算表按代码匹配，保存后不能修改'))
    label = StringField(_l('认定类型名称'), validators=[DataRequired(REQUIRED),
                                                  Length(max=50, message=_l('不能超过 50 个字'))])
    category = SelectField(_l('科目类别'), choices=choices((c, _l(label)) for c, label in CATEGORY_LABELS.items()),
                           default='professional')
    unit = SelectField(_l('数量单位（数量计什么）'), choices=choices((u, _l(label)) for u, label in UNITS.items()),
                       description=_l('天、半天按开始和结束时间自动计算数量'))
    sub_types = TextAreaField(_l('二级类型（每行一个）'), validators=[DataRequired(REQUIRED),
                                                            Length(max=2000, message=_l('不能超过 2000 个字'))])
    levels = SelectMultipleField(_l('询问的级别'), choices=[], validate_choice=False,
                                 widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    max_rank = IntegerField(_l('询问本人排名（排名上限）'), validators=[
        Optional(), NumberRange(1, MAX_RANK, _l('排名上限应在 1 到 %(max)s 之间', max=MAX_RANK))],
        description=_l('不询问排名请留空'))
    cap = AmountField(_l('每年度学时上限'), validators=[Optional(), NumberRange(1, MAX_CAP, _l(
        '年度上限应为 1 到 %(max)s 之间的学时数（不设上限请留空）', max=MAX_CAP))], description=_l('不设上限请留空'))
    rule = TextAreaField(_l('规则说明（学员填写时可见）'), validators=[Optional(), Length(max=1000, message=_l('不能超过 1000 个字'))])
    evidence = TextAreaField(_l('所需证明材料'), validators=[Optional(), Length(max=500, message=_l('不能超过 500 个字'))])

    def pathway_input(self, code: str | None = None):
        return PathwayInput(
            code=(code or self.code.data or '').strip(), label=self.label.data.strip(), category=self.category.data,
            unit=self.unit.data, sub_types=[s.strip() for s in self.sub_types.data.splitlines() if s.strip()],
            levels=list(self.levels.data or []), max_rank=self.max_rank.data,
            cap=str(self.cap.data) if self.cap.data is not None else None, rule=(self.rule.data or '').strip(),
            evidence=(self.evidence.data or '').strip())


class LevelsForm(CatalogueForm):
    levels = TextAreaField(_l('级别（每行一个：代码 = 名称）'),
                           validators=[Optional(), Length(max=3000, message=_l('不能超过 3000 个字'))])


class CataloguePublishForm(CatalogueForm):
    comment = StringField(_l('发布说明'), validators=[DataRequired(message=_l('请填写发布说明')), Length(max=500)])
    confirm = BooleanField(_l('我已核对：发布后新登记使用此版本，进行中的登记仍按原版本'),
                           validators=[DataRequired(_l('请勾选确认后再发布'))])
