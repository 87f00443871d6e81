"""Read models for KPI screens: status against a target, the store dashboard's tiles, the district table,
the targets grid. Query counts stay constant in the number of stores and KPIs (values are batched)."""

from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa

from app.core.timezones import store_today
from app.extensions import db
from app.kpis import display
from app.kpis.aggregation import daily_store_values, go_live_days, period_bounds, store_values_many
from app.kpis.display import AT_RISK, OFF_TRACK, ON_TRACK
from app.kpis.models import Aggregation, KpiDefinition, KpiTarget, PeriodKind
from app.kpis.targets import daily_target, pace_target
from app.org import authz
from app.org.models import Person, Store

ON_TRACK_AT, AT_RISK_AT = 1.0, 0.9
SPARK_DAYS = 14
# The district table's columns besides the chosen KPI, when they are active.
DISTRICT_COLUMNS = ("sales", "conversion_rate", "average_transaction_value", "units_per_transaction")


def status(kpi: KpiDefinition, value: float | None, target: float | None) -> str | None:
    """on_track at 100 % of target or better, at_risk from 90 %, else off_track, honouring direction:
    when lower is better, the target over the value is the attainment. None without a value or target."""
    if value is None or target is None:
        return None
    if kpi.higher_is_better:
        if target <= 0:
            return ON_TRACK
        attainment = value / target
    else:
        if value <= 0:
            return ON_TRACK
        attainment = target / value if target > 0 else 0.0
    if attainment >= ON_TRACK_AT:
        return ON_TRACK
    if attainment >= AT_RISK_AT:
        return AT_RISK
    return OFF_TRACK


def attainment_percent(kpi: KpiDefinition, value: float | None, target: float | None) -> float | None:
    if value is None or not target:
        return None
    return 100 * (value / target if kpi.higher_is_better else (target / value if value else 1.0))


@dataclass(frozen=True)
class Tile:
    """One KPI on a screen: what the TV, the store dashboard and the phone show."""

    name: str
    value_display: str
    target_display: str
    status: str | None
    code: str = ""
    status_label: str = ""
    status_icon: str = "info"


class StatusShown:
    """A row with a `status` (on_track, at_risk, off_track or None) shows it by word and by icon."""

    status: str | None

    @property
    def status_label(self):
        return display.STATUS_LABELS.get(self.status, "")

    @property
    def status_icon(self) -> str:
        return display.STATUS_ICONS.get(self.status, "info")


def _status_fields(value: str | None) -> dict:
    return {"status": value, "status_label": str(display.STATUS_LABELS.get(value, "")),
            "status_icon": display.STATUS_ICONS.get(value, "info")}


def active_kpis() -> list[KpiDefinition]:
    return list(db.session.scalars(sa.select(KpiDefinition).where(KpiDefinition.active.is_(True))
                                   .order_by(KpiDefinition.position, KpiDefinition.id)))


# Plain columns, not KpiTarget objects: a district has hundreds of targets, and loading each as an ORM object
# cost more than the query. Built once, so its compiled form is reused.
_targets = KpiTarget.__table__
_MONTH_TARGETS = sa.select(_targets.c.kpi_id, _targets.c.store_id, _targets.c.value).where(
    _targets.c.store_id.in_(sa.bindparam("store_ids", expanding=True, type_=sa.Integer)),
    _targets.c.period_kind == PeriodKind.MONTH, _targets.c.period_start == sa.bindparam("start", type_=sa.Date))


def _month_targets(store_ids, month_start: date) -> dict[tuple[int, int], float]:
    if not store_ids:
        return {}
    rows = db.session.execute(_MONTH_TARGETS, {"store_ids": list(store_ids), "start": month_start})
    return {(kpi_id, store_id): value for kpi_id, store_id, value in rows}


