"""KPI values over a date range and a set of stores: the one place that knows how a KPI aggregates.
Challenges, leagues, OKR key results, dashboards and the TV screen all call these.

Store-level measurements only (person_id IS NULL): per-person values are detail, not the store's total.

A ratio over several stores (a district's conversion) sums its numerator and its denominator only over the
stores that sent both parts in the range: a store that sent its transactions but not its footfall would
otherwise add to the top of the fraction and nothing to the bottom, and lift the district's conversion. The
rule is per store over the whole range, not per day, so the district's figure is exactly the one its stores'
own rows add up to (a store's ratio is the ratio of its sums over the range too).

A store goes live on the first day it has any store-level measurement (`go_live_days`): the days before it
are "not yet live", not zeros, so a target's pace is counted from then (app/kpis/targets.pace_target)."""

from collections.abc import Iterable
from datetime import date, timedelta

import sqlalchemy as sa

from app.extensions import db
from app.kpis.models import Aggregation, KpiDefinition, KpiMeasurement, PeriodKind

# Built once, with bound parameters (expanding ones for the id lists): dashboards run several of these per
# request, and a statement rebuilt per call cost more CPU than the database spent answering it. A reused
# statement keeps its cache key, so SQLAlchemy's compiled cache answers at once.
_measurements = KpiMeasurement.__table__
_STORE_LEVEL = (
    _measurements.c.kpi_id.in_(sa.bindparam("kpi_ids", expanding=True, type_=sa.Integer)),
    _measurements.c.store_id.in_(sa.bindparam("store_ids", expanding=True, type_=sa.Integer)),
    _measurements.c.person_id.is_(None),
    _measurements.c.day >= sa.bindparam("start", type_=sa.Date),
    _measurements.c.day <= sa.bindparam("end", type_=sa.Date),
)


def _grouped_totals(*group) -> sa.Select:
    return (sa.select(*group, sa.func.sum(_measurements.c.value), sa.func.count())
            .where(*_STORE_LEVEL).group_by(*group))


_TOTALS_BY_STORE = _grouped_totals(_measurements.c.kpi_id, _measurements.c.store_id)
_DAILY_TOTALS = _grouped_totals(_measurements.c.kpi_id, _measurements.c.store_id, _measurements.c.day)


_GO_LIVE = (sa.select(_measurements.c.store_id, sa.func.min(_measurements.c.day))
            .where(_measurements.c.store_id.in_(sa.bindparam("store_ids", expanding=True, type_=sa.Integer)),
                   _measurements.c.person_id.is_(None))
            .group_by(_measurements.c.store_id))


def go_live_days(store_ids: Iterable[int]) -> dict[int, date]:
    """{store_id: the first day it has a store-level measurement}, in one query; a store that never sent
    anything is absent (it is not live yet: "no data yet", never "off track")."""
    store_ids = list(store_ids)
    if not store_ids:
        return {}
    return dict(db.session.execute(_GO_LIVE, {"store_ids": store_ids}).all())


def _base_totals(kpi_ids: list[int], store_ids: list[int], start: date, end: date):
    """{(kpi_id, store_id): (sum, count of days)} of store-level measurements, end inclusive."""
    totals = {}
    for kpi_id, store_id, total, count in db.session.execute(
            _TOTALS_BY_STORE, {"kpi_ids": kpi_ids, "store_ids": store_ids, "start": start, "end": end}):
        totals[(kpi_id, store_id)] = (float(total), int(count))
    return totals


def _over_stores(kpi: KpiDefinition, totals: dict, store_ids: list[int]) -> dict:
    """The stores' totals folded into one store (key None), as `_value_from` reads them. A ratio's parts
    count only from the stores that sent both (see the module's docstring)."""
    parts = _measured_ids(kpi)
    folded = {}
    complete = [store_id for store_id in store_ids if all((part, store_id) in totals for part in parts)]
    for part in parts:
        found = [totals[(part, store_id)] for store_id in complete]
        if found:
            folded[(part, None)] = (sum(total for total, _days in found), sum(days for _total, days in found))
    return folded


def _value_from(kpi: KpiDefinition, totals: dict, store_key) -> float | None:
    if kpi.aggregation == Aggregation.RATIO:
        numerator = totals.get((kpi.numerator_id, store_key))
        denominator = totals.get((kpi.denominator_id, store_key))
        if numerator is None or denominator is None or denominator[0] == 0:
            return None
        return numerator[0] / denominator[0] * kpi.scale
    found = totals.get((kpi.id, store_key))
    if found is None:
        return None
    total, days = found
    return total if kpi.aggregation == Aggregation.SUM else total / days


