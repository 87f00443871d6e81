"""Targets per store and period: set one cell, set a grid, copy last period with an uplift.

Every change is audited; a bad value is refused with a message and nothing is saved."""

import math
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from app.core import audit, numbers
from app.core.errors import ServiceError
from app.extensions import db
from app.kpis import ranges
from app.kpis.aggregation import period_bounds
from app.kpis.display import unit_symbol
from app.kpis.models import Aggregation, KpiDefinition, KpiTarget, PeriodKind, Unit
from app.org import authz
from app.org.models import Person, Store

MAX_UPLIFT = 100.0


class TargetErrors(ServiceError):
    """Several cells refused: {(kpi_id, store_id): message}."""

    def __init__(self, problems: dict[tuple[int, int], str]):
        super().__init__(_("Some targets could not be saved: nothing was changed. Fix the cells marked."))
        self.problems = problems


def normalise_period(kind: str, start: date) -> tuple[str, date]:
    kind = PeriodKind.QUARTER if kind == PeriodKind.QUARTER else PeriodKind.MONTH
    return kind, period_bounds(kind, start)[0]


def previous_period(kind: str, start: date) -> date:
    return period_bounds(kind, start - timedelta(days=1))[0]


def next_period(kind: str, start: date) -> date:
    return period_bounds(kind, start)[1] + timedelta(days=1)


def parse_value(kpi: KpiDefinition, raw, locale: str) -> float | None:
    """A target typed by a person in their locale ("180.000" or "1.250,5" in Italian); None for an empty
    cell. Raises ServiceError (app.core.numbers.NumberError says how to write a number it refuses)."""
    text = str(raw if raw is not None else "").strip()
    if not text:
        return None
    value = float(numbers.parse_number(text, locale, symbols=unit_symbol(kpi)))
    if not math.isfinite(value) or abs(value) > 1e12:
        raise ServiceError(_("That number is too large."))
    if value < 0 and kpi.unit != Unit.SCORE:
        raise ServiceError(_("A target can't be negative."))
    if kpi.unit == Unit.PERCENT and value > 100:
        raise ServiceError(_("A percentage goes up to 100."))
    if (outside := ranges.target_problem(kpi, value)) is not None:
        raise ServiceError(outside)
    return value


def _existing(kpi_ids, store_ids, kind: str, start: date) -> dict[tuple[int, int], KpiTarget]:
    rows = db.session.scalars(sa.select(KpiTarget).where(
        KpiTarget.kpi_id.in_(list(kpi_ids)), KpiTarget.store_id.in_(list(store_ids)),
        KpiTarget.period_kind == kind, KpiTarget.period_start == start))
    return {(row.kpi_id, row.store_id): row for row in rows}


def _check_store(actor: Person, store_id: int) -> None:
    if not authz.can_manage_store(actor, store_id):
        raise ServiceError(_("You can only set targets for the stores you manage."))


@dataclass(frozen=True)
class Change:
    kpi: KpiDefinition
    store_id: int
    value: float | None  # None removes the target


def apply(actor: Person, kind: str, start: date, changes: list[Change]) -> int:
    """Save these cells (after checking all of them); returns how many changed. Flushes."""
    kind, start = normalise_period(kind, start)
    for change in changes:
        _check_store(actor, change.store_id)
    existing = _existing({c.kpi.id for c in changes}, {c.store_id for c in changes}, kind, start)
    changed = 0
    for change in changes:
        row = existing.get((change.kpi.id, change.store_id))
        old = row.value if row is not None else None
        if old == change.value:
            continue
        if change.value is None:
            db.session.delete(row)
        elif row is None:
            db.session.add(KpiTarget(kpi_id=change.kpi.id, store_id=change.store_id, period_kind=kind,
                                     period_start=start, value=change.value, set_by_id=actor.id))
        else:
            row.value, row.set_by_id = change.value, actor.id
        audit.record("kpi_target.set", actor_id=actor.id, target_type="store", target_id=change.store_id,
                     kpi=change.kpi.code, period=kind, start=start.isoformat(), old=old, new=change.value)
        changed += 1
    db.session.flush()
    return changed


def set_cells(actor: Person, kind: str, start: date, raw: dict[tuple[KpiDefinition, int], str], *,
              locale: str) -> int:
    """Parse every typed cell (written in `locale`) first; one bad cell and nothing is saved (TargetErrors)."""
    problems, changes = {}, []
    for (kpi, store_id), text in raw.items():
        try:
            changes.append(Change(kpi, store_id, parse_value(kpi, text, locale)))
        except ServiceError as error:
            problems[(kpi.id, store_id)] = error.message
    if problems:
        raise TargetErrors(problems)
    return apply(actor, kind, start, changes)


