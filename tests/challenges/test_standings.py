"""Standings for every metric and format: ties share a place, races go to who crossed first, reversed
points and prizes don't count, store boards are per head, and a lower-is-better KPI ranks the lowest first."""

from datetime import timedelta

from app.challenges import standings
from app.challenges.models import Format, Kind, Metric
from app.extensions import db
from app.kpis.models import KpiMeasurement
from app.points import ledger
from tests import factories
from tests.challenges.helpers import ago, complete_mission, earn, make_challenge


def _by_name(lines):
    return {line.name: (line.rank, line.score, line.winner) for line in lines}


def test_points_ranking_with_a_tie_sharing_a_place(org):
    challenge = make_challenge([org.store], created_by=org.sm, winners=2)
    third = factories.make_person(store=org.store, name="Terza Persona")
    earn(org.staff, 30, ago(hours=5))
    earn(org.colleague, 30, ago(hours=4))
    earn(third, 10, ago(hours=3))
    lines = standings.compute(challenge)
    assert _by_name(lines)["Sara S."] == (1, 30, True)
    assert _by_name(lines)["Cosimo C."] == (1, 30, True)
    assert _by_name(lines)["Terza P."] == (3, 10, False)
    # The author of the challenge never competes in it.
    assert org.sm.id not in {line.entrant_id for line in lines}


def test_points_outside_the_window_reversed_or_prizes_dont_count(org):
    challenge = make_challenge([org.store], created_by=org.sm, starts_at=ago(days=1))
    earn(org.staff, 100, ago(days=3))          # before the start
    wrong = earn(org.staff, 40, ago(hours=2))  # reversed below
    earn(org.staff, 7, ago(hours=1))
    earn(org.staff, 500, ago(hours=1), source_type="challenge")  # another challenge's prize
    ledger.reverse(wrong, reason="Wrong person", reversed_by=org.admin)
    assert _by_name(standings.compute(challenge))["Sara S."][1] == 7


def test_race_goes_to_whoever_crossed_the_target_first(org):
    challenge = make_challenge([org.store], created_by=org.sm, fmt=Format.RACE, target=50, winners=1)
    earn(org.colleague, 50, ago(hours=6))  # crossed first
    earn(org.staff, 30, ago(hours=5))
    earn(org.staff, 40, ago(hours=4))     # crossed later, with more points
    lines = standings.compute(challenge)
    assert [line.name for line in lines[:2]] == ["Cosimo C.", "Sara S."]
    assert lines[0].winner and not lines[1].winner
    assert lines[0].reached_at < lines[1].reached_at


def test_stores_points_are_per_head(org):
    challenge = make_challenge([org.store, org.sibling_store], created_by=org.dm, kind=Kind.STORES)
    # Store A: sm, staff, colleague (3 heads) earn 90 → 30 each; store B: sibling_sm, sibling_staff (2) earn 70 → 35.
    earn(org.staff, 60, ago(hours=3))
    earn(org.colleague, 30, ago(hours=3))
    earn(org.sibling_staff, 70, ago(hours=3))
    lines = standings.compute(challenge)
    assert [(line.name, line.score) for line in lines] == [("Monza", 35.0), ("Milano Duomo", 30.0)]


def test_missions_ranking_and_race(org):
    ranking = make_challenge([org.store], created_by=org.sm, metric=Metric.MISSIONS, winners=1)
    race = make_challenge([org.store], created_by=org.sm, metric=Metric.MISSIONS, fmt=Format.RACE, target=2,
                          winners=1)
    complete_mission(org.staff, ago(hours=9))
    complete_mission(org.colleague, ago(hours=8))
    complete_mission(org.colleague, ago(hours=7))  # colleague reaches 2 first
    complete_mission(org.staff, ago(hours=6))
    complete_mission(org.staff, ago(hours=5))
    complete_mission(org.staff, ago(days=5))       # before the window
    assert _by_name(standings.compute(ranking))["Sara S."] == (1, 3, True)
    race_lines = standings.compute(race)
    assert race_lines[0].name == "Cosimo C." and race_lines[0].winner


def _measure(kpi, store, day, value):
    db.session.add(KpiMeasurement(kpi_id=kpi.id, store_id=store.id, day=day, value=value))


def test_kpi_ranking_higher_is_better(org, kpi_library):
    sales = kpi_library["sales"]
    challenge = make_challenge([org.store, org.sibling_store], created_by=org.dm, kind=Kind.STORES,
                               metric=Metric.KPI, kpi=sales, winners=1)
    today = challenge.starts_at.date() + timedelta(days=1)
    _measure(sales, org.store, today, 1000)
    _measure(sales, org.sibling_store, today, 1500)
    db.session.flush()
    lines = standings.compute(challenge)
    assert [(line.name, line.score, line.winner) for line in lines] == [("Monza", 1500, True),
                                                                       ("Milano Duomo", 1000, False)]


def test_kpi_lower_is_better_ranks_the_lowest_first(org, kpi_library):
    returns_rate = kpi_library["returns_rate"]
    assert not returns_rate.higher_is_better
    challenge = make_challenge([org.store, org.sibling_store, org.other_store], created_by=org.admin,
                               kind=Kind.STORES, metric=Metric.KPI, kpi=returns_rate, winners=1)
    day = challenge.starts_at.date() + timedelta(days=1)
    returns, units = returns_rate.numerator, returns_rate.denominator
    for store, ret, sold in ((org.store, 2, 100), (org.sibling_store, 8, 100)):
        _measure(returns, store, day, ret)
        _measure(units, store, day, sold)
    db.session.flush()
    lines = standings.compute(challenge)
    assert [line.name for line in lines] == ["Milano Duomo", "Monza", "Roma Termini"]
    assert lines[0].winner and not lines[1].winner
    assert lines[2].score is None and not lines[2].winner  # nothing measured: last, never a winner


def test_race_counts_only_points_earned_after_publishing(org):
    """A race published mid-way through its first day: what was earned before publishing doesn't count,
    neither for the standings nor for the winner."""
    from app.challenges import authoring
    from app.challenges.models import Status

    race = make_challenge([org.store], created_by=org.sm, fmt=Format.RACE, target=50, winners=1,
                          status=Status.DRAFT, starts_at=ago(hours=10))
    ranking = make_challenge([org.store], created_by=org.sm, metric=Metric.MISSIONS, winners=1,
                             status=Status.DRAFT, starts_at=ago(hours=10))
    earn(org.colleague, 60, ago(hours=5))        # before anyone knew of the race
    complete_mission(org.colleague, ago(hours=5))
    for challenge in (race, ranking):
        authoring.publish(org.sm, challenge, now=ago(hours=3))
    assert race.status == Status.RUNNING and race.published_at is not None
    earn(org.staff, 50, ago(hours=2))
    complete_mission(org.staff, ago(hours=2))
    lines = standings.compute(race)
    assert _by_name(lines)["Sara S."] == (1, 50, True)
    assert _by_name(lines)["Cosimo C."][1:] == (0, False)
    assert _by_name(standings.compute(ranking))["Cosimo C."][1] == 0
    assert _by_name(standings.compute(ranking))["Sara S."] == (1, 1, True)
