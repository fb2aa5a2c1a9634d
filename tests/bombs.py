"""Hostile uploads, generated small and on the fly (no binary fixtures), and a bound on what checking one may cost.

- `dimension_bomb`: an .xlsx of a couple of KB whose sheet declares `A1:XFD1048576` and has one cell in row 1,048,576.
- `entity_bomb`: an .xlsx whose sheet's DTD expands a few hundred bytes to a million rows.
- `zip_bomb`: an .xlsx whose sheet decompresses to `size` bytes of empty rows (200 MB by default, ~200 KB zipped),
  written through zipfile in chunks, never held in memory whole.
- `row_bomb`: an .xlsx of millions of empty rows compressed only ~7 times: within the unpacked size limit.
- `lying_zip`: the zip bomb with the member's declared (uncompressed) size patched down to a few KB.
- `huge_png` / `huge_jpeg`: small images whose header declares 11000×11000 pixels (the pixels are never allocated).
- `bounded(seconds, megabytes)`: wall time and growth of this process's peak resident memory (Linux: VmHWM, reset
  through /proc/self/clear_refs) of what runs inside it; C allocations (Pillow's pixels) count too.
"""
import io
import re
import signal
import struct
import time
import zipfile
import zlib
from contextlib import contextmanager

from openpyxl import Workbook
from PIL import Image

SHEET_PATH = 'xl/worksheets/sheet1.xml'


def xlsx(header, rows=(), title='Sheet') -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _rezip(content: bytes, sheet: bytes | None = None, write_sheet=None, level=9) -> bytes:
    """The workbook again with its first sheet's XML replaced (`sheet`) or streamed (`write_sheet(file)`)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, \
            zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED, compresslevel=level) as target:
        for item in source.infolist():
            if item.filename != SHEET_PATH:
                target.writestr(item.filename, source.read(item.filename))
            elif write_sheet is None:
                target.writestr(SHEET_PATH, sheet)
            else:
                with target.open(SHEET_PATH, 'w') as member:
                    write_sheet(member, source.read(item.filename))
    return out.getvalue()


def with_sheet(content: bytes, edit) -> bytes:
    """The workbook again, its first sheet's XML replaced by `edit(xml)`."""
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        sheet = z.read(SHEET_PATH)
    return _rezip(content, edit(sheet))