def today_tiles(store_id: int) -> list[Tile]:
    """Today's value of every active KPI in the store against its daily target (the TV screen's tiles).
    Three queries, whatever the number of KPIs."""
    store = db.session.get(Store, store_id)
    if store is None:
        return []
    today = store_today(store)
    kpis = active_kpis()
    values = store_values_many(kpis, [store_id], today, today)
    targets = _month_targets([store_id], period_bounds(PeriodKind.MONTH, today)[0])
    tiles = []
    for kpi in kpis:
        value = values[kpi.id][store_id]
        target = daily_target(kpi, targets.get((kpi.id, store_id)), today)
        tiles.append(Tile(name=kpi.name, value_display=display.number(kpi, value),
                          target_display=display.number(kpi, target) if target is not None else "",
                          code=kpi.code, **_status_fields(status(kpi, value, target))))
    return tiles


@dataclass
class DashboardTile(StatusShown):
    kpi: KpiDefinition
    today: float | None
    today_target: float | None
    month: float | None
    month_target: float | None
    pace: float | None  # what the month should have reached by today
    status: str | None
    spark: str  # SVG polyline points
    spark_label: str
    counted_from: date | None = None  # the go-live day, when the store went live this month

    @property
    def percent(self) -> float | None:
        """Attainment against the target to date (the pace), the figure the status is decided on."""
        return attainment_percent(self.kpi, self.month, self.pace)

    @property
    def paced(self) -> bool:
        """A sum KPI's month target is for the whole month: the card shows the share due by today beside
        it, so "€48,686" is read against "€55,300 to date", not against the month's €244,580."""
        return self.kpi.aggregation == Aggregation.SUM


def store_dashboard(store: Store, today: date) -> list[DashboardTile]:
    kpis = active_kpis()
    month_start = period_bounds(PeriodKind.MONTH, today)[0]
    todays = store_values_many(kpis, [store.id], today, today)
    months = store_values_many(kpis, [store.id], month_start, today)
    series = daily_store_values(kpis, [store.id], today - timedelta(days=SPARK_DAYS - 1), today)
    targets = _month_targets([store.id], month_start)
    live_from = go_live_days([store.id]).get(store.id)
    tiles = []
    for kpi in kpis:
        monthly = targets.get((kpi.id, store.id))
        pace = pace_target(kpi, monthly, today, live_from)
        month_value = months[kpi.id][store.id]
        points = list(series[kpi.id][store.id].values())
        tiles.append(DashboardTile(
            kpi=kpi, today=todays[kpi.id][store.id], today_target=daily_target(kpi, monthly, today),
            month=month_value, month_target=monthly, pace=pace, status=status(kpi, month_value, pace),
            spark=display.sparkline_points(points), spark_label=_spark_label(kpi, points),
            counted_from=live_from if live_from is not None and month_start < live_from <= today else None))
    return tiles


def _spark_label(kpi: KpiDefinition, points: list) -> str:
    from flask_babel import gettext as _

    present = [value for value in points if value is not None]
    if len(present) < 2:
        return _("Not enough days measured for a trend yet.")
    return _("Last %(n)d days: from %(first)s to %(last)s, lowest %(low)s, highest %(high)s.", n=len(points),
             first=display.number(kpi, present[0]), last=display.number(kpi, present[-1]),
             low=display.number(kpi, min(present)), high=display.number(kpi, max(present)))


def _visible_stores(person: Person, district_id: int | None) -> list[Store]:
    """The stores `person` may see by name, in one district when one is chosen."""
    query = authz.visible_stores(person).order_by(Store.name)
    if district_id is not None:
        query = query.where(Store.district_id == district_id)
    return list(db.session.scalars(query))


# -- District ----------------------------------------------------------------------------------------

@dataclass
class StoreRow(StatusShown):
    store: Store
    values: dict[str, float | None]  # by KPI code, month to date
    focus_target: float | None  # the focus KPI's pace target
    sales_percent: float | None
    status: str | None
    spark: str
    spark_label: str


@dataclass
class DistrictSummary:
    label: str
    kpi: KpiDefinition
    value: float | None
    target: float | None  # to date: a sum KPI's pace, the target itself otherwise
    previous: float | None
    status: str | None = None
    percent: float | None = None
    month_target: float | None = None  # a sum KPI's whole-month target (None otherwise)
    has_target: bool = False  # some store has one: without a value yet that reads "no data yet"


@dataclass
class Attention(StatusShown):
    """A store below target on one KPI of the board: its worst, by the tiles' own `status`."""

    store: Store
    kpi: KpiDefinition
    value: float | None
    target: float | None
    status: str
    percent: float | None


