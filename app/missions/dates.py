"""Days as the store sees them: "today", "due today" and streak days follow the store's time zone."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from app.core.models import utcnow
from app.core.timezones import zone_for
from app.org.models import Person


def local_date(person: Person, moment: datetime | None) -> date:
    """The store-local day of a naive-UTC timestamp."""
    moment = moment or utcnow()
    return moment.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone_for(person)).date()


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())
