"""Days as the store sees them: "today", "due today" and streak days follow the store's time zone."""

from datetime import date, datetime, timedelta

from app.core.models import utcnow
from app.core.timezones import local_time, zone_for
from app.org.models import Person


def local_date(person: Person, moment: datetime | None) -> date:
    """The store-local day of a naive-UTC timestamp."""
    return local_time(moment or utcnow(), zone_for(person)).date()


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())
