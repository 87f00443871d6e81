"""The one way KPI measurements come in: the store manager's form, a CSV upload and the JSON API all call
`save_measurements`. Every item is checked first; one bad item and nothing is saved.

Saving is an upsert against the two partial unique indexes of kpi_measurements (store-level and
per-person), so sending the same store, KPI and day again replaces the value and never doubles it."""

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from app.core import numbers
from app.core.aftercommit import after_commit
from app.core.database import dialect_insert
from app.core.models import utcnow
from app.core.signals import KpiMeasurementsSaved, kpi_measurements_saved
from app.core.timezones import store_today
from app.extensions import db
from app.kpis import ranges
from app.kpis.display import unit_symbol
from app.kpis.models import KpiDefinition, KpiMeasurement, Unit
from app.org.models import Person, Store

SOURCES = ("form", "csv", "api", "demo")
MAX_ITEMS = 5000
MAX_VALUE = 1e12
INVALID, OUT_OF_SCOPE = "invalid", "out_of_scope"
# The default entry window: today and the 31 days before, so the previous month can still be corrected
# early in this one.
ENTRY_WINDOW_DAYS = 31


@dataclass(frozen=True)
class Problem:
    index: int  # position of the item in the batch
    field: str  # store, kpi, date, value, person, or "item"
    message: str
    kind: str = INVALID


