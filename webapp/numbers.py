"""Amounts (hours, quantities) as forms, spreadsheet rows and the platform API send them: checked as text before they
become a Decimal, and kept as their column keeps them.

Decimal('1e-999999999') costs nothing, but formatting, quantizing or adding it builds a billion digits (gigabytes, and
the flow log and every page showing it would carry them): a number is refused unless it is short plain decimal
notation (an exponent of at most two digits, as Excel writes 1E-05), fits its column (Numeric(precision, scale):
at most precision − scale digits before the point) and has no digit below the column's precision (0.04 hours, in a
column of one decimal place, is refused rather than stored as 0.0)."""
import re
from decimal import Decimal

from .i18n import _l
from .refusals import Refused

MAX_CHARS = 40
ROW_ID = re.compile(r'[0-9]{1,9}')  # a row id as a form posts it: ASCII digits ('²'.isdigit() is true, int('²') fails)
PLAIN = re.compile(r'[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,2})?')
HOURS = (6, 1)  # models.claims.HOURS and learning_record.hours: Numeric(6, 1)


class NumberRefused(Refused):
    """Not an amount its column can keep; nothing was converted."""


class NotANumber(NumberRefused):
    def __init__(self):
        super().__init__(_l('请输入有效的数字（例如 12 或 12.5）'))


class TooLarge(NumberRefused):
    def __init__(self, limit: Decimal):
        self.limit = limit
        super().__init__(_l('数值过大，不能超过 %(max)s', max=limit))


class TooPrecise(NumberRefused):
    def __init__(self, scale: int):
        self.scale = scale
        super().__init__(_l('最多保留 %(places)s 位小数', places=scale) if scale else _l('请输入整数'))


def parse_decimal(value, column: tuple[int, int] = HOURS) -> Decimal:
    """*value* (text, int, float or Decimal) as a Decimal of its *column*'s scale, or NotANumber / TooLarge /
    TooPrecise. Blank text is not a number: callers decide first whether the value may be missing. No
    arithmetic or formatting touches *value* before its text was checked."""
    precision, scale = column
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        raise NotANumber()
    if isinstance(value, int):  # str() of a 5000-digit int raises (and costs): compare first
        if abs(value) >= 10 ** (precision - scale):
            raise TooLarge(_limit(column))
    text = value.strip() if isinstance(value, str) else str(value)
    if len(text) > MAX_CHARS or not PLAIN.fullmatch(text):  # NaN, Infinity, 1e-999999999, '١٢', ' '
        raise NotANumber()
    number = Decimal(text)  # at most 40 digits, exponent within ±140: every operation below is cheap
    if abs(number) > _limit(column):
        raise TooLarge(_limit(column))
    kept = number.quantize(Decimal(1).scaleb(-scale))
    if kept != number:
        raise TooPrecise(scale)
    return kept


def row_id(value) -> int | None:
    """The row id a form or a query string gives, or None when it cannot be one (not ASCII digits, or too long for
    the database's integer)."""
    return int(value) if isinstance(value, str) and ROW_ID.fullmatch(value) else None


def _limit(column: tuple[int, int]) -> Decimal:
    """The largest amount a Numeric(precision, scale) column keeps: 99999.9 for (6, 1)."""
    precision, scale = column
    return (Decimal(10) ** (precision - scale) - Decimal(1).scaleb(-scale)).quantize(Decimal(1).scaleb(-scale))
