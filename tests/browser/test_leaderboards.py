"""The live board in Chromium: two associates of one demo store watch their store's board; an award
to one (committed in the app, as any feature would) moves the other's screen without a reload, and the
one who was passed gets the "overtaken" toast.

The live server is werkzeug's threaded make_server serving the Flask app, whose wsgi_app Flask-SocketIO
wraps: Engine.IO long-polling works there, and the websocket upgrade when werkzeug hands the socket over.
The test checks that the page's socket is actually connected before counting on a hint."""

import uuid

import pytest
import sqlalchemy as sa

from tests.browser.conftest import LIVE_APP, Screen, open_screen

pytestmark = pytest.mark.usefixtures("in_english")  # the tests read English labels

def _associates() -> list[tuple[int, str, str]]:
    """Two activated associates of the demo staff's store, other than staff@demo.ascent (other browser
    tests look at that person's points): (id, employee number, display name)."""
    from app.extensions import db
    from app.org.models import Person, Role

    with LIVE_APP["app"].app_context():
        demo_staff = db.session.scalar(sa.select(Person).where(Person.email == "staff@demo.ascent"))
        people = db.session.scalars(
            sa.select(Person).where(Person.store_id == demo_staff.store_id, Person.role == Role.STAFF,
                                    Person.id != demo_staff.id, Person.active.is_(True),
                                    Person.password_hash.is_not(None))
            .order_by(Person.id).limit(2)).all()
        found = [(person.id, person.employee_number, person.display_name) for person in people]
        db.session.remove()
    return found


def _award(person_id: int, points: int) -> None:
    """Points paid by a store system, committed in the live app (the after-commit hint fires here)."""
    from app.extensions import db
    from app.org.models import Person
    from app.points import ledger

    with LIVE_APP["app"].app_context():
        ledger.award(db.session.get(Person, person_id), points, source_type="api", reason="Top basket of the day",
                     idempotency_key=f"browser-board:{uuid.uuid4().hex}")
        db.session.commit()
        db.session.remove()


def _this_week(*person_ids: int) -> tuple[int, ...]:
    """(the store's best score this week, then each person's) on their store's week board."""
    from app.core.models import utcnow
    from app.extensions import db
    from app.leaderboards import queries, scores
    from app.org.models import Person

    with LIVE_APP["app"].app_context():
        people = [db.session.get(Person, person_id) for person_id in person_ids]
        best = queries.store_top(people[0].store_id, period="week", limit=1)
        found = (best[0].points if best else 0, *(scores.week_score(person, utcnow())[0] for person in people))
        db.session.remove()
    return found


def _wait_for_socket(screen: Screen) -> str:
    """Connected, and watching the board on screen (the server acknowledged the page's watch request)."""
    screen.page.wait_for_function("() => window.ascentSocket && window.ascentSocket.connected", timeout=10_000)
    screen.page.wait_for_function(
        "() => (window.ascentSocket.ascentWatching || []).includes("
        "document.querySelector('#board').dataset.liveWatch)", timeout=10_000)
    return screen.page.evaluate("window.ascentSocket.io.engine.transport.name")


def test_an_award_moves_the_other_screen_without_a_reload(phone: Screen, browser, live_server, screenshot_dir):
    associates = _associates()
    if len(associates) < 2:
        pytest.fail("the demo store needs two activated associates besides staff@demo.ascent")
    (leader_id, leader_number, leader_name), (chaser_id, chaser_number, chaser_name) = associates
    # Earlier browser tests may have paid people of this store this week: lead from the top of the board.
    top, leader_now, chaser_now = _this_week(leader_id, chaser_id)
    _award(leader_id, top + 30 - leader_now)
    _award(chaser_id, top + 20 - chaser_now)

    context, watcher = open_screen(browser, live_server, "phone", screenshot_dir)
    try:
        watcher.login(leader_number)
        watcher.goto("/board/")
        phone.login(chaser_number)
        phone.goto("/board/")
        for screen in (watcher, phone):
            transport = _wait_for_socket(screen)
            print("socket transport:", transport)
            assert transport in ("websocket", "polling")
        watcher.settle()
        first = watcher.page.locator(".podium__place--1 .board-name")
        assert first.inner_text() == "You"
        watcher.page.evaluate("window.__samePage = 'still here'")
        watcher.screenshot("board-before")

        _award(chaser_id, 25)  # 45 > 30: the chaser takes first place

        first.filter(has_text=chaser_name).wait_for(timeout=5_000)
        assert watcher.page.locator(".podium__place--2 .board-name").inner_text() == "You"
        assert "15 points behind" in watcher.page.locator("[data-board-gap]").inner_text()
        toast = watcher.page.locator(".board-toast")
        toast.wait_for(timeout=5_000)
        assert chaser_name in toast.inner_text()
        assert watcher.page.evaluate("window.__samePage") == "still here", "the page was reloaded"
        watcher.settle()
        watcher.screenshot("board-overtaken")

        # The chaser's own screen moved too, and says so.
        phone.page.locator(".podium__place--1 .board-name", has_text="You").wait_for(timeout=5_000)
        phone.settle()
        phone.screenshot("board-leader")
        watcher.assert_no_console_problems()
        phone.assert_no_console_problems()
    finally:
        context.close()


