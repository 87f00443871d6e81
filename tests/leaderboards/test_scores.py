"""Period scores and boards: ties and order, the neighbourhood, period boundaries in the store's zone,
privacy, reversals and the rebuild from the ledger."""

from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.leaderboards import queries
from app.leaderboards.models import BoardScore
from app.leaderboards.scores import rebuild_scores, set_hidden
from app.nudges.models import Notification
from app.org.models import Role
from app.points import ledger
from tests import factories
from tests.leaderboards.conftest import award

NOW = datetime(2026, 12, 2, 10, 0)  # a Wednesday


def names(rows) -> list[str]:
    return [row.display_name for row in rows]


def ranks(rows) -> list[int]:
    return [row.rank for row in rows]


@pytest.fixture
def team(org):
    """Four more associates in the staff's store."""
    return [factories.make_person(store=org.store, name=f"{first} Rossi") for first in ("Anna", "Bruno", "Carla",
                                                                                          "Dario")]


def test_ties_share_a_rank_and_whoever_got_there_first_leads(org, team, clock):
    anna, bruno, carla, dario = team
    clock.set(NOW)
    award(anna, 10)
    clock.set(NOW + timedelta(minutes=5))
    award(bruno, 10)
    award(carla, 5)
    award(dario, 12)

    board = queries.board(org.staff, "store", "week")

    assert names(board.rows) == ["Dario R.", "Anna R.", "Bruno R.", "Carla R."]
    assert ranks(board.rows) == [1, 2, 2, 4]
    assert [row.tied for row in board.rows] == [False, True, True, False]
    assert board.viewer is None  # no points yet: not on the board


def test_equal_scores_reached_at_the_same_moment_fall_back_to_id(org, team, clock):
    clock.set(NOW)
    for person in reversed(team):
        award(person, 7)
    assert [row.person_id for row in queries.board(org.staff, "store", "week").rows] == sorted(p.id for p in team)


def test_the_viewer_sees_the_top_ten_and_two_either_side(org, clock):
    clock.set(NOW)
    people = [factories.make_person(store=org.store, name=f"Person{n:02d} Bianchi") for n in range(16)]
    for n, person in enumerate(people):
        award(person, 100 - n)  # person 0 leads with 100
    viewer = people[12]  # rank 13

    board = queries.board(viewer, "store", "week")

    assert ranks(board.rows) == list(range(1, 11))
    assert ranks(board.neighbourhood) == [11, 12, 13, 14, 15]
    assert [row.is_viewer for row in board.neighbourhood] == [False, False, True, False, False]
    assert board.viewer.rank == 13 and board.viewer.points == 88
    assert (board.ahead.points_behind, board.ahead.first_name) == (1, "Person11")


def test_near_the_bottom_of_the_top_ten_the_two_below_are_added(org, clock):
    clock.set(NOW)
    people = [factories.make_person(store=org.store, name=f"Person{n:02d} Verdi") for n in range(14)]
    for n, person in enumerate(people):
        award(person, 100 - n)

    board = queries.board(people[9], "store", "week")  # rank 10, in the top ten

    assert board.rows[-1].is_viewer
    assert ranks(board.neighbourhood) == [11, 12]


def test_the_top_person_is_told_so(org, team, clock):
    clock.set(NOW)
    award(org.staff, 30)
    award(team[0], 20)
    board = queries.board(org.staff, "store", "week")
    assert board.viewer.rank == 1 and board.ahead is None
    assert queries.standing(org.staff) == queries.Standing(rank=1, points=30, points_behind=None,
                                                           ahead_name=None, tied=False, store_name="Milano Duomo")


def test_standing_says_how_far_behind_the_next_one_up(org, team, clock):
    clock.set(NOW)
    award(team[0], 20)  # Anna
    award(team[1], 15)  # Bruno
    award(org.staff, 13)
    standing = queries.standing(org.staff)
    assert (standing.rank, standing.points, standing.points_behind, standing.ahead_name) == (3, 13, 2, "Bruno")


