"""Reading a platform's export (CSV or .xlsx) into the records `import_records` takes, with their sheet row numbers."""
import csv
import io
from datetime import date, datetime


from ..dates import parse_day
from ..i18n import _l
from .operations import LearningError

# The header row a file must have, whatever language the uploader reads the pages in (the import matches it).
COLUMNS = {'身份证号': 'id_number', '课程名称': 'course', '科目类别': 'category', '学时': 'hours',  # i18n: data
           '完成日期': 'completed_on', '记录编号': 'record_id'}
MAX_ROWS = 5000


def read_upload(filename: str, data: bytes) -> list[tuple[int, dict]]:
    """[(row number in the sheet, record)]: the first filled row is the header, blank rows are left out.
    Raises LearningError for a file it cannot read."""
    name = (filename or '').lower()
    if name.endswith('.xlsx'):
        rows = _xlsx_rows(data)
    elif name.endswith('.csv'):
        rows = _csv_rows(data)
    else:
        raise LearningError(_l('请上传 CSV 或 Excel（.xlsx）文件'), 'file')
    rows = [(count, row) for count, row in rows if any(_cell(value) for value in row)]
    if not rows:
        raise LearningError(_l('文件是空的'), 'file')
    names = [_cell(value) for value in rows[0][1]]
    missing = [column for column in COLUMNS if column not in names]
    if missing:
        columns = '、'.join(missing)  # i18n: data - the Chinese column names, as they must be typed
        raise LearningError(_l('表头缺少列：%(columns)s', columns=columns), 'file')
    positions = {COLUMNS[column]: names.index(column) for column in COLUMNS}
    records = []
    for count, row in rows[1:]:
        values = [_cell(value) for value in row]
        if len(records) >= MAX_ROWS:
            raise LearningError(_l('一个文件最多 %(max)s 条记录，请分批上传', max=MAX_ROWS), 'file')
        record = {key: values[i] if i < len(values) else '' for key, i in positions.items()}
        record['completed_on'] = _day(record['completed_on'])
        records.append((count + 1, record))
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


def _csv_rows(data: bytes):
    for encoding in ('utf-8-sig', 'gb18030'):  # Excel in China saves CSV as GBK
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise LearningError(_l('无法识别文件编码，请保存为 UTF-8 编码的 CSV'), 'file')
    try:
        return list(enumerate(csv.reader(io.StringIO(text, newline=''))))
    except csv.Error:
        raise LearningError(_l('CSV 文件格式有误'), 'file') from None


def _xlsx_rows(data: bytes):
    from openpyxl import load_workbook
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        rows, filled = [], 0
        for count, row in enumerate(sheet.iter_rows(values_only=True)):
            if any(value not in (None, '') for value in row):
                rows.append((count, row))
                filled += 1
            if filled > MAX_ROWS + 1 or count > 20 * MAX_ROWS:  # enough to refuse; or formatted down to row 1,048,576
                break
        workbook.close()
    except Exception:  # a damaged or disguised file: openpyxl raises many kinds (zip, xml, key, value errors)
        raise LearningError(_l('无法读取该 Excel 文件，请确认是 .xlsx 格式'), 'file') from None
    return rows
