"""Normalised league standings: the score of each store, its rank in its division and its zone.

per head:          points earned in the month by the store's people ÷ its scheduled headcount
% of target:       the KPI month to date ÷ the store's monthly target × 100 (target ÷ value for a KPI where
                   lower is better), so a 4-person store can beat a 20-person one.

Live while the season runs (one grouped query on the points earned by store in the month, backed by
ix_point_entries_store_created); read from the frozen columns once it has closed."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from app.core.ranking import competition_ranks
from app.extensions import db
from app.kpis.aggregation import store_values
from app.kpis.models import KpiTarget, PeriodKind
from app.leagues import periods
from app.leagues.headcounts import headcounts
from app.leagues.models import Basis, League, LeagueMembership, LeagueSeason
from app.org.models import Store
from app.points import windows

ZONE_SIZE = 2  # promoted and relegated per division, at most (see zone_size)
MAX_SCORE = 999.9  # a lower-is-better KPI at zero (no returns at all) is as good as it gets, not infinite


@dataclass(frozen=True)
class Score:
    score: float | None  # None: nothing to compare yet (no target, no measurement, no headcount)
    value: float | None  # points earned, or the KPI value
    base: float | None   # headcount, or the KPI target
    base_is_default: bool = False  # headcount counted from active people


@dataclass
class Standing:
    store_id: int
    store_name: str
    division: int
    movement: str
    score: Score
    rank: int | None = None
    zone: str | None = None  # "up" (promotion) or "down" (relegation)


def zone_size(stores: int) -> int:
    """How many stores of a division of `stores` go up (and how many go down): ZONE_SIZE, but never more
    than half of it, so a store can't be in both zones (a division of 3 moves 1 each way)."""
    return max(0, min(ZONE_SIZE, stores // 2))


@dataclass
class Division:
    number: int
    rows: list[Standing] = field(default_factory=list)
    # How many go up and down at month end: what the page says, set by the ranking that marks the zones.
    goes_up: int = 0
    goes_down: int = 0

    def has_store(self, store_id: int | None) -> bool:
        return any(row.store_id == store_id for row in self.rows)


def earned_points(store_ids: Iterable[int], month: date) -> dict[int, int]:
    """Points earned in the month by each store's people, by the points' own rule (app/points/windows.py):
    a reversal lowers the month its points were earned in; spends and their refunds are not earning."""
    store_ids = list(store_ids)
    if not store_ids:
        return {}
    start, end = periods.utc_bounds(month)
    return windows.earned_totals(by=windows.STORE, start=start, end=end, among=store_ids)


def percent_of_target(value: float | None, target: float | None, higher_is_better: bool) -> float | None:
    if value is None or not target:
        return None
    if higher_is_better:
        return min(value / target * 100, MAX_SCORE)
    if value <= 0:
        return MAX_SCORE
    return min(target / value * 100, MAX_SCORE)


def scores(league: League, store_ids: Iterable[int], month: date, until: date | None = None) -> dict[int, Score]:
    """{store_id: Score} over the month (month to date when `until` falls inside it)."""
    store_ids = list(store_ids)
    if league.basis == Basis.PERCENT_OF_TARGET:
        return _kpi_scores(league, store_ids, month, until)
    points = earned_points(store_ids, month)
    heads = headcounts(store_ids, month)
    result = {}
    for store_id in store_ids:
        head = heads[store_id]
        earned = points.get(store_id, 0)
        result[store_id] = Score(round(earned / head.value, 4) if head.value else None, earned, head.value,
                                 head.is_default)
    return result


def _kpi_scores(league: League, store_ids: list[int], month: date, until: date | None) -> dict[int, Score]:
    kpi = league.kpi
    if kpi is None:
        return {store_id: Score(None, None, None) for store_id in store_ids}
    end = min(periods.month_end(month), until) if until else periods.month_end(month)
    values = store_values(kpi, store_ids, month, end) if end >= month else {}
    targets = dict(db.session.execute(
        sa.select(KpiTarget.store_id, KpiTarget.value)
        .where(KpiTarget.kpi_id == kpi.id, KpiTarget.store_id.in_(store_ids),
               KpiTarget.period_kind == PeriodKind.MONTH, KpiTarget.period_start == month)).all())
    result = {}
    for store_id in store_ids:
        value, target = values.get(store_id), targets.get(store_id)
        score = percent_of_target(value, target, kpi.higher_is_better)
        result[store_id] = Score(round(score, 4) if score is not None else None, value, target)
    return result


def rank_division(rows: list[Standing], *, is_top: bool, is_bottom: bool) -> list[Standing]:
    """Order by score (no score last), ties share a rank (1, 1, 3); mark the promotion and relegation zones.
    At a tie on a zone's edge the store name decides, so the zones always hold the same number of stores."""
    ranked = competition_ranks(rows, key=lambda row: (row.score.score is None, -(row.score.score or 0)),
                               tiebreak=lambda row: (row.store_name.lower(), row.store_id))
    for rank, row in ranked:
        row.rank = rank
    rows = [row for _rank, row in ranked]
    zone = zone_size(len(rows))
    for position, row in enumerate(rows):
        row.zone = None
        if not is_top and position < zone and row.score.score is not None:
            row.zone = "up"
        elif not is_bottom and position >= len(rows) - zone:
            row.zone = "down"
    return rows


def season_standings(season: LeagueSeason, *, until: date | None = None) -> list[Division]:
    """Every division of the season, ranked. Closed seasons read their frozen rows."""
    memberships = db.session.execute(
        sa.select(LeagueMembership, Store.name).join(Store, Store.id == LeagueMembership.store_id)
        .where(LeagueMembership.season_id == season.id)).all()
    if not memberships:
        return []
    if season.closed_at is not None:
        found = {membership.store_id: Score(membership.final_score, membership.final_value, membership.final_base)
                 for membership, _name in memberships}
    else:
        found = scores(season.league, [membership.store_id for membership, _name in memberships], season.month,
                       until or periods.today())
    by_division: dict[int, Division] = {}
    for membership, name in memberships:
        division = by_division.setdefault(membership.division, Division(membership.division))
        division.rows.append(Standing(membership.store_id, name, membership.division, membership.movement,
                                      found[membership.store_id]))
    numbers = sorted(by_division)
    for number in numbers:
        division = by_division[number]
        is_top, is_bottom = number == numbers[0], number == numbers[-1]
        division.rows = rank_division(division.rows, is_top=is_top, is_bottom=is_bottom)
        division.goes_up = 0 if is_top else zone_size(len(division.rows))
        division.goes_down = 0 if is_bottom else zone_size(len(division.rows))
    return [by_division[number] for number in numbers]
