"""Store time zones. Times are stored as naive UTC (app.core.models.utcnow); "today", a week and a
month follow the store's wall clock. People without a store (district managers, HR) and stores with an
unknown zone use DEFAULT_STORE_TIMEZONE (Europe/Rome)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app

from app.org.models import Person

FALLBACK_TIMEZONE = "Europe/Rome"


def default_zone_name() -> str:
    return current_app.config.get("DEFAULT_STORE_TIMEZONE") or FALLBACK_TIMEZONE


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


def zone_for(person: Person) -> ZoneInfo:
    return zone_named(person.store.timezone if person.store is not None else None)


def today_in(zone: ZoneInfo) -> date:
    return datetime.now(zone).date()


def local_today(person: Person) -> date:
    return today_in(zone_for(person))