def dimension_bomb(header, title='Sheet', value='x') -> bytes:
    """Declares the whole sheet (A1:XFD1048576) used; one cell sits in the last row."""
    last = (f'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>{value}</t></is></c>'
            f'<c r="XFD1048576" t="inlineStr"><is><t>{value}</t></is></c></row>').encode()

    def edit(sheet):
        sheet = re.sub(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1:XFD1048576"/>', sheet)
        assert b'A1:XFD1048576' in sheet
        return sheet.replace(b'</sheetData>', last + b'</sheetData>')

    return with_sheet(xlsx(header, title=title), edit)


def entity_bomb(header, title='Sheet', levels=6) -> bytes:
    """A DTD whose nested entities expand to 10**levels empty rows (a million: 6 MB of XML from a few hundred
    bytes), referenced after the header row."""
    entities = ''.join(f'<!ENTITY r{i} "{f"&r{i - 1};" * 10}">' for i in range(1, levels + 1))
    dtd = f'<!DOCTYPE worksheet [<!ENTITY r0 "<row/>">{entities}]>'.encode()

    def edit(sheet):
        at = sheet.index(b'<worksheet')
        sheet = re.sub(rb'<dimension ref="[^"]*"\s*/>', b'', sheet)
        return sheet[:at] + dtd + sheet[at:].replace(b'</sheetData>', f'&r{levels};</sheetData>'.encode())

    return with_sheet(xlsx(header, title=title), edit)


def zip_bomb(header, title='Sheet', size=200 * 1024 * 1024) -> bytes:
    """The header row, then `size` bytes of `<row/>` (millions of empty rows, compressed ~700 times)."""
    chunk = b'<row/>' * (1024 * 1024 // 6)
    return _rows_after_header(header, title, (chunk for _ in range(size // len(chunk))))


def row_bomb(header, title='Sheet', rows=2_000_000) -> bytes:
    """The header row, then `rows` empty rows numbered 2, 3 …: 35 MB of XML compressed only ~7 times, within the
    unpacked size limit, but millions of elements for openpyxl to build."""
    step = 100_000
    return _rows_after_header(header, title, (b''.join(b'<row r="%d"/>' % n for n in range(start, start + step))
                                              for start in range(2, rows + 2, step)), level=1)


def _rows_after_header(header, title, chunks, level=9) -> bytes:
    """The workbook with `chunks` streamed into its sheet's XML after the header row; the sheet declares no dimension
    (else openpyxl's read-only sheet would stop at the declared last row)."""
    def write(member, original):
        head, tail = re.sub(rb'<dimension ref="[^"]*"\s*/>', b'', original).split(b'</sheetData>')
        member.write(head)
        for chunk in chunks:
            member.write(chunk)
        member.write(b'</sheetData>' + tail)

    return _rezip(xlsx(header, title=title), write_sheet=write, level=level)


def lying_zip(header, title='Sheet', size=50 * 1024 * 1024, declared=4096) -> bytes:
    """A zip bomb whose sheet claims, in its local and central headers, to decompress to `declared` bytes."""
    data = bytearray(zip_bomb(header, title, size))
    name = SHEET_PATH.encode()
    for signature, offset in ((b'PK\x03\x04', 22), (b'PK\x01\x02', 24)):  # uncompressed size in each header
        at = 0
        while (at := data.find(signature, at)) >= 0:
            name_at = at + (30 if signature == b'PK\x03\x04' else 46)
            if data[name_at:name_at + len(name)] == name:
                data[at + offset:at + offset + 4] = struct.pack('<I', declared)
            at += 4
    return bytes(data)


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack('>I', len(body)) + kind + body + struct.pack('>I', zlib.crc32(kind + body))


def huge_png(width=11000, height=11000) -> bytes:
    """A valid PNG header declaring width×height RGB pixels, with one scanline of data (a few hundred bytes)."""
    ihdr = struct.pack('>IIBBBBB', width, height, 8, 2, 0, 0, 0)
    return (b'\x89PNG\r\n\x1a\n' + _chunk(b'IHDR', ihdr)
            + _chunk(b'IDAT', zlib.compress(b'\0' * (1 + 3 * width), 9)) + _chunk(b'IEND', b''))


def huge_jpeg(width=11000, height=11000) -> bytes:
    """A small JPEG whose frame header (SOF0) is patched to declare width×height."""
    out = io.BytesIO()
    Image.new('RGB', (16, 16), 'white').save(out, 'JPEG', quality=50)
    data = bytearray(out.getvalue())
    at = data.find(b'\xff\xc0')
    assert at > 0
    data[at + 5:at + 9] = struct.pack('>HH', height, width)
    return bytes(data)


def _status(key: str) -> int:
    with open('/proc/self/status') as f:
        return int(re.search(key + r':\s+(\d+)', f.read()).group(1)) * 1024


@contextmanager
def bounded(seconds: float = 1.0, megabytes: float = 100):
    """Fails unless the block finishes within `seconds` and raises this process's peak memory by less than
    `megabytes`; yields a dict that holds the measured `seconds` and `megabytes` afterwards. A block still running
    after ten times `seconds` is interrupted (TimeoutError), so that unbounded work fails instead of hanging."""
    def interrupt(_signum, _frame):
        raise TimeoutError(f'still running after {10 * seconds} s')

    previous = signal.signal(signal.SIGALRM, interrupt)
    with open('/proc/self/clear_refs', 'w') as f:  # reset the peak (VmHWM) to the current resident size
        f.write('5')
    before, start = _status('VmRSS'), time.perf_counter()
    measured = {}
    signal.setitimer(signal.ITIMER_REAL, 10 * seconds)
    try:
        yield measured
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    measured['seconds'] = time.perf_counter() - start
    measured['megabytes'] = (_status('VmHWM') - before) / 1024 / 1024
    assert measured['seconds'] < seconds, measured
    assert measured['megabytes'] < megabytes, measured
