"""Store time zones. Times are stored as naive UTC (app.core.models.utcnow); "today", a week and a
month follow the store's wall clock, and every time a person reads is in their store's zone. People
without a store (district managers, HR) and stores with an unknown zone use DEFAULT_STORE_TIMEZONE
(app.config.FALLBACK_STORE_TIMEZONE unless set). Features read zones and "today" here, never build a
ZoneInfo themselves."""

from datetime import UTC, date, datetime, time
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pytz
from flask import current_app, has_request_context
from flask_login import current_user

from app.config import FALLBACK_STORE_TIMEZONE


class Located(Protocol):
    """A store, or anything that carries a store's zone name (org.models.Store)."""
    timezone: str | None


class Placed(Protocol):
    """A person, or anything that may sit in a store (org.models.Person)."""
    store: Located | None


def default_zone_name() -> str:
    return current_app.config.get("DEFAULT_STORE_TIMEZONE") or FALLBACK_STORE_TIMEZONE


def zone_named(name: str | None) -> ZoneInfo:
    """The zone called `name`; the default zone when it is empty or unknown (a typo in a store's
    settings must not break its pages)."""
    for candidate in (name, default_zone_name()):
        if not candidate:
            continue
        try:
            return ZoneInfo(candidate)
        except (ZoneInfoNotFoundError, ValueError):
            continue
    return ZoneInfo("UTC")


def default_zone() -> ZoneInfo:
    """The company's default zone (DEFAULT_STORE_TIMEZONE): people without a store, jobs, and anything on
    one calendar for the whole company (league seasons)."""
    return zone_named(None)


def zone_for(person: Placed) -> ZoneInfo:
    return zone_named(person.store.timezone if person.store is not None else None)


def today_in(zone: ZoneInfo) -> date:
    return datetime.now(zone).date()


def store_today(store: Located) -> date:
    """The date on the store's wall clock now (the default zone's when its zone is empty or unknown)."""
    return today_in(zone_named(store.timezone))


def local_today(person: Placed, at: datetime | None = None) -> date:
    """The date in the person's store now (or at `at`, naive UTC or aware)."""
    if at is None:
        return today_in(zone_for(person))
    return local_time(at, zone_for(person)).date()


def viewer_zone() -> ZoneInfo:
    """The zone of whoever is reading: the signed-in person's store zone, else the default zone (a TV
    screen, the sign-in page, a job)."""
    if has_request_context():
        reader = current_user._get_current_object()
        if getattr(reader, "is_authenticated", False):  # only people sign in
            return zone_for(reader)
    return zone_named(None)


def babel_timezone() -> str:
    """Flask-Babel's timezone selector, so `datetimeformat`, `timeformat`, `dateformat` (of a datetime)
    and `flask_babel.format_datetime` show the reader's wall clock. Without it Babel showed UTC, and the
    same event read 3:51 PM on one screen and 4:51 PM on another. Babel wants a name pytz knows (it calls
    pytz's `normalize`); a zone pytz's older database lacks falls back to the default."""
    name = viewer_zone().key
    return name if name in pytz.all_timezones_set else default_zone_name()


def local_time(moment: datetime, zone: ZoneInfo) -> datetime:
    """Aware wall-clock time in `zone` of a stored naive-UTC timestamp (an aware one is converted)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone)


def local_date(moment: datetime, zone: ZoneInfo) -> date:
    """The day in `zone` a stored naive-UTC timestamp falls on."""
    return local_time(moment, zone).date()


def to_utc(moment: datetime) -> datetime:
    """Naive UTC (how times are stored) of an aware datetime."""
    return moment.astimezone(UTC).replace(tzinfo=None)


def utc_of(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """Naive UTC of a wall-clock date and time in `zone` (an ambiguous autumn hour takes the first)."""
    return to_utc(datetime.combine(day, clock, tzinfo=zone))
