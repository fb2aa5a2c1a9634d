"""Days as people live them: today in Beijing time, and dates as they type them in spreadsheets and CSV files
(2026-03-15, 2026-3-1, 2026/3/15, 2026.3.15)."""
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo('Asia/Shanghai')
DAY = re.compile(r'(\d{4})([-/.])(\d{1,2})\2(\d{1,2})')


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
