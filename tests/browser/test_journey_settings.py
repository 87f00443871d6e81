"""HR's journey screens in a real browser: switching an onboarding journey on with the recently hired (the
count follows the number of days as it is typed), and the stage settings' badge and mission lists."""

import sqlalchemy as sa

from app.extensions import db
from app.missions import onboarding
from app.org.models import Person, Role
from tests.browser.conftest import LIVE_APP, open_screen
from tests.factories import make_person
from tests.missions.factories import make_mission


def _seed() -> int:
    """An inactive journey of two missions, and two people who joined the demo chain's first store lately."""
    with LIVE_APP["app"].app_context():
        hr = db.session.scalar(sa.select(Person).where(Person.email == "hr@demo.ascent"))
        store = db.session.scalar(sa.select(Person).where(Person.email == "staff@demo.ascent")).store
        journey = onboarding.create_journey(hr, name="Spring starters")
        for title, days in (("Meet the team", 1), ("Learn the till", 3)):
            mission = make_mission(title=title, audience="journey")
            onboarding.add_step(hr, journey, mission_id=mission.id, due_after_days=days)
        make_person(Role.STAFF, store=store, name="Nina Nuova", hired_days_ago=6, email=None)
        make_person(Role.STAFF, store=store, name="Pietro Presto", hired_days_ago=20, email=None)
        db.session.commit()
        journey_id = journey.id
        db.session.remove()
        return journey_id


def test_switching_on_a_journey_with_recent_hires_and_the_stage_lists(browser, live_server, screenshot_dir,
                                                                    in_english):
    journey_id = _seed()
    for size in ("phone", "tablet"):
        context, screen = open_screen(browser, live_server, size, screenshot_dir)
        try:
            screen.login("hr")
            screen.goto(f"/missions/journeys/{journey_id}")
            count = screen.page.locator("#recent-hires-count")
            before = count.inner_text()
            assert "hired in the last 30 days" in before
            days = screen.page.locator("#recent-days")
            days.fill("10")
            screen.page.wait_for_function(
                "() => document.querySelector('#recent-hires-count').textContent.includes('last 10 days')")
            screen.settle()
            screen.screenshot("journey-switch-on")

            screen.goto("/journey/stages")
            leader = screen.page.locator("section.card").nth(2)
            assert leader.get_by_label("Mentor").is_checked()
            leader.scroll_into_view_if_needed()
            screen.screenshot("journey-stage-settings")
            screen.assert_no_console_problems()
        finally:
            context.close()
