"""Wall-clock time for 1:1s. A 1:1 is stored in naive UTC and entered and read in the store's time zone
(Europe/Rome, DEFAULT_STORE_TIMEZONE, for people without a store: district managers, HR)."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask_babel import format_date, format_datetime

from app.core.models import utcnow
from app.core.timezones import zone_for
from app.org.models import Person


def local(moment: datetime, zone: ZoneInfo) -> datetime:
    """Aware local time of a naive-UTC timestamp."""
    return moment.replace(tzinfo=UTC).astimezone(zone)


def from_local(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """Naive UTC of a wall-clock date and time in `zone` (an ambiguous autumn hour takes the first)."""
    return datetime.combine(day, clock, tzinfo=zone).astimezone(UTC).replace(tzinfo=None)


def local_today(person: Person) -> date:
    return local(utcnow(), zone_for(person)).date()


def days_since(moment: datetime | None, zone: ZoneInfo, today: date) -> int | None:
    """Whole calendar days between `moment` (naive UTC) and `today`, as the store's calendar counts them."""
    if moment is None:
        return None
    return max(0, (today - local(moment, zone).date()).days)


def when(moment: datetime, zone: ZoneInfo) -> str:
    """"Tue 3 Dec · 10:30" in the reader's language and the store's zone."""
    return format_datetime(local(moment, zone), "EEE d MMM · HH:mm", rebase=False)


def day(moment: datetime, zone: ZoneInfo) -> str:
    return format_date(local(moment, zone).date(), "EEE d MMM", rebase=False)
