"""The Excel import's upload form; the file itself is checked by the operations."""
from flask_wtf.file import FileField
from wtforms import BooleanField

from ..forms import Form
from ..i18n import _l


class UploadForm(Form):
    file = FileField(_l('导入文件（.xlsx）'))
    pledge = BooleanField(_l('本单位承诺导入信息属实'))