def _measured_ids(kpi: KpiDefinition) -> list[int]:
    return [kpi.numerator_id, kpi.denominator_id] if kpi.is_ratio else [kpi.id]


def aggregate(kpi: KpiDefinition, store_ids: Iterable[int], start: date, end: date) -> float | None:
    """The KPI over all `store_ids` together from `start` to `end` (inclusive); None when nothing was
    measured. An average KPI is the mean of all store-days (not the mean of store means)."""
    return aggregate_many([kpi], store_ids, start, end)[kpi.id]


def aggregate_many(kpis: Iterable[KpiDefinition], store_ids: Iterable[int], start: date,
                   end: date) -> dict[int, float | None]:
    """`aggregate` for several KPIs in one query: {kpi_id: value or None}. The query groups by store, so a
    ratio can leave out the stores that sent only one of its parts."""
    kpis, store_ids = list(kpis), list(store_ids)
    if not kpis or not store_ids:
        return {kpi.id: None for kpi in kpis}
    measured = sorted({kpi_id for kpi in kpis for kpi_id in _measured_ids(kpi)})
    totals = _base_totals(measured, store_ids, start, end)
    return {kpi.id: _value_from(kpi, _over_stores(kpi, totals, store_ids), None) for kpi in kpis}


def store_values(kpi: KpiDefinition, store_ids: Iterable[int], start: date, end: date) -> dict[int, float | None]:
    """The KPI for each store separately, in one query: {store_id: value or None}."""
    store_ids = list(store_ids)
    if not store_ids:
        return {}
    totals = _base_totals(_measured_ids(kpi), store_ids, start, end)
    return {store_id: _value_from(kpi, totals, store_id) for store_id in store_ids}


def period_bounds(kind: str, day: date) -> tuple[date, date]:
    """The month or quarter containing `day`: (first day, last day)."""
    if kind == PeriodKind.QUARTER:
        first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        months = 3
    else:
        first = date(day.year, day.month, 1)
        months = 1
    year, month = divmod(first.month - 1 + months, 12)
    return first, date(first.year + year, month + 1, 1) - timedelta(days=1)


def store_values_many(kpis: Iterable[KpiDefinition], store_ids: Iterable[int], start: date,
                      end: date) -> dict[int, dict[int, float | None]]:
    """Several KPIs for each store, in one query: {kpi_id: {store_id: value or None}}. Dashboards use it
    so their query count does not grow with the number of KPIs or stores."""
    kpis, store_ids = list(kpis), list(store_ids)
    if not kpis or not store_ids:
        return {kpi.id: {store_id: None for store_id in store_ids} for kpi in kpis}
    measured = sorted({kpi_id for kpi in kpis for kpi_id in _measured_ids(kpi)})
    totals = _base_totals(measured, store_ids, start, end)
    return {kpi.id: {store_id: _value_from(kpi, totals, store_id) for store_id in store_ids} for kpi in kpis}


def daily_store_values(kpis: Iterable[KpiDefinition], store_ids: Iterable[int], start: date,
                       end: date) -> dict[int, dict[int, dict[date, float | None]]]:
    """Each KPI for each store on each day, in one query: {kpi_id: {store_id: {day: value or None}}}
    (every day from `start` to `end` is present), for sparklines."""
    kpis, store_ids = list(kpis), list(store_ids)
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    result = {kpi.id: {store_id: dict.fromkeys(days) for store_id in store_ids} for kpi in kpis}
    if not kpis or not store_ids:
        return result
    measured = sorted({kpi_id for kpi in kpis for kpi_id in _measured_ids(kpi)})
    by_day: dict[date, dict] = {}
    parameters = {"kpi_ids": measured, "store_ids": store_ids, "start": start, "end": end}
    for kpi_id, store_id, day, total, count in db.session.execute(_DAILY_TOTALS, parameters):
        by_day.setdefault(day, {})[(kpi_id, store_id)] = (float(total), int(count))
    for day, totals in by_day.items():
        for kpi in kpis:
            for store_id in store_ids:
                result[kpi.id][store_id][day] = _value_from(kpi, totals, store_id)
    return result
