"""Months as the leagues see them: a season is a calendar month in the company's default time zone."""

from datetime import date, datetime, time, timedelta

from app.core import params
from app.core.timezones import default_zone, today_in, utc_of


def today() -> date:
    return today_in(default_zone())


def month_start(day: date) -> date:
    return date(day.year, day.month, 1)


def next_month(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1)


def previous_month(first: date) -> date:
    return (first - timedelta(days=1)).replace(day=1)


def month_end(first: date) -> date:
    return next_month(first) - timedelta(days=1)


def utc_bounds(first: date) -> tuple[datetime, datetime]:
    """The month as naive-UTC instants [start, end), for ledger timestamps."""
    def at_midnight(day: date) -> datetime:
        return utc_of(day, time.min, default_zone())
    return at_midnight(first), at_midnight(next_month(first))


def parse_month(text: str | None) -> date | None:
    """"2026-11" → 1 Nov 2026; anything else → None."""
    found = params.parse_period(text, kinds=(params.MONTH,))
    return found[1] if found else None
