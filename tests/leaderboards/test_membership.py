"""Who counts on a board is kept on the score rows (active, hidden from wide boards, store and district):
every way those change must reach the rows at once, and the boards must be right straight after, with no
new award. The rows must also stay what `flask leaderboards rebuild` computes."""

from datetime import datetime

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.leaderboards import queries
from app.leaderboards.models import BoardPoints, BoardScore
from app.leaderboards.scores import rebuild_scores, set_hidden
from app.org import structure
from app.org.importer import import_people
from app.org.services import PersonDraft, set_active, update_person
from app.points import ledger
from tests import factories
from tests.leaderboards.conftest import award

NOW = datetime(2026, 12, 2, 10, 0)  # a Wednesday


def names(board) -> list[str]:
    return [row.display_name for row in board.rows]


def flags(person) -> set[tuple]:
    """(store_id, district_id, active, hidden_wide) over all of the person's score rows."""
    return set(db.session.execute(sa.select(BoardScore.store_id, BoardScore.district_id, BoardScore.active,
                                            BoardScore.hidden_wide).where(BoardScore.person_id == person.id)))


def snapshot() -> list[tuple]:
    return sorted(tuple(row) for row in db.session.execute(sa.select(
        BoardScore.person_id, BoardScore.period, BoardScore.period_start, BoardScore.store_id,
        BoardScore.district_id, BoardScore.points, BoardScore.reached_at, BoardScore.active,
        BoardScore.hidden_wide)))


def histogram() -> dict[tuple, int]:
    """The company board's points histogram as the triggers keep it (rows emptied to 0 stay)."""
    return {(period, start, points): members for period, start, points, members in db.session.execute(
        sa.select(BoardPoints.period, BoardPoints.period_start, BoardPoints.points, BoardPoints.members))
        if members}


def histogram_by_definition() -> dict[tuple, int]:
    return {(period, start, points): members for period, start, points, members in db.session.execute(
        sa.select(BoardScore.period, BoardScore.period_start, BoardScore.points, sa.func.count())
        .where(BoardScore.active.is_(True), BoardScore.hidden_wide.is_(False), BoardScore.points > 0)
        .group_by(BoardScore.period, BoardScore.period_start, BoardScore.points))}


def assert_rebuild_agrees() -> None:
    """The rows as the changes left them are the rows the rebuild computes, and the histogram the
    triggers kept is the one counted from them."""
    incremental, counted = snapshot(), histogram()
    assert counted == histogram_by_definition()
    rebuild_scores()
    db.session.commit()
    assert snapshot() == incremental
    assert histogram() == counted


@pytest.fixture
def scored(org, clock):
    clock.set(NOW)
    award(org.sibling_staff, 40)  # Marta, Monza
    award(org.staff, 30)  # Sara, Milano
    award(org.colleague, 20)  # Cosimo, Milano
    award(org.other_staff, 10)  # Rita, Roma
    return org


def test_a_deactivated_person_leaves_every_board_at_once_and_comes_back_when_reactivated(scored):
    org = scored
    set_active(org.hr, org.staff, False)
    db.session.commit()
    assert flags(org.staff) == {(org.store.id, org.district.id, False, False)}
    assert names(queries.board(org.colleague, "store", "week")) == ["Cosimo C."]
    assert names(queries.board(org.colleague, "company", "all")) == ["Marta V.", "Cosimo C.", "Rita R."]
    assert queries.board(org.colleague, "company", "all").rows[1].rank == 2
    assert_rebuild_agrees()

    set_active(org.hr, org.staff, True)
    db.session.commit()
    assert names(queries.board(org.colleague, "company", "week")) == ["Marta V.", "Sara S.", "Cosimo C.", "Rita R."]
    assert queries.standing(org.colleague).rank == 2
    assert_rebuild_agrees()


def test_hiding_from_wide_boards_reaches_every_score_row(scored):
    org = scored
    set_hidden(org.staff, True)
    db.session.commit()
    assert flags(org.staff) == {(org.store.id, org.district.id, True, True)}
    assert names(queries.board(org.colleague, "company", "week")) == ["Marta V.", "Cosimo C.", "Rita R."]
    assert [row.rank for row in queries.board(org.colleague, "district", "week").rows] == [1, 2]
    assert names(queries.board(org.colleague, "store", "week")) == ["Sara S.", "Cosimo C."]  # colleagues see her
    own = queries.board(org.staff, "company", "week")
    assert own.viewer_hidden and own.viewer.rank == 2 and names(own)[1] == "Sara S."
    assert_rebuild_agrees()

    set_hidden(org.staff, False)
    db.session.commit()
    assert flags(org.staff) == {(org.store.id, org.district.id, True, False)}
    assert names(queries.board(org.colleague, "company", "week"))[1] == "Sara S."
    assert_rebuild_agrees()


