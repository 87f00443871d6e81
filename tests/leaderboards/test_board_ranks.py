"""Boards against the plain definition: every member ranked in memory by app/core/ranking.py (points high
first, then who reached them first, then id; ties share a rank), the top ten, two either side of the
viewer, the next one up. Random chains with many ties, people who hide from wide boards and people who
left, seen by every viewer on every board. And the number of queries a board costs: the same for a viewer
at the top, in the middle and at the bottom however many people are on it."""

import random
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from app.core.ranking import competition_ranks
from app.core.timezones import zone_named
from app.extensions import db
from app.leaderboards import periods, queries
from app.leaderboards.models import BoardScore
from app.leaderboards.scores import set_hidden
from app.org.models import Person, Store
from tests import factories

NOW = datetime(2026, 12, 2, 10, 0)  # a Wednesday


@dataclass(frozen=True)
class Score:
    person_id: int
    full_name: str
    store_id: int
    district_id: int
    store_name: str
    points: int
    reached_at: datetime
    active: bool
    hidden: bool


def write_scores(scores: list[Score]) -> None:
    """Straight into the read model (this is about reading boards), this week only, flags included."""
    start = periods.starts(NOW, zone_named(None))[periods.WEEK]
    db.session.add_all(BoardScore(person_id=s.person_id, period=periods.WEEK, period_start=start, store_id=s.store_id,
                                  district_id=s.district_id, points=s.points, reached_at=s.reached_at,
                                  active=s.active, hidden_wide=False) for s in scores)
    db.session.flush()
    for score in scores:
        if score.hidden:
            set_hidden(db.session.get(Person, score.person_id), True)
    db.session.commit()


def display(full_name: str) -> str:
    parts = full_name.split()
    return full_name if len(parts) < 2 else f"{parts[0]} {parts[-1][0]}."


def expected(scores: list[Score], viewer: Score, kind: str) -> dict:
    """The board by definition: who is on it, ranked in memory, and what the viewer is shown."""
    def in_scope(score: Score) -> bool:
        return {"store": score.store_id == viewer.store_id, "district": score.district_id == viewer.district_id,
                "company": True}[kind]

    members = [s for s in scores if s.active and s.points > 0 and in_scope(s)
               and (kind == "store" or not s.hidden or s.person_id == viewer.person_id)]
    ranked = competition_ranks(members, key=lambda s: -s.points, tiebreak=lambda s: (s.reached_at, s.person_id))
    counts = Counter(s.points for s in members)
    rows = [(rank, s.person_id, s.points, counts[s.points] > 1) for rank, s in ranked]
    position = next((index for index, (_rank, s) in enumerate(ranked) if s.person_id == viewer.person_id), None)
    if position is None:
        neighbourhood, mine = [], None
        ahead = (ranked[-1][1].points, display(ranked[-1][1].full_name)) if ranked else None
    else:
        first = queries.TOP if position < queries.TOP else max(queries.TOP, position - queries.NEIGHBOURS)
        neighbourhood = rows[first:position + queries.NEIGHBOURS + 1] if position + 2 >= queries.TOP else []
        mine = rows[position]
        better = [s for _rank, s in ranked[:position] if s.points > viewer.points]
        ahead = (better[-1].points - viewer.points, display(better[-1].full_name)) if better else None
    return {"rows": rows[:queries.TOP], "neighbourhood": neighbourhood, "viewer": mine, "ahead": ahead,
            "hidden": kind != "store" and viewer.hidden}


def shown(board) -> dict:
    def plain(row):
        return (row.rank, row.person_id, row.points, row.tied)
    return {"rows": [plain(row) for row in board.rows], "neighbourhood": [plain(row) for row in board.neighbourhood],
            "viewer": plain(board.viewer) if board.viewer else None,
            "ahead": (board.ahead.points_behind, board.ahead.display_name) if board.ahead else None,
            "hidden": board.viewer_hidden}


