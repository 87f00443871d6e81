"""Board periods as the store sees them: weeks start on Monday at 00:00 local time, months on the 1st."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from app.core.models import utcnow
from app.core.timezones import local_date

WEEK, MONTH, ALL_TIME = "week", "month", "all"
PERIODS = (WEEK, MONTH, ALL_TIME)
# The one bucket of the all-time board: a fixed date, so every period is keyed the same way.
ALL_TIME_START = date(2000, 1, 1)


def period_start(period: str, day: date) -> date:
    if period == WEEK:
        return day - timedelta(days=day.weekday())
    if period == MONTH:
        return day.replace(day=1)
    return ALL_TIME_START


def starts(moment: datetime, tz: ZoneInfo) -> dict[str, date]:
    """The bucket of every period that a moment falls in."""
    day = local_date(moment, tz)
    return {period: period_start(period, day) for period in PERIODS}


def current_start(period: str, tz: ZoneInfo) -> date:
    return period_start(period, local_date(utcnow(), tz))


def period_end(period: str, start: date) -> date | None:
    """The last day of the period, None for all time."""
    if period == WEEK:
        return start + timedelta(days=6)
    if period == MONTH:
        following = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
        return following - timedelta(days=1)
    return None