def test_standing_without_points_names_the_last_on_the_board(org, team, clock):
    clock.set(NOW)
    award(team[0], 4)
    standing = queries.standing(org.staff)
    assert (standing.rank, standing.points, standing.points_behind, standing.ahead_name) == (None, 0, 4, "Anna")
    assert queries.standing(org.hr) is None  # no store, no store board


def test_a_week_starts_on_monday_midnight_in_the_store_zone(org, clock):
    # Sunday 29 November 23:30 in Rome is 22:30 UTC; Monday 00:30 in Rome is 23:30 UTC on Sunday.
    clock.set(datetime(2026, 11, 29, 22, 30))
    award(org.staff, 5)
    clock.set(datetime(2026, 11, 29, 23, 30))
    award(org.staff, 7)

    clock.set(NOW)
    assert queries.board(org.staff, "store", "week").viewer.points == 7
    assert queries.board(org.staff, "store", "week").period_start == date(2026, 11, 30)
    weeks = dict(db.session.execute(sa.select(BoardScore.period_start, BoardScore.points)
                                    .where(BoardScore.period == "week")).all())
    assert weeks == {date(2026, 11, 23): 5, date(2026, 11, 30): 7}


def test_a_month_follows_the_store_zone_too(org, clock):
    clock.set(datetime(2026, 11, 30, 22, 30))  # 23:30 on 30 November in Rome
    award(org.staff, 3)
    clock.set(datetime(2026, 11, 30, 23, 30))  # 00:30 on 1 December in Rome
    award(org.staff, 4)

    clock.set(NOW)
    board = queries.board(org.staff, "store", "month")
    assert board.period_start == date(2026, 12, 1) and board.period_end == date(2026, 12, 31)
    assert board.viewer.points == 4
    assert queries.board(org.staff, "store", "all").viewer.points == 7


def test_a_store_in_another_zone_buckets_by_its_own_clock(org, clock):
    store = factories.make_store(org.district, timezone="America/New_York")
    person = factories.make_person(store=store, name="Nina York")
    clock.set(datetime(2026, 12, 1, 3, 0))  # 22:00 on Monday 30 November in New York; Tuesday in Rome
    award(person, 6)
    row = db.session.scalar(sa.select(BoardScore).where(BoardScore.person_id == person.id,
                                                        BoardScore.period == "month"))
    assert row.period_start == date(2026, 11, 1)


def test_last_weeks_points_are_not_on_this_weeks_board(org, team, clock):
    clock.set(NOW - timedelta(days=7))
    award(team[0], 50)
    clock.set(NOW)
    board = queries.board(org.staff, "store", "week")
    assert board.is_empty
    assert queries.board(org.staff, "store", "month").is_empty  # November's
    assert queries.board(org.staff, "store", "all").rows[0].points == 50


def test_hidden_people_are_left_off_wide_boards_but_see_their_own_rank(org, clock):
    clock.set(NOW)
    award(org.sibling_staff, 40)
    award(org.staff, 30)
    award(org.colleague, 20)
    set_hidden(org.sibling_staff, True)
    db.session.commit()

    for scope in ("district", "company"):
        assert names(queries.board(org.staff, scope, "week").rows) == ["Sara S.", "Cosimo C."]
        own = queries.board(org.sibling_staff, scope, "week")
        assert own.viewer_hidden and own.viewer.rank == 1 and own.viewer.points == 40
        assert names(own.rows) == ["Marta V.", "Sara S.", "Cosimo C."]
    # Their store's board still shows them.
    assert names(queries.board(org.sibling_sm, "store", "week").rows) == ["Marta V."]


def test_a_reversal_lowers_the_period_the_points_were_earned_in(org, clock):
    clock.set(datetime(2026, 11, 25, 10, 0))  # the week before
    entry = award(org.staff, 20)
    clock.set(NOW)
    award(org.staff, 5)
    ledger.reverse(entry, reason="Awarded twice", reversed_by=org.hr)
    db.session.commit()

    scores = dict(db.session.execute(sa.select(BoardScore.period_start, BoardScore.points)
                                     .where(BoardScore.person_id == org.staff.id, BoardScore.period == "week")).all())
    assert scores == {date(2026, 11, 23): 0, date(2026, 11, 30): 5}
    assert queries.board(org.staff, "store", "all").viewer.points == 5
    assert queries.board(org.staff, "store", "month").viewer.points == 5  # December only ever had 5