@dataclass
class DistrictDashboard:
    stores: list[Store]
    focus: KpiDefinition
    columns: list[KpiDefinition]
    rows: list[StoreRow]
    summary: list[DistrictSummary] = field(default_factory=list)
    attention: list[Attention] = field(default_factory=list)  # the first ATTENTION_SHOWN
    attention_more: int = 0  # below target but not listed
    kpis: list[KpiDefinition] = field(default_factory=list)  # every active KPI: what the page can compare on


SORTS = ("status", "store", "focus", "sales")
ATTENTION_SHOWN = 10


def _sort_rows(rows: list[StoreRow], sort: str, descending: bool, focus: KpiDefinition) -> list[StoreRow]:
    missing_last = float("-inf") if descending else float("inf")
    if sort == "store":
        key = lambda row: row.store.name.lower()  # noqa: E731
    elif sort == "focus":
        key = lambda row: missing_last if row.values.get(focus.code) is None else row.values[focus.code]  # noqa: E731
    elif sort == "sales":
        key = lambda row: missing_last if row.sales_percent is None else row.sales_percent  # noqa: E731
    else:
        key = lambda row: (display.STATUS_ORDER[row.status], row.store.name.lower())  # noqa: E731
    return sorted(rows, key=key, reverse=descending)


def district_dashboard(person: Person, today: date, *, focus_code: str = "conversion_rate", sort: str = "status",
                       descending: bool = False, district_id: int | None = None) -> DistrictDashboard | None:
    """The stores `person` may see, month to date: a constant number of queries, however many stores."""
    stores = _visible_stores(person, district_id)
    active = active_kpis()
    kpis = {kpi.code: kpi for kpi in active}
    if not kpis:
        return None
    focus = kpis.get(focus_code) or kpis.get("conversion_rate") or next(iter(kpis.values()))
    columns = [kpis[code] for code in DISTRICT_COLUMNS if code in kpis and code != focus.code]
    sales = kpis.get("sales")
    wanted = [focus, *columns]
    store_ids = [store.id for store in stores]
    month_start = period_bounds(PeriodKind.MONTH, today)[0]
    previous_start = period_bounds(PeriodKind.MONTH, month_start - timedelta(days=1))[0]
    previous_end = min(previous_start + (today - month_start), month_start - timedelta(days=1))
    months = store_values_many(wanted, store_ids, month_start, today)
    previous = store_values_many(wanted, store_ids, previous_start, previous_end)
    series = daily_store_values([focus], store_ids, today - timedelta(days=SPARK_DAYS - 1), today)
    targets = _month_targets(store_ids, month_start)
    live = go_live_days(store_ids)
    rows = []
    for store in stores:
        values = {kpi.code: months[kpi.id][store.id] for kpi in wanted}
        focus_target = pace_target(focus, targets.get((focus.id, store.id)), today, live.get(store.id))
        sales_percent = None
        if sales is not None and sales in wanted:
            sales_target = pace_target(sales, targets.get((sales.id, store.id)), today, live.get(store.id))
            sales_percent = attainment_percent(sales, values["sales"], sales_target)
        points = list(series[focus.id][store.id].values())
        rows.append(StoreRow(store=store, values=values, focus_target=focus_target, sales_percent=sales_percent,
                             status=status(focus, values[focus.code], focus_target),
                             spark=display.sparkline_points(points), spark_label=_spark_label(focus, points)))
    summary = _summary(wanted, stores, months, previous, targets, live, today, (previous_start, previous_end))
    attention = _attention(stores, wanted, months, targets, live, today)
    return DistrictDashboard(stores=stores, focus=focus, columns=columns,
                             rows=_sort_rows(rows, sort if sort in SORTS else "status", descending, focus),
                             summary=summary, attention=attention[:ATTENTION_SHOWN],
                             attention_more=max(len(attention) - ATTENTION_SHOWN, 0), kpis=active)


