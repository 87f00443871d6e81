"""Wall-clock time for 1:1s. A 1:1 is stored in naive UTC and entered and read in the store's time zone
(the company's default zone, DEFAULT_STORE_TIMEZONE, for people without a store: district managers, HR).
Conversions and "today" come from app.core.timezones; this module formats."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask_babel import format_date, format_datetime

from app.core.timezones import local_time


def days_since(moment: datetime | None, zone: ZoneInfo, today: date) -> int | None:
    """Whole calendar days between `moment` (naive UTC) and `today`, as the store's calendar counts them."""
    if moment is None:
        return None
    return max(0, (today - local_time(moment, zone).date()).days)


def when(moment: datetime, zone: ZoneInfo) -> str:
    """"Tue 3 Dec · 10:30" in the reader's language and the store's zone."""
    return format_datetime(local_time(moment, zone), "EEE d MMM · HH:mm", rebase=False)


def day(moment: datetime, zone: ZoneInfo) -> str:
    return format_date(local_time(moment, zone).date(), "EEE d MMM", rebase=False)
