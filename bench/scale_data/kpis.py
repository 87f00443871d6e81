"""A year of daily store measurements for the library's base KPIs (the ratio KPIs are computed from
them, never stored) with a weekly rhythm and a slow trend, and monthly targets per store for every
library KPI near what the store does (some beat them, some don't): the shape of app/kpis/demo.py."""

from __future__ import annotations

import random
from calendar import monthrange
from datetime import date, datetime

import sqlalchemy as sa

from app.kpis.demo import WEEKDAY, day_values, store_profile
from app.kpis.models import KpiDefinition, PeriodKind
from bench.scale_data.calendar import Calendar

MORNING_SHARE = 0.45  # today is still going: only the morning's numbers are in


def read_library(connection: sa.Connection) -> dict[str, int]:
    codes = dict(connection.execute(sa.select(KpiDefinition.code, KpiDefinition.id)).all())
    if not codes:
        raise RuntimeError("the migrations seeded no KPI library")
    return codes


def _monthly_targets(profile: dict, start: date) -> dict[str, float]:
    days = monthrange(start.year, start.month)[1]
    daily_footfall = profile["footfall"] * sum(WEEKDAY) / 7
    transactions = daily_footfall * profile["conversion"] * days
    units = transactions * profile["upt"]
    return {
        "sales": transactions * profile["ticket"], "transactions": transactions,
        "footfall": daily_footfall * days, "units_sold": units, "returns": units * profile["returns"],
        "conversion_rate": profile["conversion"] * 100 * 1.02,
        "average_transaction_value": profile["ticket"], "units_per_transaction": profile["upt"],
        "returns_rate": profile["returns"] * 100, "customer_satisfaction": min(5.0, profile["satisfaction"]),
        "response_time": profile["response"] * 1.05, "loyalty_churn": profile["churn"],
    }


LOWER_IS_BETTER = {"returns", "returns_rate", "response_time", "loyalty_churn"}


def fill(writer, ids, connection: sa.Connection, calendar: Calendar, stores: list[int], rng: random.Random,
         set_by: dict[int, int], now: datetime, days: int | None = None) -> None:
    """Measurements for the last `days` days (all of the history by default; `source` "csv", as a
    nightly till export brings them) and the months' targets, set by the district manager (`set_by`:
    store id -> person id)."""
    library = read_library(connection)
    measured = calendar.days[-days:] if days else calendar.days
    months = sorted({day.month_start for day in measured})
    last = len(calendar.days) - 1
    for store_id in stores:
        profile = store_profile(rng)
        for day in measured:
            values = day_values(profile, day.local, day.index / last, rng)
            if day.index == last:
                values = {code: round(values[code] * MORNING_SHARE, 2 if code == "sales" else 0)
                          for code in ("footfall", "transactions", "sales", "units_sold")}
            for code, value in values.items():
                if code in library:
                    writer.add("kpi_measurements", {
                        "id": ids.next("kpi_measurements"), "kpi_id": library[code], "store_id": store_id,
                        "person_id": None, "day": day.local, "value": float(value), "source": "csv",
                        "entered_by_id": None, "updated_at": now})
        for start in months:
            for code, expected in _monthly_targets(profile, start).items():
                if code not in library:
                    continue
                bias = profile["target_bias"]
                target = expected / bias if code in LOWER_IS_BETTER else expected * bias
                writer.add("kpi_targets", {
                    "id": ids.next("kpi_targets"), "kpi_id": library[code], "store_id": store_id,
                    "period_kind": PeriodKind.MONTH, "period_start": start,
                    "value": round(target, 0 if code in ("sales", "footfall", "transactions") else 2),
                    "set_by_id": set_by.get(store_id), "updated_at": now})

