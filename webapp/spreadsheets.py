"""Reading an uploaded table (.xlsx or CSV) with work bounded by what is really read.

An .xlsx is a zip of XML. A 2 KB file may declare its sheet `A1:XFD1048576`, and openpyxl's read-only sheet then
pads every row to 16,384 cells and fills every gap up to row 1,048,576; a 300 KB file may unpack to gigabytes, or
to millions of elements that openpyxl builds one by one. So, before openpyxl sees the file:

- the zip's directory: at most MAX_MEMBERS members, their declared sizes summing to at most
  UPLOAD_MAX_UNPACKED_BYTES, no large member compressed more than UPLOAD_MAX_RATIO times;
- every XML member (by content, not name) is streamed once and its bytes counted (_XmlBudget): start tags, row
  elements, the longest stretch without a tag, each within a budget proportional to the row limit; a DTD or an
  encoding other than UTF-8/16 is refused. The bytes read are capped too (a member that unpacks to more than it
  declared is cut there by zipfile, whose CRC check then fails: unreadable).

Then the one sheet is parsed as it is written, its declared dimension ignored, keeping nothing but the row being read:
the first filled row is the header (at most MAX_COLUMNS columns), each later row keeps only the header's columns, and
a filled row more than `max_rows` rows below the header is refused. A CSV is read line by line the same way, each line
at most MAX_LINE characters, at most LINES_PER_ROW × (max_rows + 1) lines.

The messages name the limits; a file that cannot be read at all gets the caller's own message."""
import csv
import io
import itertools
import re
import zipfile
from collections.abc import Iterator
from xml.parsers import expat

from flask import current_app
from openpyxl import load_workbook
from openpyxl.worksheet._reader import ROW_TAG, WorkSheetParser
from openpyxl.xml.functions import iterparse

from .i18n import _l
from .refusals import Refused

MAX_MEMBERS = 1000
MAX_COLUMNS = 100
MAX_LINE = 10_000               # characters in one line of a CSV
ELEMENTS_PER_ROW = 50           # XML elements of an .xlsx allowed per data row of the limit (a cell is 2 or 3) …
ELEMENTS_BASE = 100_000         # … and besides them (styles, shared strings, formatting)
ROWS_PER_ROW = 5                # row elements of an .xlsx allowed per data row of the limit (formatted blank rows) …
ROWS_BASE = 1000
MAX_ROW_ELEMENTS = 50_000       # elements within one row element
MAX_GAP = 256 * 1024            # bytes from one '<' to the next: a tag's attributes, a text (a cell: 32,767 chars)
LINES_PER_ROW = 10              # lines of a CSV allowed per data row of the limit (blank lines, quoted line breaks)
_LARGE_MEMBER = 1024 * 1024     # the compression ratio of smaller members is not checked
_CHUNK = 64 * 1024
_LINE_END = re.compile(r'\r\n|\r|\n')
_ROW_START = re.compile(rb'<(?:[^\s<>/:]+:)?row[\s/>]')  # a row element's start tag, with or without a prefix
_ENCODINGS = (None, 'utf-8', 'utf-16')  # what an .xlsx's XML may declare (expat's default is UTF-8)


class SheetRefused(Refused):
    """The file as a whole is refused; nothing was taken from it."""

    def __init__(self, message):
        super().__init__(message, 'file')


