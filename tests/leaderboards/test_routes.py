"""The Board tab: full page and htmx fragment, switches, access, the home card, the privacy setting,
query counts that don't grow with the number of people, and the rebuild command."""

from datetime import datetime

import pytest
import sqlalchemy as sa

from app.core.timezones import zone_named
from app.extensions import db
from app.leaderboards import periods
from app.leaderboards.models import BoardPrivacy, BoardScore
from app.org.models import Person, Store
from tests import factories
from tests.leaderboards.conftest import award

NOW = datetime(2026, 12, 2, 10, 0)


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def scored(org, clock):
    clock.set(NOW)
    giulia = factories.make_person(store=org.store, name="Giulia Romano")
    award(giulia, 15)
    award(org.staff, 13)
    award(org.colleague, 13)
    award(org.sibling_staff, 40)
    return giulia


def test_the_board_page_shows_podium_ties_and_the_gap(client, sign_in, org, scored):
    sign_in(org.staff)
    response = client.get("/board/")
    assert response.status_code == 200
    body = text(response)
    assert "<html" in body and 'id="board"' in body
    assert 'data-live-on="board-changed"' in body and 'hx-trigger="live-refresh' in body
    assert "Giulia R." in body and "Cosimo C." in body
    assert "2 points behind Giulia" in body
    assert "Marta" not in body and "Monza" not in body  # another store's people stay off the store board
    assert 'class="podium__place podium__place--2 podium__place--me"' in body
    assert body.count('<span aria-hidden="true">=</span>') == 2  # Sara and Cosimo share second place
    assert 'aria-current="page">Store</a>' in body and 'aria-current="page">This week</a>' in body


def test_the_fragment_is_the_board_alone(client, sign_in, org, scored):
    sign_in(org.staff)
    response = client.htmx_get("/board/?scope=district&period=month")
    assert response.status_code == 200
    body = text(response)
    assert "<html" not in body and body.lstrip().startswith("{#") is False
    assert 'id="board"' in body and "Marta V." in body and "Monza" in body  # district: other stores too
    assert 'aria-current="page">District</a>' in body and 'aria-current="page">This month</a>' in body
    assert "Vary" in response.headers and "HX-Request" in response.headers["Vary"]


def test_the_board_names_the_room_of_the_board_on_screen(client, sign_in, org, scored):
    """The page's socket watches that room only (static/js/app.js sends it after every swap)."""
    sign_in(org.dm)
    watched = 'data-live-watch="board-changed@{}"'
    assert watched.format(f"district:{org.district.id}") in text(client.get("/board/"))
    assert watched.format("company") in text(client.htmx_get("/board/?scope=company&period=all"))
    assert watched.format(f"store:{org.sibling_store.id}") in text(
        client.htmx_get(f"/board/?scope=store&id={org.sibling_store.id}"))


def test_a_quiet_week_tells_what_to_do(client, sign_in, org, clock):
    clock.set(NOW)
    sign_in(org.staff)
    body = text(client.get("/board/"))
    assert "A quiet week so far" in body and "See my missions" in body


@pytest.mark.parametrize("query", ["?scope=store&id={other_store}", "?scope=district&id={other_district}",
                                   "?period=year", "?scope=planet"])
def test_boards_that_arent_yours_are_not_found(client, sign_in, org, query):
    sign_in(org.staff)
    url = "/board/" + query.format(other_store=org.sibling_store.id, other_district=org.other_district.id)
    assert client.get(url).status_code == 404


def test_a_district_manager_picks_one_of_their_stores(client, sign_in, org, scored):
    sign_in(org.dm)
    body = text(client.get(f"/board/?scope=store&id={org.sibling_store.id}"))
    assert "Marta V." in body and 'id="board-pick"' in body
    assert "Roma Termini" not in body
    assert text(client.get("/board/")).count("Marta V.") == 1  # default: their district


def test_the_home_card_shows_the_weekly_standing(client, sign_in, org, scored):
    sign_in(org.staff)
    home = text(client.get("/home"))
    assert 'id="board-home-card"' in home and "2 points behind Giulia" in home
    assert f'data-live-watch="board-changed@store:{org.store.id}"' in home
    card = client.htmx_get("/board/card")
    assert card.status_code == 200 and "<html" not in text(card) and "2 points behind Giulia" in text(card)


def test_hiding_from_wide_boards_from_me(client, sign_in, org, scored):
    sign_in(org.sibling_staff)
    assert "Hide me from district and company boards" in text(client.get("/me"))

    response = client.post("/board/privacy", data={"hidden": "1"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/me")
    assert db.session.get(BoardPrivacy, org.sibling_staff.id).hidden_wide is True
    assert "only you see your place" in text(client.get("/board/?scope=company"))

    sign_in(org.staff)
    assert "Marta" not in text(client.get("/board/?scope=company"))


def test_the_privacy_card_swaps_itself_under_htmx(client, sign_in, org):
    sign_in(org.staff)
    response = client.post("/board/privacy", data={"hidden": "1"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = text(response)
    assert "<html" not in body and 'id="board-privacy"' in body and "Show me on district and company boards" in body
    response = client.post("/board/privacy", data={"hidden": "0"}, headers={"HX-Request": "true"})
    assert "Hide me from district and company boards" in text(response)
    assert db.session.get(BoardPrivacy, org.staff.id).hidden_wide is False


def test_the_privacy_setting_needs_a_csrf_token(client, sign_in, org):
    sign_in(org.staff)
    assert client.post("/board/privacy", data={"hidden": "1"}, csrf=False).status_code == 400
    assert db.session.get(BoardPrivacy, org.staff.id) is None


@pytest.mark.parametrize(("url", "fragment"), [("/board/", False), ("/board/", True),
                                             ("/board/?scope=company&period=all", True), ("/board/card", True)])
def test_board_queries_do_not_grow_with_the_number_of_people(client, sign_in, org, clock, count_queries, url,
                                                             fragment):
    clock.set(NOW)
    store_id, district_id = org.store.id, org.district.id
    viewer = factories.make_person(store=org.store, name="Viola Viewer")
    award(viewer, 1)
    sign_in(viewer)

    def add_people(count: int) -> None:
        # Scores written straight into the read model: this test is about reading the board.
        store = db.session.get(Store, store_id)
        for n in range(count):
            person = factories.make_person(store=store)
            db.session.add_all(BoardScore(person_id=person.id, period=period, period_start=start,
                                          store_id=store_id, district_id=district_id, points=2 + n % 7,
                                          reached_at=NOW)
                               for period, start in periods.starts(NOW, zone_named(None)).items())
        db.session.commit()

    def measure() -> int:
        with count_queries() as counter:
            response = client.htmx_get(url) if fragment else client.get(url)
        assert response.status_code == 200
        return counter.count

    add_people(3)
    client.get(url)  # warm-up
    small = measure()
    add_people(30)  # the viewer drops out of the top ten: the neighbourhood appears
    large = measure()
    assert large <= small + 2  # two neighbourhood queries at most, never one per person
    add_people(30)
    assert measure() == large


def test_the_rebuild_command(runner, org, scored):
    db.session.execute(sa.delete(BoardScore))
    db.session.commit()
    result = runner.invoke(args=["leaderboards", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "Board scores rebuilt: 12 rows." in result.output  # 4 people × 3 periods
    assert db.session.scalar(sa.select(sa.func.sum(BoardScore.points)).where(BoardScore.period == "all")) == 81
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Person)) > 0
