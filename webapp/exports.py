"""Lists as .xlsx downloads (openpyxl, write-only: flat memory for long lists)."""
import io
from typing import Iterable

from flask import send_file
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
MAX_EXPORT_ROWS = 100_000


def wants_export(args) -> bool:
    return args.get('export') == 'xlsx'


def xlsx_response(filename: str, headers: list[str], rows: Iterable[list], sheet: str = '数据'):
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet)
    header = []
    for title in headers:
        cell = WriteOnlyCell(ws, value=title)
        cell.font = Font(bold=True)
        header.append(cell)
    ws.append(header)
    for n, row in enumerate(rows):
        if n >= MAX_EXPORT_ROWS:
            break
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return send_file(out, mimetype=XLSX, as_attachment=True, download_name=f'{filename}.xlsx')