def test_a_new_periods_row_takes_the_privacy_setting_in_the_upsert(org, clock):
    clock.set(NOW)
    set_hidden(org.staff, True)  # before any score row exists
    award(org.staff, 5)
    award(org.colleague, 3)
    assert flags(org.staff) == {(org.store.id, org.district.id, True, True)}
    assert names(queries.board(org.colleague, "company", "week")) == ["Cosimo C."]
    assert_rebuild_agrees()


def test_moving_to_another_store_moves_the_scores_to_its_boards(scored):
    org = scored
    draft = PersonDraft(employee_number=org.staff.employee_number, full_name=org.staff.full_name,
                        role=org.staff.role, email=org.staff.email, store_id=org.other_store.id,
                        hire_date=org.staff.hire_date, locale=org.staff.locale)
    update_person(org.hr, org.staff, draft)
    db.session.commit()
    assert flags(org.staff) == {(org.other_store.id, org.other_district.id, True, False)}
    assert names(queries.board(org.colleague, "store", "week")) == ["Cosimo C."]
    assert names(queries.board(org.colleague, "district", "week")) == ["Marta V.", "Cosimo C."]
    moved = queries.board(org.staff, "store", "week")
    assert names(moved) == ["Sara S.", "Rita R."] and moved.viewer.rank == 1
    assert names(queries.board(org.other_sm, "district", "week")) == ["Sara S.", "Rita R."]
    assert_rebuild_agrees()


def test_a_store_moved_to_another_district_takes_its_people_scores_along(scored):
    org = scored
    structure.move_store(org.hr, org.sibling_store, district_id=org.other_district.id)
    db.session.commit()
    assert flags(org.sibling_staff) == {(org.sibling_store.id, org.other_district.id, True, False)}
    assert names(queries.board(org.staff, "district", "week")) == ["Sara S.", "Cosimo C."]
    assert names(queries.board(org.other_staff, "district", "week")) == ["Marta V.", "Rita R."]
    assert_rebuild_agrees()


def test_the_people_import_moves_and_deactivates_on_the_boards_too(scored):
    org = scored
    content = (f"employee_number,full_name,role,store\n"
               f"{org.staff.employee_number},Sara Staff,staff,RM01\n"
               f"{org.sibling_staff.employee_number},Marta Vicina,staff,MB01\n").encode()
    plan = import_people(org.hr, content, max_rows=100, deactivate_missing=True)
    assert plan.ok, plan.problems
    db.session.commit()
    assert flags(org.staff) == {(org.other_store.id, org.other_district.id, True, False)}
    assert flags(org.colleague) == {(org.store.id, org.district.id, False, False)}  # not in the file
    assert names(queries.board(org.staff, "company", "week")) == ["Marta V.", "Sara S."]
    assert queries.board(org.sm, "store", "week").is_empty
    assert_rebuild_agrees()


def test_awards_and_reversals_keep_the_histogram(scored, clock):
    org = scored
    entry = award(org.colleague, 10)  # 30, tied with Sara
    award(org.staff, 5)
    ledger.reverse(entry, reason="Wrong person", reversed_by=org.hr)
    db.session.commit()
    board = queries.board(org.other_staff, "company", "all")
    assert [(row.rank, row.points) for row in board.rows] == [(1, 40), (2, 35), (3, 20), (4, 10)]
    assert_rebuild_agrees()


def test_a_person_changed_directly_on_the_model_is_followed_too(scored):
    """Any ORM writer: a CLI, a demo loader, a test."""
    org = scored
    org.colleague.active = False
    newcomer_store = factories.make_store(org.other_district, "Napoli", "NA01")
    org.staff.store_id = newcomer_store.id
    db.session.commit()
    assert flags(org.colleague) == {(org.store.id, org.district.id, False, False)}
    assert flags(org.staff) == {(newcomer_store.id, org.other_district.id, True, False)}
    assert queries.board(org.sm, "store", "week").is_empty
    assert_rebuild_agrees()