def uplifted(kpi: KpiDefinition, value: float, percent: float) -> float:
    """An uplift asks for better: up by `percent` when higher is better, down by it when lower is better
    (a returns rate of 4 % with a 10 % uplift becomes 3.6 %). The result may fall outside the KPI's valid
    range: `copy_previous` refuses it then rather than quietly clamping it."""
    factor = 1 + percent / 100 if kpi.higher_is_better else 1 - percent / 100
    result = max(value * factor, 0.0)
    decimals = max(kpi.decimals, 0 if kpi.unit in (Unit.COUNT, Unit.CURRENCY) else 2)
    return round(result, decimals)


def copy_previous(actor: Person, kind: str, start: date, percent, store_ids: list[int] | None = None, *,
                  locale: str) -> int:
    """Every target of the period before `start`, for every store in scope (or `store_ids`), into this
    period with the uplift (typed in `locale`: "2,5" in Italian); replaces what this period already had for
    those KPIs. Returns how many."""
    try:
        percent = float(numbers.parse_number(str(percent), locale))
    except numbers.NumberError:
        raise ServiceError(_("Enter the uplift as a number, e.g. 5 for +5 %."), field="uplift") from None
    if not math.isfinite(percent) or not -MAX_UPLIFT < percent <= MAX_UPLIFT:
        raise ServiceError(_("Choose an uplift between -99 and 100 %."), field="uplift")
    kind, start = normalise_period(kind, start)
    scope = authz.store_ids_in_scope(actor)
    if store_ids is None:
        store_ids = list(db.session.scalars(sa.select(Store.id))) if scope is None else sorted(scope)
    for store_id in store_ids:
        _check_store(actor, store_id)
    source = list(db.session.scalars(sa.select(KpiTarget).where(
        KpiTarget.store_id.in_(store_ids), KpiTarget.period_kind == kind,
        KpiTarget.period_start == previous_period(kind, start))))
    if not source:
        raise ServiceError(_("The period before has no targets to copy."))
    kpis = {kpi.id: kpi for kpi in db.session.scalars(sa.select(KpiDefinition))}
    changes = [Change(kpis[row.kpi_id], row.store_id, uplifted(kpis[row.kpi_id], row.value, percent))
               for row in source]
    _refuse_out_of_range(changes)
    return apply(actor, kind, start, changes)


def _refuse_out_of_range(changes: list[Change]) -> None:
    """An uplift that pushes a target outside its KPI's range refuses the whole copy. Clamping instead
    would quietly set the scale's very top (a perfect 5.0 satisfaction) as the store's target: the person
    setting targets decides that one by hand."""
    outside = sorted({change.kpi.name for change in changes
                      if change.value is not None and ranges.target_problem(change.kpi, change.value)})
    if outside:
        raise ServiceError(_("With this uplift the targets of %(names)s would leave their valid range: nothing "
                             "was copied. Choose a smaller uplift, or set those targets by hand.",
                             names=", ".join(outside)), field="uplift")


def month_target_rows(store_ids, day: date) -> dict[tuple[int, int], float]:
    """{(kpi_id, store_id): target} of the month containing `day`."""
    start = period_bounds(PeriodKind.MONTH, day)[0]
    return {(row.kpi_id, row.store_id): row.value for row in db.session.scalars(sa.select(KpiTarget).where(
        KpiTarget.store_id.in_(list(store_ids)), KpiTarget.period_kind == PeriodKind.MONTH,
        KpiTarget.period_start == start))}


def daily_target(kpi: KpiDefinition, monthly: float | None, day: date) -> float | None:
    """A sum KPI's day is a share of the month; a ratio or an average is the target itself."""
    if monthly is None:
        return None
    if kpi.aggregation == Aggregation.SUM:
        return monthly / monthrange(day.year, day.month)[1]
    return monthly


def pace_target(kpi: KpiDefinition, monthly: float | None, day: date, live_from: date | None = None) -> float | None:
    """What the month should have reached by the end of `day`: pro rata for sums, counting only the days
    since the store went live (`live_from`, app/kpis/aggregation.go_live_days). A store installed on the 7th
    sent nothing for the 1st–6th: those days are not zeros, so its pace is the month's daily share times
    the days it has been live, and a store selling at that share is on track from its first day. (Spreading
    the whole month's target over the live days instead would ask for 30 days of sales in 24.)"""
    if monthly is None:
        return None
    if kpi.aggregation == Aggregation.SUM:
        counted_from = max(day.replace(day=1), live_from) if live_from is not None else day.replace(day=1)
        live_days = max((day - counted_from).days + 1, 0)
        return monthly * live_days / monthrange(day.year, day.month)[1]
    return monthly