def _attention(stores, kpis, months, targets, live: dict[int, date], today: date) -> list[Attention]:
    """Every store at risk or off track on a KPI of the board, judged as its own KPI tiles judge it (`status`
    against the target's pace), worst first. Only "off track" on the chosen KPI used to count, so a district
    with three stores under target could read "no store is off track"."""
    found = []
    for store in stores:
        below = []
        for kpi in kpis:
            value = months[kpi.id][store.id]
            target = pace_target(kpi, targets.get((kpi.id, store.id)), today, live.get(store.id))
            verdict = status(kpi, value, target)
            if verdict in (OFF_TRACK, AT_RISK):
                below.append(Attention(store, kpi, value, target, verdict, attainment_percent(kpi, value, target)))
        if below:
            found.append(min(below, key=_attention_order))
    return sorted(found, key=lambda item: (*_attention_order(item), item.store.name.lower()))


def _attention_order(item: Attention) -> tuple:
    return display.STATUS_ORDER[item.status], item.percent if item.percent is not None else 0.0


def _combine(kpi: KpiDefinition, per_store: dict[int, float | None]) -> float | None:
    """A district sum from its stores' sums."""
    present = [value for value in per_store.values() if value is not None]
    if not present:
        return None
    return sum(present) if kpi.aggregation == Aggregation.SUM else sum(present) / len(present)


def _summary(kpis, stores, months, previous, targets, live, today, previous_range) -> list[DistrictSummary]:
    from app.kpis.aggregation import aggregate_many

    store_ids = [store.id for store in stores]
    month_start = period_bounds(PeriodKind.MONTH, today)[0]
    # Exact district ratios and averages (sum of numerators ÷ sum of denominators, mean of all store-days):
    # one query per period for all of them.
    exact = [kpi for kpi in kpis[:4] if kpi.aggregation != Aggregation.SUM]
    exact_now = aggregate_many(exact, store_ids, month_start, today) if exact else {}
    exact_before = aggregate_many(exact, store_ids, *previous_range) if exact else {}
    items = []
    for kpi in kpis[:4]:
        if kpi.aggregation == Aggregation.SUM:
            value = _combine(kpi, months[kpi.id])
            prior = _combine(kpi, previous[kpi.id])
            monthly = {store_id: targets[(kpi.id, store_id)] for store_id in store_ids if (kpi.id, store_id) in targets}
            month_target = sum(monthly.values()) if monthly else None
            # Each live store's own pace: a store not live yet adds nothing due, one live since the 7th
            # only the days since.
            paces = [pace_target(kpi, monthly[store_id], today, live[store_id])
                     for store_id in monthly if store_id in live]
            target = sum(paces) if paces else None
        else:
            value, prior = exact_now[kpi.id], exact_before[kpi.id]
            store_targets = [targets.get((kpi.id, store_id)) for store_id in store_ids]
            present = [t for t in store_targets if t is not None]
            target = sum(present) / len(present) if present else None
            month_target = None
        items.append(DistrictSummary(label=kpi.name, kpi=kpi, value=value, target=target, previous=prior,
                                     status=status(kpi, value, target), percent=attainment_percent(kpi, value, target),
                                     month_target=month_target,
                                     has_target=any(key[0] == kpi.id for key in targets)))
    return items


# -- Targets grid ------------------------------------------------------------------------------------

@dataclass
class TargetGrid:
    kind: str
    start: date
    end: date
    stores: list[Store]
    kpis: list[KpiDefinition]
    values: dict[tuple[int, int], float]  # (kpi_id, store_id) -> target
    previous: dict[tuple[int, int], float]


def target_grid(person: Person, kind: str, start: date, district_id: int | None = None) -> TargetGrid:
    from app.kpis.targets import previous_period

    stores = _visible_stores(person, district_id)
    store_ids = [store.id for store in stores]

    def load(period_start):
        if not store_ids:
            return {}
        return {(row.kpi_id, row.store_id): row.value for row in db.session.scalars(sa.select(KpiTarget).where(
            KpiTarget.store_id.in_(store_ids), KpiTarget.period_kind == kind,
            KpiTarget.period_start == period_start))}

    return TargetGrid(kind=kind, start=start, end=period_bounds(kind, start)[1], stores=stores,
                      kpis=active_kpis(), values=load(start), previous=load(previous_period(kind, start)))