def test_board_switches_on_a_tablet(tablet: Screen):
    tablet.login("dm")
    tablet.goto("/board/")
    tablet.settle()
    tablet.page.get_by_role("link", name="Company").click()
    tablet.page.wait_for_url("**/board/?scope=company*")
    tablet.settle()
    assert tablet.page.locator(".board-switch__item[aria-current=page]").first.inner_text() == "Company"
    # The swap moved the socket to the company board's room, and out of the district's.
    tablet.page.wait_for_function(
        "() => window.ascentSocket && JSON.stringify(window.ascentSocket.ascentWatching) === "
        "JSON.stringify(['board-changed@company'])", timeout=10_000)
    tablet.page.get_by_role("link", name="All time").click()
    tablet.page.wait_for_url("**period=all*")
    tablet.settle()
    tablet.screenshot("board-company")
    tablet.assert_no_console_problems()


def test_a_busy_district_board_with_ties_and_the_viewers_neighbourhood(phone: Screen):
    from app.extensions import db
    from app.org.models import Person, Role, Store

    with LIVE_APP["app"].app_context():
        demo_staff = db.session.scalar(sa.select(Person).where(Person.email == "staff@demo.ascent"))
        district_id = demo_staff.store.district_id
        people = db.session.execute(
            sa.select(Person.id, Person.employee_number).join(Store, Store.id == Person.store_id)
            .where(Store.district_id == district_id, Store.id != demo_staff.store_id, Person.role == Role.STAFF,
                   Person.password_hash.is_not(None)).order_by(Person.id).limit(15)).all()
        db.session.remove()
    if len(people) < 15:
        pytest.fail("the demo district needs 15 activated associates outside the demo staff's store")
    for n, (person_id, _number) in enumerate(people):
        _award(person_id, 120 - 4 * (n // 2) * 2)  # pairs share a score: ties on every step
    viewer_number = people[12][1]

    phone.login(viewer_number)
    phone.goto("/board/?scope=district")
    phone.settle()
    assert phone.page.locator(".board-row--me").count() == 1
    assert phone.page.locator(".board-gapline").count() == 1  # the neighbourhood below the top ten
    assert phone.page.locator(".board-tie").count() >= 2
    phone.screenshot("board-district")
    phone.page.locator(".board-row--me").scroll_into_view_if_needed()
    phone.screenshot("board-district-me")
    phone.goto("/home")
    phone.settle()
    phone.page.locator("#board-home-card").scroll_into_view_if_needed()
    phone.screenshot("board-home-card")
    phone.goto("/me")
    phone.page.locator("#board-privacy button").click()
    phone.page.locator("#board-privacy .notice").wait_for()
    phone.page.locator("#board-privacy").scroll_into_view_if_needed()
    phone.screenshot("board-privacy")
    phone.assert_no_console_problems()


def test_an_award_moves_the_store_tv_without_anyone_touching_it(browser, live_server, screenshot_dir):
    """The TV's socket authenticates with the screen's token and watches its store's board room."""
    from app.extensions import db
    from app.org.models import Person
    from app.screens import services

    (leader_id, _number, leader_name), _chaser = _associates()
    with LIVE_APP["app"].app_context():
        leader = db.session.get(Person, leader_id)
        manager = db.session.scalar(sa.select(Person).where(Person.email == "admin@demo.ascent"))
        token = services.create_screen(manager, leader.store_id, "Browser test TV").token
        db.session.commit()
        db.session.remove()
    top, leader_now = _this_week(leader_id)[:2]

    context, tv = open_screen(browser, live_server, "tablet", screenshot_dir)
    try:
        tv.goto(f"/tv/{token}")
        tv.page.wait_for_function("() => window.ascentSocket && (window.ascentSocket.ascentWatching || []).length",
                                  timeout=10_000)
        _award(leader_id, top + 50 - leader_now)  # top of the store's week
        tv.page.locator(".tv-board__row--1 .tv-board__name", has_text=leader_name).wait_for(timeout=5_000)
        tv.assert_no_console_problems()
    finally:
        context.close()