def test_rebuild_equals_what_the_awards_built(org, team, clock):
    moments = [datetime(2026, 10, 31, 23, 30), datetime(2026, 11, 29, 23, 30), datetime(2026, 11, 30, 22, 59),
               datetime(2026, 12, 1, 8, 0)]
    entries = []
    for n, moment in enumerate(moments):
        clock.set(moment)
        for person in (org.staff, *team[: n + 1], org.sibling_staff, org.hr):
            entries.append(award(person, 3 + n))
    clock.set(NOW)
    ledger.reverse(entries[1], reason="Wrong person", reversed_by=org.admin)
    db.session.commit()

    def snapshot():
        return sorted(tuple(row) for row in db.session.execute(sa.select(
            BoardScore.person_id, BoardScore.period, BoardScore.period_start, BoardScore.store_id,
            BoardScore.district_id, BoardScore.points, BoardScore.reached_at)))

    incremental = snapshot()
    assert rebuild_scores() == len(incremental)
    db.session.commit()
    assert snapshot() == incremental


def test_who_may_open_which_board(org, clock):
    clock.set(NOW)
    assert queries.board(org.staff, "store", "week", org.sibling_store.id) is None
    assert queries.board(org.staff, "district", "week", org.other_district.id) is None
    assert queries.board(org.staff, "district", "week").scope.id == org.district.id
    assert queries.board(org.sm, "store", "week").scope.id == org.store.id
    assert queries.board(org.dm, "store", "week", org.sibling_store.id).scope.name == "Monza"
    assert queries.board(org.dm, "store", "week", org.other_store.id) is None
    assert queries.board(org.dm, "district", "week", org.other_district.id) is None
    assert queries.board(org.hr, "store", "week", org.other_store.id).scope.name == "Roma Termini"
    assert queries.board(org.hr, "district", "week", org.other_district.id).scope.name == "Lazio"
    assert queries.board(org.admin, "company", "week").scope.kind == "company"
    assert queries.board(org.staff, "store", "fortnight") is None
    assert queries.board(org.staff, "galaxy", "week") is None


def test_store_top_is_what_the_tv_shows(org, team, clock):
    clock.set(NOW)
    award(team[0], 9)
    award(team[1], 9)
    award(org.sibling_staff, 50)  # another store
    rows = queries.store_top(org.store.id)
    assert [(row.rank, row.display_name, row.points) for row in rows] == [(1, "Anna R.", 9), (1, "Bruno R.", 9)]
    assert queries.store_top(org.store.id, limit=1)[0].display_name == "Anna R."
    assert queries.store_top(999_999) == []


def test_deactivated_people_leave_the_board(org, team, clock):
    clock.set(NOW)
    award(team[0], 9)
    award(org.staff, 3)
    team[0].active = False
    db.session.commit()
    board = queries.board(org.staff, "store", "week")
    assert names(board.rows) == ["Sara S."] and board.viewer.rank == 1


def test_being_overtaken_on_the_store_week_board_nudges_once_a_day(org, team, clock):
    clock.set(NOW)
    award(org.staff, 10)
    award(org.colleague, 8)
    award(team[0], 12)  # passes both
    award(team[0], 5)  # already ahead: nobody new is passed
    clock.set(NOW + timedelta(hours=1))
    award(org.colleague, 20)  # passes Sara again today (28 > 17 and > 10)

    notifications = db.session.execute(sa.select(Notification.person_id, Notification.title)
                                       .where(Notification.nudge_type == "overtaken")
                                       .order_by(Notification.id)).all()
    assert notifications == [(org.staff.id, "Anna R. just passed you"), (org.colleague.id, "Anna R. just passed you"),
                             (team[0].id, "Cosimo C. just passed you")]


def test_managers_boards_for_people_without_a_store(org, clock):
    clock.set(NOW)
    award(org.staff, 4)
    board = queries.board(org.hr, "company", "week")
    assert names(board.rows) == ["Sara S."] and board.viewer is None
    assert org.hr.role == Role.HR
