"""Query-string values (and the form values routes read by hand): one parser for every route.

A query string is whatever someone typed or crafted, so nothing here raises. Three traps made 500s before:
`"²".isdigit()` is True but `int("²")` raises (and `int("٣")` is 3), so only ASCII digits count; a number
past the database's integer range reaches a query and crashes it (SQLite overflows at 2**63, PostgreSQL's
INTEGER at 2**31), so ids stay within MAX_ID; and years 0001 or 9999 overflow `date` as soon as a page asks
for the period before or after, so years stay within MIN_YEAR..MAX_YEAR. A value that fails these rules
is treated as absent (the route's default), or clamped where a nearest value makes sense (a page number).

    page = params.page_arg()                            # ?page=…, 1 when absent or junk
    store_id = params.id_arg("store")                   # None unless a plausible id
    sort = params.choice_arg("sort", ("name", "date"), "name")
    kind, start = params.period_arg("period") or (MONTH, this_month)
"""

import re
from collections.abc import Iterable, Mapping
from datetime import date

from flask import request

from app.core.converters import MAX_ID

MIN_YEAR, MAX_YEAR = 1900, 2999  # far from datetime's 1..9999, where "the month before" overflows
MAX_PAGE = 100_000  # past any real list; clamped, so a huge page number is just an empty page
_INTEGER = re.compile(r"-?[0-9]{1,40}", re.ASCII)  # 40 digits: a cheap int(), then the range decides
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", re.ASCII)
_PERIOD = re.compile(r"([0-9]{4})-(?:([0-9]{2})|Q([1-4]))", re.ASCII)
# C0 and C1 controls (NUL included, which PostgreSQL text cannot hold) and the bidi controls.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")

MONTH, QUARTER = "month", "quarter"  # the same strings as app.kpis.models.PeriodKind


# -- Plain values (forms, cursors, CLI) ---------------------------------------------------------------

def parse_int(text, *, minimum: int | None = None, maximum: int | None = None, clamp: bool = False) -> int | None:
    """ASCII digits (with an optional minus) → int; None for anything else, or for a value outside
    [minimum, maximum] unless `clamp` brings it to the nearest bound."""
    if not isinstance(text, str):
        return None
    text = text.strip()
    if not _INTEGER.fullmatch(text):
        return None
    value = int(text)
    if minimum is not None and value < minimum:
        return minimum if clamp else None
    if maximum is not None and value > maximum:
        return maximum if clamp else None
    return value


def parse_id(text) -> int | None:
    """A database id (1..MAX_ID) written in ASCII digits; None otherwise."""
    return parse_int(text, minimum=1, maximum=MAX_ID)


def parse_ids(values: Iterable, limit: int = 200) -> list[int]:
    """The valid ids among `values`, in order, without repeats, at most `limit` of them."""
    ids: list[int] = []
    for value in values:
        found = parse_id(value)
        if found is not None and found not in ids:
            ids.append(found)
            if len(ids) >= limit:
                break
    return ids


def parse_date(text) -> date | None:
    """"2026-11-30" → that date, for years MIN_YEAR..MAX_YEAR; None for anything else."""
    match = _DATE.fullmatch(text.strip()) if isinstance(text, str) else None
    if not match:
        return None
    year, month, day = (int(part) for part in match.groups())
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return date(year, month, day)
    except ValueError:  # 30 February
        return None


def parse_period(text, kinds: Iterable[str] = (MONTH, QUARTER)) -> tuple[str, date] | None:
    """"2026-11" → (MONTH, 1 Nov 2026), "2026-Q4" → (QUARTER, 1 Oct 2026), for years MIN_YEAR..MAX_YEAR and
    the kinds allowed; None for anything else."""
    match = _PERIOD.fullmatch(text.strip()) if isinstance(text, str) else None
    if not match:
        return None
    year, month, quarter = match.groups()
    if not MIN_YEAR <= int(year) <= MAX_YEAR:
        return None
    if quarter:
        return (QUARTER, date(int(year), 3 * int(quarter) - 2, 1)) if QUARTER in kinds else None
    if MONTH not in kinds or not 1 <= int(month) <= 12:
        return None
    return MONTH, date(int(year), int(month), 1)


def clean_text(text, max_length: int = 100) -> str:
    """Free text from a query string (a search box): control characters dropped, length capped."""
    return _CONTROL.sub("", text)[:max_length] if isinstance(text, str) else ""


# -- From the request --------------------------------------------------------------------------------
# `source` is request.args unless given (request.form, request.values for a route read both ways).

def _raw(name: str, source: Mapping | None):
    return (request.args if source is None else source).get(name)


def int_arg(name: str, default: int | None = None, *, minimum: int | None = None, maximum: int | None = None,
            clamp: bool = True, source: Mapping | None = None) -> int | None:
    found = parse_int(_raw(name, source), minimum=minimum, maximum=maximum, clamp=clamp)
    return default if found is None else found


def id_arg(name: str, source: Mapping | None = None) -> int | None:
    return parse_id(_raw(name, source))


def ids_arg(name: str, source: Mapping | None = None, limit: int = 200) -> list[int]:
    return parse_ids((request.args if source is None else source).getlist(name), limit)


def page_arg(name: str = "page", source: Mapping | None = None) -> int:
    return int_arg(name, 1, minimum=1, maximum=MAX_PAGE, source=source)


def choice_arg(name: str, choices: Iterable[str], default: str = "", source: Mapping | None = None) -> str:
    value = _raw(name, source)
    return value if isinstance(value, str) and value in tuple(choices) else default


def choices_arg(name: str, choices: Iterable[str], source: Mapping | None = None) -> list[str]:
    allowed = tuple(choices)
    return [value for value in (request.args if source is None else source).getlist(name) if value in allowed]


def text_arg(name: str, default: str = "", max_length: int = 100, source: Mapping | None = None) -> str:
    value = _raw(name, source)
    return default if value is None else clean_text(value, max_length)


def date_arg(name: str, source: Mapping | None = None) -> date | None:
    return parse_date(_raw(name, source))


def period_arg(name: str = "period", kinds: Iterable[str] = (MONTH, QUARTER),
               source: Mapping | None = None) -> tuple[str, date] | None:
    return parse_period(_raw(name, source), kinds)
