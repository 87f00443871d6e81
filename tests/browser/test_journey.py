"""The journey engine end to end in a real browser: an associate completes a mission on the phone, sees
the points and a badge arrive and redeems a reward; the store manager approves a sign-off on a tablet."""

import re

import sqlalchemy as sa

from app.extensions import db
from app.missions.models import EvidenceType
from app.org.models import Person
from tests.browser.conftest import LIVE_APP, open_screen
from tests.missions.factories import assign, make_mission
from tests.rewards.helpers import make_reward


def _seed() -> dict:
    """Missions for Sara (staff@demo.ascent) and a reward she can afford once the first one pays."""
    with LIVE_APP["app"].app_context():
        sara = db.session.scalar(sa.select(Person).where(Person.email == "staff@demo.ascent"))
        tick = make_mission(store=sara.store, title="Greet every customer in 10 s", points=60,
                            evidence_type=EvidenceType.TICK)
        review = make_mission(store=sara.store, title="Describe the new window display", points=30,
                              evidence_type=EvidenceType.TEXT, requires_approval=True)
        reward = make_reward(name="Coffee at the bar next door", cost=25, stock=5)
        ids = {"tick": assign(tick, sara).id, "review": assign(review, sara).id, "reward": reward.id,
               "sara": sara.id}
        db.session.commit()
        db.session.remove()
        return ids


def _points(screen) -> int:
    """The points pill as a number (other browser tests may have paid this demo associate before)."""
    return int("".join(ch for ch in screen.page.locator(".points-pill__value").inner_text() if ch.isdigit()))


def test_mission_points_badge_reward_and_signoff(browser, live_server, screenshot_dir):
    ids = _seed()
    phone_context, phone = open_screen(browser, live_server, "phone", screenshot_dir)
    tablet_context, tablet = open_screen(browser, live_server, "tablet", screenshot_dir)
    try:
        phone.login("staff")
        before = _points(phone)

        # A tick mission: one tap pays, exactly once.
        phone.goto(f"/missions/{ids['tick']}")
        phone.page.locator("form[action$='/submit'] button[type=submit]").click()
        phone.settle()
        assert "+60" in phone.page.locator("main").inner_text()
        phone.screenshot("journey-mission-done")
        phone.goto("/home")
        assert _points(phone) == before + 60
        # Two badges come with it ("Mission one" and "First steps"), shown on the home screen.
        assert phone.page.locator("img[src*='/static/badges/first_mission']").count() >= 1
        phone.screenshot("journey-home-after-mission")

        # A text answer waiting for the manager's sign-off.
        phone.goto(f"/missions/{ids['review']}")
        phone.page.locator("#answer").fill("Autumn colours, the new boots at eye level, prices on every shelf.")
        phone.page.locator("form[action$='/submit'] button[type=submit]").click()
        phone.settle()

        # Redeem a reward with the points just earned.
        phone.goto(f"/rewards/{ids['reward']}")
        phone.page.locator("form[action$='/redeem'] button[type=submit]").click()
        phone.settle()
        phone.goto("/rewards/mine")
        assert "Coffee at the bar next door" in phone.page.locator("main").inner_text()
        phone.screenshot("journey-reward-requested")

        # The store manager approves the sign-off on the back-office tablet.
        tablet.login("sm")
        tablet.goto("/missions/signoffs")
        queue = tablet.page.locator("main")
        assert "Describe the new window display" in queue.inner_text()
        tablet.screenshot("journey-signoff-queue")
        tablet.page.locator("form[action*='/signoffs/'][action$='/approve'] button[type=submit]").first.click()
        tablet.settle()
        tablet.page.wait_for_function(
            "() => !document.querySelector('main').innerText.includes('Describe the new window display')")

        # Sara's points now include the signed-off mission: 60 + 30, less the 25 spent on coffee.
        phone.goto("/points")
        text = phone.page.locator("main").inner_text()
        assert re.search(rf"\b{before + 65}\b", text), text[:400]
        phone.assert_no_console_problems()
        tablet.assert_no_console_problems()
    finally:
        phone_context.close()
        tablet_context.close()
