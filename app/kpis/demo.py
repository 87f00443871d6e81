"""Demo KPIs: 90 days of store measurements with a weekly rhythm (busy Saturdays, quiet Mondays), bigger
and smaller stores, noise, and targets for this month and the last (some stores beat them, some don't)."""

import random
from calendar import monthrange
from datetime import date, timedelta

import sqlalchemy as sa

from app.core.models import utcnow
from app.core.timezones import store_today
from app.extensions import db
from app.kpis.aggregation import period_bounds
from app.kpis.defaults import ensure_defaults
from app.kpis.models import KpiDefinition, KpiMeasurement, KpiTarget, PeriodKind
from app.org.models import Store

DAYS = 90
# Monday … Sunday: how busy a day is against an average day.
WEEKDAY = (0.78, 0.82, 0.88, 0.95, 1.12, 1.45, 1.0)


def store_profile(rng: random.Random) -> dict:
    return {"footfall": rng.uniform(450, 1500), "conversion": rng.uniform(0.095, 0.15),
            "ticket": rng.uniform(38, 62), "upt": rng.uniform(1.6, 2.4), "returns": rng.uniform(0.03, 0.07),
            "satisfaction": rng.uniform(3.9, 4.6), "response": rng.uniform(35, 90), "churn": rng.uniform(1.0, 3.5),
            "target_bias": rng.choice((0.9, 0.95, 1.0, 1.04, 1.08))}

def day_values(profile: dict, day: date, progress: float, rng: random.Random) -> dict[str, float]:
    """One plausible day of a store's base KPIs: busier on Fridays and Saturdays, improving slowly as
    `progress` goes from 0 to 1 over the period (the demo's quarter, the scale generator's year)."""
    busy = WEEKDAY[day.weekday()] * rng.uniform(0.9, 1.1)
    trend = 1 + 0.04 * progress
    footfall = round(profile["footfall"] * busy)
    transactions = round(footfall * profile["conversion"] * trend * rng.uniform(0.9, 1.1))
    units = round(transactions * profile["upt"] * rng.uniform(0.92, 1.08))
    return {
        "footfall": footfall, "transactions": transactions, "units_sold": units,
        "sales": round(transactions * profile["ticket"] * rng.uniform(0.9, 1.1), 2),
        "returns": round(units * profile["returns"] * rng.uniform(0.6, 1.4)),
        "customer_satisfaction": round(min(5.0, profile["satisfaction"] + rng.uniform(-0.3, 0.3)), 2),
        "response_time": round(profile["response"] * busy * rng.uniform(0.85, 1.15)),
        "loyalty_churn": round(profile["churn"] * rng.uniform(0.8, 1.2), 2),
    }


def load_kpis() -> None:
    """Idempotent: does nothing when demo measurements are already there. Flushes; the caller commits."""
    ensure_defaults()
    if db.session.scalar(sa.select(sa.func.count()).select_from(KpiMeasurement)
                         .where(KpiMeasurement.source == "demo")):
        return
    kpis = {kpi.code: kpi for kpi in db.session.scalars(sa.select(KpiDefinition))}
    stores = list(db.session.scalars(sa.select(Store).order_by(Store.code)))
    rng = random.Random(20261128)
    now = utcnow()
    rows, targets = [], []
    for store in stores:
        profile = store_profile(rng)
        today = store_today(store)
        totals: dict[tuple[date, str], float] = {}
        for back in range(DAYS, -1, -1):
            day = today - timedelta(days=back)
            values = day_values(profile, day, (DAYS - back) / DAYS, rng)
            if back == 0:  # today is still going: only the morning's numbers are in
                values = {code: values[code] for code in ("footfall", "transactions", "sales", "units_sold")}
                values = {code: round(value * 0.45) if code != "sales" else round(value * 0.45, 2)
                          for code, value in values.items()}
            for code, value in values.items():
                rows.append({"kpi_id": kpis[code].id, "store_id": store.id, "person_id": None, "day": day,
                             "value": float(value), "source": "demo", "entered_by_id": None, "updated_at": now})
                totals[(day, code)] = float(value)
        targets.extend(_targets(kpis, store, profile, today))
    for start in range(0, len(rows), 2000):
        db.session.execute(sa.insert(KpiMeasurement), rows[start:start + 2000])
    existing = set(db.session.execute(sa.select(KpiTarget.kpi_id, KpiTarget.store_id, KpiTarget.period_start)).all())
    db.session.add_all(target for target in targets
                       if (target.kpi_id, target.store_id, target.period_start) not in existing)
    db.session.flush()


def _targets(kpis: dict, store: Store, profile: dict, today: date) -> list[KpiTarget]:
    """Targets near what the store does, nudged by its bias: a store with bias 1.08 is behind them."""
    this_month = period_bounds(PeriodKind.MONTH, today)[0]
    last_month = period_bounds(PeriodKind.MONTH, this_month - timedelta(days=1))[0]
    found = []
    for start in (last_month, this_month):
        days = monthrange(start.year, start.month)[1]
        bias = profile["target_bias"]
        daily_footfall = profile["footfall"] * sum(WEEKDAY) / 7
        expected = {
            "sales": daily_footfall * profile["conversion"] * profile["ticket"] * days,
            "footfall": daily_footfall * days,
            "conversion_rate": profile["conversion"] * 100 * 1.02,
            "average_transaction_value": profile["ticket"],
            "units_per_transaction": profile["upt"],
            "customer_satisfaction": min(5.0, profile["satisfaction"]),
            "returns_rate": profile["returns"] * 100,
            "response_time": profile["response"] * 1.05,
        }
        for code, value in expected.items():
            kpi = kpis[code]
            target = value * bias if kpi.higher_is_better else value / bias
            decimals = 0 if code in ("sales", "footfall", "response_time") else 2
            found.append(KpiTarget(kpi_id=kpi.id, store_id=store.id, period_kind=PeriodKind.MONTH,
                                   period_start=start, value=round(target, decimals)))
    return found
