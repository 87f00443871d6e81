"""Days as the store sees them: "today", "due today" and streak days follow the store's time zone."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app

from app.core.models import utcnow
from app.org.models import Person


def zone_for(person: Person) -> ZoneInfo:
    name = person.store.timezone if person.store is not None else current_app.config["DEFAULT_STORE_TIMEZONE"]
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_today(person: Person) -> date:
    return datetime.now(zone_for(person)).date()


def local_date(person: Person, moment: datetime | None) -> date:
    """The store-local day of a naive-UTC timestamp."""
    moment = moment or utcnow()
    return moment.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone_for(person)).date()


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())
