"""Lists as .xlsx downloads (openpyxl, write-only: flat memory for long lists)."""
import io
from typing import Iterable

from flask import send_file
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
MAX_EXPORT_ROWS = 100_000
FORMULA_STARTS = ('=', '+', '-', '@')  # what Excel or LibreOffice would take as the start of a formula


def wants_export(args) -> bool:
    return args.get('export') == 'xlsx'


def _as_text(ws, value: str) -> WriteOnlyCell:
    """User text such as =HYPERLINK(...) stays text: a string cell (never a formula, so the export shows and
    imports again exactly what was typed), marked quote-prefixed so that editing it in Excel keeps it text."""
    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = 's'
    cell.quotePrefix = True
    return cell


def xlsx_response(filename: str, headers: list[str], rows: Iterable[list], sheet: str | None = None):
    """*filename*, *headers* and *sheet* may be lazy strings: they are written in the reader's language."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(str(sheet) if sheet else _('数据'))
    header = []
    for title in headers:
        cell = WriteOnlyCell(ws, value=str(title))
        cell.font = Font(bold=True)
        header.append(cell)
    ws.append(header)
    for n, row in enumerate(rows):
        if n >= MAX_EXPORT_ROWS:
            break
        ws.append([_as_text(ws, value) if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value
                   for value in row])
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return send_file(out, mimetype=XLSX, as_attachment=True, download_name=f'{filename}.xlsx')
