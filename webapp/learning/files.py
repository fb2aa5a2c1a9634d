"""Reading a platform's export (CSV or .xlsx) into the records `import_records` takes, with their sheet row numbers."""
from datetime import date, datetime

from flask import current_app

from ..dates import parse_day
from ..i18n import _l
from ..spreadsheets import read_table
from .operations import LearningError

# The header row a file must have, whatever language the uploader reads the pages in (the import matches it).
COLUMNS = {'身份证号': 'id_number', '课程名称': 'course', '科目类别': 'category', '学时': 'hours',  # i18n: data
           '完成日期': 'completed_on', '记录编号': 'record_id'}


def read_upload(filename: str, data: bytes) -> list[tuple[int, dict]]:
    """[(row number in the sheet, record)]: the first filled row is the header, blank rows are left out.
    Raises a Refused (LearningError, SheetRefused) for a file it cannot read; the work is bounded
    (webapp/spreadsheets.py)."""
    name = (filename or '').lower()
    if not name.endswith(('.xlsx', '.csv')):
        raise LearningError(_l('请上传 CSV 或 Excel（.xlsx）文件'), 'file')
    limit = current_app.config['LEARNING_UPLOAD_MAX_ROWS']
    header, rows = read_table(data, csv_file=name.endswith('.csv'), max_rows=limit,
                              unreadable=_l('无法读取该 Excel 文件，请确认是 .xlsx 格式'),
                              too_many=_l('一个文件最多 %(max)s 条记录，请分批上传', max=limit))
    if not header:
        raise LearningError(_l('文件是空的'), 'file')
    names = [_cell(value) for value in header]
    missing = [column for column in COLUMNS if column not in names]
    if missing:
        columns = '、'.join(missing)  # i18n: data - the Chinese column names, as they must be typed
        raise LearningError(_l('表头缺少列：%(columns)s', columns=columns), 'file')
    positions = {COLUMNS[column]: names.index(column) for column in COLUMNS}
    records = []
    for number, row in rows:
        values = [_cell(value) for value in row]
        record = {key: values[i] for key, i in positions.items()}
        record['completed_on'] = _day(record['completed_on'])
        records.append((number, record))
    if not records:
        raise LearningError(_l('文件中没有记录'), 'file')
    return records


def _day(text: str) -> str:
    """A date typed as Excel or a person writes it (2026/3/15, 2026-3-1) in the API's form (2026-03-15); anything
    else is left for the import to refuse with its message. The JSON API itself stays strict."""
    day = parse_day(text)
    return day.isoformat() if day is not None else text


def _cell(value) -> str:
    """Cells as the text a person sees: dates as yyyy-mm-dd, whole numbers without '.0'."""
    if value is None:
        return ''
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