def read_table(content: bytes, *, csv_file: bool, max_rows: int, unreadable, too_many,
               sheet: str | None = None) -> tuple[list, list[tuple[int, list]]]:
    """(header, [(row number, values)]) of the sheet named *sheet* (else the first) of an .xlsx, or of a CSV: the
    header is the first filled row, without its empty trailing cells; each later filled row has one value per
    header column, numbered as Excel shows it (the CSV's record number). Raises SheetRefused with *unreadable*
    for a file that is not what it claims, *too_many* when a filled row lies more than *max_rows* below the header."""
    limit = current_app.config['TABLE_MAX_BYTES']
    if len(content) > limit:
        raise SheetRefused(_l('文件超过 %(mb)s MB，请拆分后上传', mb=limit // (1024 * 1024)))
    rows = (_csv_rows(content, LINES_PER_ROW * (max_rows + 1), too_many) if csv_file else
            _xlsx_rows(content, sheet, max_rows, unreadable))
    header, header_number, found = None, 0, []
    for number, values in rows:
        if not any(_filled(v) for v in values):
            continue
        if header is None:
            width = max(i for i, v in enumerate(values[:MAX_COLUMNS], start=1) if _filled(v))
            header, header_number = list(values[:width]), number
            continue
        if number - header_number > max_rows:
            raise SheetRefused(too_many)
        values = list(values[:len(header)])
        found.append((number, values + [None] * (len(header) - len(values))))
    return header or [], found


def _filled(value) -> bool:
    return value is not None and str(value).strip() != ''


def _too_much(max_rows: int) -> SheetRefused:
    return SheetRefused(_l('文件中的行、单元格或格式过多，超出读取限制（最多 %(max)s 行数据）：'
                           '请删除多余的空白行和格式，或拆分后上传', max=max_rows))


def _xlsx_rows(content: bytes, sheet: str | None, max_rows: int, unreadable) -> Iterator:
    """(row number, values by column up to MAX_COLUMNS) of each row the sheet's XML holds, in order."""
    try:
        _check_archive(content, max_rows)
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except SheetRefused:
        raise
    except Exception:  # a damaged or disguised file: zipfile, expat and openpyxl raise many kinds
        raise SheetRefused(unreadable) from None
    try:
        ws = workbook[sheet] if sheet in workbook.sheetnames else workbook.worksheets[0]
        with ws._get_source() as source:
            for number, cells in _parsed_rows(workbook, ws, source, max_rows):
                values = [None] * min(MAX_COLUMNS, max((c['column'] for c in cells), default=0))
                for cell in cells:
                    if cell['column'] <= MAX_COLUMNS:
                        values[cell['column'] - 1] = cell['value']
                yield number, values
    except SheetRefused:
        raise
    except Exception:
        raise SheetRefused(unreadable) from None
    finally:
        workbook.close()


def _parsed_rows(workbook, ws, source, max_rows: int) -> Iterator:
    """The sheet's rows as openpyxl's row parser makes them (values typed, dates by their style), read without
    ReadOnlyWorksheet._cells_by_row, which fills gaps and pads rows up to the dimension the sheet declares, and without
    WorkSheetParser.parse, which keeps every element it does not know until the end: here whatever is not part of
    a row still being read is dropped as soon as it is complete. (openpyxl is pinned: these are its 3.1 internals.)"""
    parser = WorkSheetParser(source, ws._shared_strings, data_only=True, epoch=workbook.epoch,
                             date_formats=workbook._date_formats, timedelta_formats=workbook._timedelta_formats)
    open_elements, row, inside = [], None, 0
    for event, element in iterparse(source, events=('start', 'end')):
        if event == 'start':
            if row is not None:
                inside += 1
                if inside > MAX_ROW_ELEMENTS:
                    raise _too_much(max_rows)
            elif element.tag == ROW_TAG:
                row, inside = element, 0
            open_elements.append(element)
            continue
        open_elements.pop()
        if element is row:
            yield parser.parse_row(element)
            row = None
        if row is None:
            element.clear()
            if open_elements:
                open_elements[-1].remove(element)


def _check_archive(content: bytes, max_rows: int) -> None:
    """The zip's directory, then its XML streamed through _XmlBudget, as the module's docstring says."""
    cfg = current_app.config
    limit, ratio = cfg['UPLOAD_MAX_UNPACKED_BYTES'], cfg['UPLOAD_MAX_RATIO']
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise _too_much(max_rows)
        if sum(m.file_size for m in members) > limit:
            raise _too_large(limit)
        if any(m.file_size > _LARGE_MEMBER and m.file_size > ratio * max(m.compress_size, 1) for m in members):
            raise SheetRefused(_l('文件内容的压缩比异常（解压后超过压缩后的 %(ratio)s 倍），疑似恶意构造，已拒绝',
                                  ratio=ratio))
        budget, unpacked = _XmlBudget(max_rows), 0
        for member in members:
            document = None
            with archive.open(member) as stream:
                while chunk := stream.read(_CHUNK):
                    unpacked += len(chunk)
                    if unpacked > limit:  # zipfile stops at the declared size; this holds whatever it declared
                        raise _too_large(limit)
                    if document is None:
                        if not _xml(chunk):  # a picture: openpyxl cannot parse it as XML either
                            break
                        document = budget.document()
                    document.feed(chunk)
            if document is not None:
                document.feed(b'', final=True)


def _xml(start: bytes) -> bool:
    """Whether a member may be XML (whatever its name: the package's relationships may point anywhere): anything
    but a first character other than '<'."""
    if start.startswith((b'\xff\xfe', b'\xfe\xff')):
        return True
    first = start.removeprefix(b'\xef\xbb\xbf').lstrip()[:1]
    return first in (b'', b'<')


def _too_large(limit: int) -> SheetRefused:
    return SheetRefused(_l('文件解压后超过 %(mb)s MB，超出读取限制：请删除无关的工作表、图片和格式，或拆分后上传',
                           mb=limit // (1024 * 1024)))


class _XmlBudget:
    """What the XML of one file may hold, counted as its documents stream by, bytes only: start tags (every '<'
    that does not open an end tag: comments and the like count too, which errs on the safe side), row elements
    among them, and the distance from one '<' to the next (one tag's attributes, or one text)."""

    def __init__(self, max_rows: int):
        self.max_rows = max_rows
        self.elements = ELEMENTS_BASE + ELEMENTS_PER_ROW * (max_rows + 1)
        self.rows = ROWS_BASE + ROWS_PER_ROW * (max_rows + 1)

    def document(self) -> '_XmlDocument':
        return _XmlDocument(self)

    def spend(self, elements: int, rows: int) -> None:
        self.elements -= elements
        self.rows -= rows
        if self.elements < 0 or self.rows < 0:
            raise _too_much(self.max_rows)


class _XmlDocument:
    """One document of a _XmlBudget. Expat reads its prolog, up to the root element, to refuse a DTD (whose entities
    could expand to elements the count never saw) and any encoding but UTF-8 and UTF-16 (in which the bytes counted
    are the characters); neither can come later."""

    def __init__(self, budget: _XmlBudget):
        self.budget, self.in_prolog, self.gap = budget, True, 0
        self.parser = expat.ParserCreate()
        self.parser.XmlDeclHandler = self._declaration
        self.parser.StartDoctypeDeclHandler = self._doctype
        self.parser.StartElementHandler = self._root
        self.parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    @staticmethod
    def _declaration(_version, encoding, _standalone):
        if (encoding or None) and encoding.lower() not in _ENCODINGS:
            raise expat.ExpatError(encoding)

    @staticmethod
    def _doctype(*_args):
        raise expat.ExpatError('DTD')

    def _root(self, *_args):
        self.in_prolog = False

    def feed(self, chunk: bytes, final: bool = False) -> None:
        first = chunk.find(b'<')
        self.gap += len(chunk) if first < 0 else first
        if self.gap > MAX_GAP:
            raise _too_much(self.budget.max_rows)
        if first >= 0:
            self.gap = len(chunk) - chunk.rfind(b'<') - 1
        self.budget.spend(chunk.count(b'<') - chunk.count(b'</'), len(_ROW_START.findall(chunk)))
        if self.in_prolog:
            self.parser.Parse(chunk, final)


def _csv_rows(content: bytes, budget: int, too_many) -> Iterator:
    for encoding in ('utf-8-sig', 'gb18030'):  # Excel in China saves CSV as GBK
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise SheetRefused(_l('无法识别文件编码，请保存为 UTF-8 编码的 CSV'))

    def lines():
        """The text's lines (ends kept, as csv wants them) one at a time, each checked before it is copied out."""
        start, count = 0, 0
        for end in itertools.chain((m.end() for m in _LINE_END.finditer(text)), [len(text)]):
            count += 1
            if count > budget:
                raise SheetRefused(too_many)
            if end - start > MAX_LINE:
                raise SheetRefused(_l('文件第 %(line)s 行超过 %(max)s 个字符，请检查文件', line=count, max=MAX_LINE))
            if end > start:
                yield text[start:end]
            start = end

    try:
        for number, values in enumerate(csv.reader(lines()), start=1):
            yield number, values[:MAX_COLUMNS]
    except csv.Error:
        raise SheetRefused(_l('CSV 文件格式有误')) from None
