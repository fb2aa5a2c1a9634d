"""Online-course forms: the province's course, lesson and quiz question; the learner's choice of courses, the quiz,
and the study page's heartbeat (posted by static/study.js with the page's CSRF token)."""
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, IntegerField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..forms import AmountField, choices, Form, REQUIRED
from ..i18n import _l

YEARS = NumberRange(2000, 2100, _l('年度应在 2000 至 2100 之间'))


class CourseForm(Form):
    title = StringField(_l('课程名称'), validators=[DataRequired(REQUIRED),
                                                Length(max=200, message=_l('课程名称不能超过 200 个字符'))])
    area_id = SelectField(_l('课程分类'), coerce=int, validators=[DataRequired(REQUIRED)])
    hours = AmountField(_l('学时'), column=(4, 1), validators=[InputRequired(REQUIRED)])
    first_year = IntegerField(_l('适用年度（起）'), validators=[InputRequired(REQUIRED), YEARS])
    last_year = IntegerField(_l('适用年度（止）'), validators=[InputRequired(REQUIRED), YEARS])
    pass_mark = IntegerField(_l('测验合格分数（不设测验则留空）'), validators=[
        Optional(), NumberRange(1, 100, _l('合格分数应在 1 至 100 之间'))])


class LessonForm(Form):
    title = StringField(_l('课件名称'), validators=[DataRequired(REQUIRED),
                                                Length(max=200, message=_l('课件名称不能超过 200 个字符'))])
    seconds = IntegerField(_l('时长（秒）'), validators=[InputRequired(REQUIRED),
                                                    NumberRange(1, 6 * 3600, _l('时长应在 1 秒至 6 小时之间'))])
    file = FileField(_l('课件文件（mp4 视频或 pdf 文档）'), validators=[FileRequired(_l('请选择课件文件'))])


class QuestionForm(Form):
    text = StringField(_l('题目'), validators=[
        DataRequired(REQUIRED), Length(max=500, message=_l('题目不能超过 500 个字'))])
    options = TextAreaField(_l('选项（每行一个）'), validators=[
        DataRequired(REQUIRED), Length(max=2000, message=_l('选项不能超过 2000 个字'))])
    answer = IntegerField(_l('正确选项序号'), validators=[
        InputRequired(REQUIRED), NumberRange(1, 8, _l('正确选项应是 1 至 8 之间的序号'))])


class ActionForm(Form):
    """A button that changes something: only the CSRF token."""


class HeartbeatForm(Form):
    window = HiddenField(validators=[DataRequired(), Length(max=32)])
    position = AmountField(column=(7, 1), validators=[Optional()])


class ChooseForm(Form):
    """加入 (one course) or 批量加入 (the ticked ones)."""
    course_id = SelectMultipleField(coerce=int, validate_choice=False, validators=[
        DataRequired(_l('请选择要加入的课程')), Length(max=100, message=_l('一次最多加入 100 门课程'))])


def quiz_form(questions):
    """The quiz of a course: one required choice per question (field q<id>, the option's 0-based index)."""
    class QuizForm(Form):
        pass
    for q in questions:
        setattr(QuizForm, f'q{q.id}', RadioField(q.text, coerce=int, choices=choices(enumerate(q.option_list)),
                                                 validators=[InputRequired(_l('请回答每一道题'))]))
    return QuizForm()
