"""Normalised league ranking: per head and % of target, ties, zones."""

from datetime import date

from app.extensions import db
from app.kpis.models import KpiMeasurement, KpiTarget
from app.leagues import standings
from app.leagues.models import Basis, League
from app.leagues.seasons import ensure_season
from app.leagues.standings import Score, Standing, rank_division
from tests import factories
from tests.leagues.conftest import earn, staffed_store


def _league(**values) -> League:
    league = League(name="League", basis=values.pop("basis", Basis.PER_HEAD), division_size=6, **values)
    db.session.add(league)
    db.session.flush()
    return league


def test_a_four_person_store_beats_a_twenty_person_store_per_head(app, this_month):
    district = factories.make_district()
    small, small_people = staffed_store(district, 4, "Small")
    big, big_people = staffed_store(district, 20, "Big")
    for person in small_people:
        earn(person, 30)  # 120 points ÷ 4 = 30 per head
    for person in big_people:
        earn(person, 10)  # 200 points ÷ 20 = 10 per head: more points, fewer per head
    league = _league()
    season = ensure_season(league, this_month)

    [division] = standings.season_standings(season)
    assert [(row.store_name, row.rank, row.score.score) for row in division.rows] == [
        ("Small", 1, 30.0), ("Big", 2, 10.0)]
    assert division.rows[0].score.value == 120 and division.rows[0].score.base == 4
    assert division.rows[0].score.base_is_default


def test_scheduled_headcount_replaces_the_default(app, this_month):
    from app.leagues.headcounts import headcounts, set_headcount

    district = factories.make_district()
    store, people = staffed_store(district, 3)
    manager = factories.make_person("store_manager", store=store, password=None)
    assert headcounts([store.id], this_month)[store.id].value == 4  # 3 associates and their manager
    assert headcounts([store.id], this_month)[store.id].is_default

    set_headcount(manager, store.id, this_month, 8)
    earn(people[0], 80)
    found = standings.scores(_league(), [store.id], this_month)[store.id]
    assert (found.score, found.value, found.base, found.base_is_default) == (10.0, 80, 8, False)

    set_headcount(manager, store.id, this_month, None)  # back to the default
    assert headcounts([store.id], this_month)[store.id].value == 4


def test_spends_and_other_months_do_not_count(app, this_month, last_month):
    from app.points import ledger
    from tests.leagues.conftest import mid_month

    district = factories.make_district()
    store, [person] = staffed_store(district, 1)
    earn(person, 50)
    earn(person, 70, when=mid_month(last_month))
    ledger.spend(person, 20, source_type="redemption", source_id=1, reason="Coffee", idempotency_key="spend:1")
    assert standings.earned_points([store.id], this_month) == {store.id: 50}
    assert standings.earned_points([store.id], last_month) == {store.id: 70}


def _measure(kpi, store, day: date, value: float) -> None:
    db.session.add(KpiMeasurement(kpi_id=kpi.id, store_id=store.id, day=day, value=value))


def _target(kpi, store, month: date, value: float) -> None:
    db.session.add(KpiTarget(kpi_id=kpi.id, store_id=store.id, period_start=month, value=value))


def test_percent_of_target_with_a_lower_is_better_kpi(app, kpi_library, this_month):
    returns = kpi_library["returns"]  # lower is better: score = target ÷ value × 100
    district = factories.make_district()
    careful, _ = staffed_store(district, 2, "Careful")
    sloppy, _ = staffed_store(district, 2, "Sloppy")
    untargeted, _ = staffed_store(district, 2, "Untargeted")
    _measure(returns, careful, this_month, 8)
    _measure(returns, sloppy, this_month, 20)
    _measure(returns, untargeted, this_month, 1)
    _target(returns, careful, this_month, 10)
    _target(returns, sloppy, this_month, 10)
    league = _league(basis=Basis.PERCENT_OF_TARGET, kpi_id=returns.id)

    [division] = standings.season_standings(ensure_season(league, this_month))
    assert [(row.store_name, row.rank, row.score.score) for row in division.rows] == [
        ("Careful", 1, 125.0), ("Sloppy", 2, 50.0), ("Untargeted", 3, None)]
    assert division.rows[0].score.value == 8 and division.rows[0].score.base == 10


def test_percent_of_target_with_a_higher_is_better_kpi(app, kpi_library, this_month):
    sales = kpi_library["sales"]
    district = factories.make_district()
    small, _ = staffed_store(district, 2, "Small")
    big, _ = staffed_store(district, 2, "Big")
    _measure(sales, small, this_month, 11_000)
    _target(sales, small, this_month, 10_000)
    _measure(sales, big, this_month, 90_000)
    _target(sales, big, this_month, 100_000)
    found = standings.scores(_league(basis=Basis.PERCENT_OF_TARGET, kpi_id=sales.id), [small.id, big.id],
                             this_month)
    assert found[small.id].score == 110.0 and found[big.id].score == 90.0


def test_percent_of_target_edges():
    assert standings.percent_of_target(None, 10, True) is None
    assert standings.percent_of_target(5, None, True) is None
    assert standings.percent_of_target(5, 0, True) is None
    assert standings.percent_of_target(0, 10, False) == standings.MAX_SCORE


def _row(store_id: int, name: str, score: float | None) -> Standing:
    return Standing(store_id, name, 1, "stayed", Score(score, None, None))


def test_ties_share_a_rank_and_no_score_comes_last():
    rows = rank_division([_row(1, "Bari", 5.0), _row(2, "Asti", 7.5), _row(3, "Como", 7.5), _row(4, "Lodi", None),
                          _row(5, "Enna", 2.0)], is_top=False, is_bottom=False)
    assert [(row.store_name, row.rank) for row in rows] == [("Asti", 1), ("Como", 1), ("Bari", 3), ("Enna", 4),
                                                            ("Lodi", 5)]
    assert [row.zone for row in rows] == ["up", "up", None, "down", "down"]


def test_top_division_promotes_nobody_and_bottom_relegates_nobody():
    top = rank_division([_row(i, f"S{i}", float(i)) for i in range(1, 7)], is_top=True, is_bottom=False)
    assert [row.zone for row in top] == [None, None, None, None, "down", "down"]
    bottom = rank_division([_row(i, f"S{i}", float(i)) for i in range(1, 7)], is_top=False, is_bottom=True)
    assert [row.zone for row in bottom] == ["up", "up", None, None, None, None]
    small = rank_division([_row(1, "A", 2.0), _row(2, "B", 1.0), _row(3, "C", 0.0)], is_top=False, is_bottom=False)
    assert [row.zone for row in small] == ["up", None, "down"]  # never promoted and relegated at once