class MeasurementErrors(Exception):
    """Nothing was saved: `problems` says what was wrong with which item."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems

    @property
    def out_of_scope(self) -> bool:
        return any(problem.kind == OUT_OF_SCOPE for problem in self.problems)


@dataclass(frozen=True)
class Measurement:
    kpi: KpiDefinition
    store: Store
    day: date
    value: float
    person: Person | None = None


@dataclass
class SaveResult:
    saved: list[Measurement] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.saved)


def entry_window_days() -> int:
    """KPI_ENTRY_WINDOW_DAYS: how far back a store or district manager may enter values, and how old a
    day or month may be and still pay target points (history never pays)."""
    return int(current_app.config.get("KPI_ENTRY_WINDOW_DAYS", ENTRY_WINDOW_DAYS))


def earliest_open_day(store: Store) -> date:
    return store_today(store) - timedelta(days=entry_window_days())


def parse_value(raw, *, text_locale: str | None, symbols: str = "") -> float:
    """A JSON number, or (for forms and CSV: `text_locale` set) text written in that locale, "1.250,5" in
    Italian, "1,250.5" in English (app.core.numbers says what is refused). Raises ValueError."""
    if isinstance(raw, bool):
        raise ValueError(_("Must be a number, not true or false."))
    if isinstance(raw, int | float):
        try:
            value = float(raw)
        except OverflowError:
            raise ValueError(_("That number is too large.")) from None
    elif isinstance(raw, str) and text_locale is not None:
        value = float(numbers.parse_number(raw, text_locale, symbols=symbols))  # a NumberError is a ValueError
    else:
        raise ValueError(_("Must be a number."))
    if not math.isfinite(value) or abs(value) > MAX_VALUE:
        raise ValueError(_("That number is too large."))
    return value


def _parse_day(raw) -> date:
    if isinstance(raw, date):
        return raw
    if not isinstance(raw, str) or len(raw.strip()) != 10:
        raise ValueError(_("Give the date as YYYY-MM-DD."))
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise ValueError(_("“%(v)s” is not a date (YYYY-MM-DD).", v=raw.strip()[:20])) from None


class _Lookups:
    """Stores, KPIs and people named in the batch, each loaded in one query."""

    def __init__(self, items: list[dict]):
        def texts(key):
            return {str(item[key]).strip() for item in items
                    if isinstance(item, dict) and isinstance(item.get(key), str | int) and
                    not isinstance(item.get(key), bool)}

        codes = {code for code in texts("store") if len(code) <= 40}
        self.stores = {store.code.lower(): store for store in db.session.scalars(
            sa.select(Store).where(sa.func.lower(Store.code).in_([code.lower() for code in codes])))} \
            if codes else {}
        self.kpis = {kpi.code: kpi for kpi in db.session.scalars(sa.select(KpiDefinition))}
        numbers = {number for number in texts("person") if len(number) <= 40}
        self.people = {person.employee_number: person for person in db.session.scalars(
            sa.select(Person).where(Person.employee_number.in_(numbers)))} if numbers else {}


def validate(items: list, *, text_locale: str | None = None, allowed_store_ids: set[int] | None = None,
             recent_only: bool = False) -> tuple[list[Measurement], list[Problem]]:
    """Check every item ({"store", "kpi", "date", "value", "person"?}); returns the clean measurements and
    the problems. `text_locale`: the locale of values sent as text (forms, CSV); None takes JSON numbers
    only. `allowed_store_ids` None: every store may be written. `recent_only`: days before the
    entry window are refused (managers; HR, admins and the API may load history)."""
    problems: list[Problem] = []
    clean: list[Measurement] = []
    if not isinstance(items, list) or not items:
        return [], [Problem(-1, "measurements", _("Send at least one measurement."))]
    if len(items) > MAX_ITEMS:
        return [], [Problem(-1, "measurements", _("At most %(n)d measurements at once.", n=MAX_ITEMS))]
    lookups = _Lookups(items)
    for index, item in enumerate(items):
        found = _check_item(index, item, lookups, text_locale, allowed_store_ids, recent_only)
        if isinstance(found, Measurement):
            clean.append(found)
        else:
            problems.extend(found)
    return clean, problems


def _check_item(index: int, item, lookups: _Lookups, text_locale: str | None, allowed: set[int] | None,
                recent_only: bool):
    if not isinstance(item, dict):
        return [Problem(index, "item", _("Each measurement is an object with store, kpi, date and value."))]
    problems = []

    def problem(name, message, kind=INVALID):
        problems.append(Problem(index, name, message, kind))

    unknown = sorted(set(item) - {"store", "kpi", "date", "value", "person"})
    if unknown:
        problem("item", _("Unknown fields: %(f)s.", f=", ".join(map(str, unknown))[:100]))
    store = kpi = day = value = person = None
    raw_store = item.get("store")
    if not isinstance(raw_store, str) or not raw_store.strip():
        problem("store", _("Name the store by its code."))
    else:
        store = lookups.stores.get(raw_store.strip().lower())
        if store is None:
            problem("store", _("No store has the code “%(c)s”.", c=raw_store.strip()[:40]))
        elif allowed is not None and store.id not in allowed:
            problem("store", _("Store %(c)s is outside your stores.", c=store.code), OUT_OF_SCOPE)
    raw_kpi = item.get("kpi")
    if not isinstance(raw_kpi, str) or not raw_kpi.strip():
        problem("kpi", _("Name the KPI by its code, e.g. sales."))
    else:
        kpi = lookups.kpis.get(raw_kpi.strip())
        if kpi is None or not kpi.active:
            problem("kpi", _("No active KPI has the code “%(c)s”.", c=raw_kpi.strip()[:40]))
            kpi = None
        elif kpi.is_ratio:
            problem("kpi", _("%(name)s is computed from its parts: send those instead.", name=kpi.name))
            kpi = None
    try:
        day = _parse_day(item.get("date"))
    except ValueError as error:
        problem("date", str(error))
    if "value" not in item or item["value"] is None or item["value"] == "":
        problem("value", _("A value is needed."))
    else:
        try:
            value = parse_value(item["value"], text_locale=text_locale, symbols=unit_symbol(kpi))
        except ValueError as error:
            problem("value", str(error))
    raw_person = item.get("person")
    if raw_person not in (None, ""):
        if not isinstance(raw_person, str):
            problem("person", _("Name the person by their employee number (text)."))
        else:
            person = lookups.people.get(raw_person.strip())
            if person is None or (store is not None and person.store_id != store.id):
                problem("person", _("Employee %(n)s doesn't work in that store.", n=raw_person.strip()[:40]))
    if store is not None and day is not None and day > store_today(store):
        problem("date", _("%(d)s is in the future for %(store)s.", d=day.isoformat(), store=store.code))
    elif recent_only and store is not None and day is not None and day < earliest_open_day(store):
        problem("date", _("%(d)s is too far back: values can be entered for the last %(n)d days. Ask HR to "
                          "load older values.", d=day.isoformat(), n=entry_window_days()))
    if kpi is not None and value is not None:
        if value < 0 and kpi.unit != Unit.SCORE:
            problem("value", _("%(name)s can't be negative.", name=kpi.name))
        elif kpi.unit == Unit.PERCENT and value > 100:
            problem("value", _("A percentage goes up to 100."))
        elif kpi.unit == Unit.COUNT and value != int(value):
            problem("value", _("%(name)s is a count: a whole number.", name=kpi.name))
        elif (outside := ranges.measurement_problem(kpi, value)) is not None:
            problem("value", outside)
    if problems:
        return problems
    return Measurement(kpi, store, day, value, person)


def _insert(values: list[dict], *, per_person: bool):
    statement = dialect_insert(KpiMeasurement).values(values)
    where = sa.text("person_id IS NOT NULL" if per_person else "person_id IS NULL")
    columns = ["kpi_id", "store_id", "person_id", "day"] if per_person else ["kpi_id", "store_id", "day"]
    return statement.on_conflict_do_update(
        index_elements=columns, index_where=where,
        set_={"value": statement.excluded.value, "source": statement.excluded.source,
              "entered_by_id": statement.excluded.entered_by_id, "updated_at": statement.excluded.updated_at})


def save_measurements(items: list, *, source: str, entered_by: Person | None = None,
                      allowed_store_ids: set[int] | None = None, text_locale: str | None = None,
                      recent_only: bool = False) -> SaveResult:
    """Validate and upsert every item, or nothing (MeasurementErrors). Flushes; the caller commits.

    Sends `kpi_measurements_saved` for each store and day touched (in the transaction), and after commit
    queues the job that checks whether the store reached its targets."""
    if source not in SOURCES:
        raise ValueError(f"unknown source {source}")
    clean, problems = validate(items, text_locale=text_locale, allowed_store_ids=allowed_store_ids,
                               recent_only=recent_only)
    if problems:
        raise MeasurementErrors(problems)
    # The same store, KPI, day (and person) twice in one batch: the last one wins, as a resend would.
    latest: dict[tuple, Measurement] = {}
    for measurement in clean:
        key = (measurement.kpi.id, measurement.store.id, measurement.day,
               measurement.person.id if measurement.person else None)
        latest[key] = measurement
    now = utcnow()
    rows = {False: [], True: []}
    for (kpi_id, store_id, day, person_id), measurement in latest.items():
        rows[person_id is not None].append({
            "kpi_id": kpi_id, "store_id": store_id, "person_id": person_id, "day": day,
            "value": measurement.value, "source": source,
            "entered_by_id": entered_by.id if entered_by else None, "updated_at": now})
    for per_person, values in rows.items():
        for start in range(0, len(values), 500):
            db.session.execute(_insert(values[start:start + 500], per_person=per_person))
    db.session.flush()
    db.session.expire_all()  # ORM copies of upserted rows are stale now
    touched: dict[tuple[int, date], set[int]] = defaultdict(set)
    for kpi_id, store_id, day, _person in latest:
        touched[(store_id, day)].add(kpi_id)
    for (store_id, day), kpi_ids in sorted(touched.items()):
        kpi_measurements_saved.send(None, event=KpiMeasurementsSaved(store_id=store_id, day=day,
                                                                     kpi_ids=tuple(sorted(kpi_ids))))
    # Read now: an after-commit callback runs inside the commit and may not query.
    district_ids = set(db.session.scalars(sa.select(Store.district_id).where(
        Store.id.in_({store_id for store_id, _day in touched}))))
    after_commit(partial(_after_save, sorted(touched), sorted(district_ids)))
    return SaveResult(list(latest.values()))


def _after_save(touched: list[tuple[int, date]], district_ids: list[int]) -> None:
    from app.core import realtime
    from app.kpis import jobs

    for store_id, day in touched:
        jobs.check_store_targets(store_id, day.isoformat())
    for store_id in {store_id for store_id, _day in touched}:
        realtime.notify(realtime.store_room(store_id), "kpis-changed", {"store": store_id})
    for district_id in district_ids:
        realtime.notify(realtime.district_room(district_id), "kpis-changed", {})


def values_for(store_id: int, day: date) -> dict[int, float]:
    """{kpi_id: value} of the store-level measurements of one day (what the form prefills)."""
    return dict(db.session.execute(sa.select(KpiMeasurement.kpi_id, KpiMeasurement.value).where(
        KpiMeasurement.store_id == store_id, KpiMeasurement.day == day,
        KpiMeasurement.person_id.is_(None))).all())


def base_kpis() -> list[KpiDefinition]:
    """The KPIs people enter (active, not computed), in dashboard order."""
    return list(db.session.scalars(sa.select(KpiDefinition).where(
        KpiDefinition.active.is_(True), KpiDefinition.aggregation != "ratio")
        .order_by(KpiDefinition.position, KpiDefinition.id)))
