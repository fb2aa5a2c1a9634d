"""Days as people live them: today in Beijing time, dates as they type them in spreadsheets and CSV files
(2026-03-15, 2026-3-1, 2026/3/15, 2026.3.15), and the years a date people give may fall in."""
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app

from .i18n import _l

LOCAL_TZ = ZoneInfo('Asia/Shanghai')
DAY = re.compile(r'(\d{4})([-/.])(\d{1,2})\2(\d{1,2})')
# The config keys of the earliest plausible year: of activities, windows and platform records; of a professional
# title (obtained long before the system). The latest is LATEST_YEARS_AHEAD after this year, for both.
EARLIEST_YEAR, EARLIEST_TITLE_YEAR = 'EARLIEST_YEAR', 'EARLIEST_TITLE_YEAR'


def today() -> date:
    return datetime.now(LOCAL_TZ).date()


def parse_day(text: str) -> date | None:
    """The date, or None when *text* is not year, month and day with one separator (- / or .) or no such day."""
    found = DAY.fullmatch((text or '').strip())
    if found is None:
        return None
    try:
        return date(int(found[1]), int(found[3]), int(found[4]))
    except ValueError:
        return None


def year_range(earliest: str = EARLIEST_YEAR) -> tuple[int, int]:
    """(first, last) year a date may fall in; *earliest* is the config key of the first."""
    config = current_app.config
    return config[earliest], today().year + config['LATEST_YEARS_AHEAD']


def date_out_of_range(day: date, earliest: str = EARLIEST_YEAR):
    """None for a date in year_range(*earliest*), else the message saying which years are allowed (lazy)."""
    first, last = year_range(earliest)
    if first <= day.year <= last:
        return None
    return _l('日期应在 %(first)s 年至 %(last)s 年之间', first=first, last=last)