def random_chain(org, rng: random.Random, people: int, points: list[int]) -> list[Score]:
    stores = [org.store, org.sibling_store, org.other_store]
    moments = [NOW - timedelta(hours=hours) for hours in (1, 2, 3)]
    scores = []
    for n in range(people):
        store = rng.choice(stores)
        active = rng.random() > 0.1
        person = factories.make_person(store=store, name=f"P{n:03d} Rank{n}", active=active)
        scores.append(Score(person.id, person.full_name, store.id, store.district_id, store.name, rng.choice(points),
                            rng.choice(moments), active, rng.random() < 0.15))
    write_scores(scores)
    return scores


@pytest.mark.parametrize(("seed", "people", "points"), [
    (1, 45, [1, 2, 3, 4, 5]),  # long ties everywhere, around the viewer and across the tenth place
    (2, 60, [5] * 6 + list(range(1, 40))),  # one big tie, the rest spread out
    (3, 30, list(range(0, 60))),  # few ties; some rows with no points
])
def test_every_viewer_sees_the_board_as_defined(org, clock, seed, people, points):
    clock.set(NOW)
    rng = random.Random(seed)
    scores = random_chain(org, rng, people, points)
    for score in scores:
        if not score.active:
            continue
        viewer = db.session.get(Person, score.person_id)
        for kind in ("store", "district", "company"):
            board = queries.board(viewer, kind, "week")
            assert shown(board) == expected(scores, score, kind), (score, kind)
        standing = queries.standing(viewer)
        board = expected(scores, score, "store")
        assert (standing.rank, standing.points, standing.tied) == (
            (board["viewer"][0], score.points, board["viewer"][3]) if board["viewer"] else (None, 0, False))
        assert standing.points_behind == (board["ahead"][0] if board["ahead"] else None)
    for store in (org.store, org.sibling_store, org.other_store):
        tv = [(row.rank, row.person_id, row.points, row.tied) for row in queries.store_top(store.id)]
        anyone = next(s for s in scores if s.store_id == store.id)
        assert tv == expected(scores, anyone, "store")["rows"]


def test_a_viewer_at_rank_nine_sees_rank_eleven_below_the_top(org, clock):
    """Two below the viewer, whatever the top ten already shows (the ninth saw nobody below it before)."""
    clock.set(NOW)
    people = [factories.make_person(store=org.store, name=f"Person{n:02d} Neri") for n in range(14)]
    write_scores([Score(p.id, p.full_name, org.store.id, org.district.id, org.store.name, 100 - n, NOW, True, False)
                  for n, p in enumerate(people)])
    board = queries.board(people[8], "store", "week")
    assert [row.rank for row in board.neighbourhood] == [11]


def board_queries(count_queries, viewer_id: int, kind: str) -> int:
    with count_queries() as counter:
        queries.board(db.session.get(Person, viewer_id), kind, "week")
    return counter.count


@pytest.mark.parametrize("kind", ["store", "company"])
def test_a_board_costs_the_same_queries_at_the_top_middle_and_bottom_however_many(org, clock, count_queries, kind):
    clock.set(NOW)
    rng = random.Random(4)
    costs: dict[str, set[int]] = {}
    store_id, district_id = org.store.id, org.district.id  # the counts below start from an empty session
    for size in (40, 120):
        db.session.execute(sa.delete(BoardScore))  # each size starts from an empty board
        store = db.session.get(Store, store_id)
        people = [factories.make_person(store=store) for _ in range(size)]
        write_scores([Score(p.id, p.full_name, store_id, district_id, store.name, rng.randint(1, 30), NOW, True,
                            False) for p in people])
        ranked = list(db.session.scalars(sa.select(BoardScore.person_id).order_by(
            BoardScore.points.desc(), BoardScore.reached_at, BoardScore.person_id)))
        for name, viewer_id in (("top", ranked[0]), ("middle", ranked[size // 2]), ("bottom", ranked[-1])):
            costs.setdefault(name, set()).add(board_queries(count_queries, viewer_id, kind))
    # Around the board itself: the transaction's start on SQLite, loading the viewer and their store (its time
    # zone), and for a store board the access check. The board: the viewer's own row (with their privacy
    # setting) and the top; below the top ten, the rows ahead of the viewer with the count that places them,
    # and the rows behind.
    extra = {"store": 4, "company": 3}[kind] - (db.engine.dialect.name != "sqlite")
    assert costs == {"top": {extra + 2}, "middle": {extra + 4}, "bottom": {extra + 4}}
