from flask_wtf.file import FileField, FileRequired
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from ..forms import Form, REQUIRED
from ..i18n import _l


class PlatformForm(Form):
    name = StringField(_l('平台名称'), validators=[
        DataRequired(REQUIRED), Length(max=100, message=_l('平台名称不能超过 100 个字符'))])


class UploadForm(Form):
    file = FileField(_l('学习记录文件（CSV 或 .xlsx）'), validators=[FileRequired(_l('请选择要上传的文件'))])


class ActionForm(Form):
    """A button that changes something: only the CSRF token."""
