"""Review cycles in a real browser: a store manager completes a review on a tablet; the form and the
calibration screen at phone and tablet size."""

import random

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.org.models import Person, Role
from tests.browser.conftest import LIVE_APP, open_screen
from tests.reviews.factories import make_cycle, make_template, review_of

pytestmark = pytest.mark.usefixtures("in_english")  # the tests read English labels

def _seed() -> dict:
    """Sara (staff@demo.ascent, managed by sm@demo.ascent) has submitted her self-review; the manager
    review is open. A second cycle of the district is in calibration."""
    with LIVE_APP["app"].app_context():
        sara = db.session.scalar(sa.select(Person).where(Person.email == "staff@demo.ascent"))
        sofia = db.session.scalar(sa.select(Person).where(Person.email == "sm@demo.ascent"))
        colleague = db.session.scalar(sa.select(Person).where(Person.manager_id == sofia.id, Person.id != sara.id)
                                      .order_by(Person.id))
        template = make_template("Store associate (browser test)")
        cycle = make_cycle("manager_review", [sara, colleague], template=template, name="Browser half-year")
        review = review_of(cycle, sara)
        review.self_ratings, review.self_overall = {"customer_focus": 5, "teamwork": 4}, 4
        review.self_answers = {"0": "Our window display won the district challenge."}
        review.self_submitted_at = review.created_at
        dm = db.session.scalar(sa.select(Person).where(Person.email == "dm@demo.ascent"))
        district_staff = list(db.session.scalars(
            sa.select(Person).join(Person.store).where(Person.role == Role.STAFF,
                                                       Person.store.has(district_id=dm.district_id))
            .order_by(Person.id).limit(24)))
        calibration = make_cycle("calibration", district_staff, template=template, name="Calibration half-year")
        rng = random.Random(7)
        for person in district_staff:
            review_of(calibration, person).overall_rating = rng.choice((2, 3, 3, 3, 4, 4, 5))
        ids = {"review": review.id, "other": review_of(cycle, colleague).id, "calibration": calibration.id}
        db.session.commit()
        db.session.remove()
        return ids


def _rate(screen, prefix: str, key: str, value: int) -> None:
    screen.page.locator(f"label.rv-rate__option:has(input[name='{prefix}rating-{key}'][value='{value}'])").click()


def test_a_manager_completes_a_review_on_a_tablet(browser, live_server, screenshot_dir):
    ids = _seed()
    context, tablet = open_screen(browser, live_server, "tablet", screenshot_dir)
    phone_context, phone = open_screen(browser, live_server, "phone", screenshot_dir)
    try:
        tablet.login("sm")
        tablet.goto("/reviews/to-write")
        tablet.screenshot("reviews-to-write")
        tablet.page.locator(f"a[href='/reviews/{ids['review']}']").click()
        tablet.settle()
        page = tablet.page
        assert "Our window display won the district challenge." in page.locator("#self-review").inner_text()
        _rate(tablet, "manager-", "customer_focus", 4)
        _rate(tablet, "manager-", "teamwork", 3)
        page.locator("#manager-answer-0").fill("Great with customers; the window display was her idea.")
        page.locator("label.rv-rate__option:has(input[name='manager-overall'][value='4'])").click()
        assert page.locator("input[name='manager-rating-customer_focus'][value='4']").is_checked()
        tablet.screenshot("reviews-manager-form")
        page.locator("#manager-review summary", has_text="Submit review").click()
        page.locator("#manager-review button[value=submit]").click()
        tablet.settle()
        assert "Review submitted." in page.locator("#flashes").inner_text()
        manager_part = page.locator("#manager-review").inner_text()
        assert "Submitted" in manager_part and "Great with customers" in manager_part
        assert page.locator("input[name^='manager-rating']").count() == 0  # nothing left to edit
        tablet.screenshot("reviews-manager-submitted")
        tablet.assert_no_console_problems()

        # The same form on a phone.
        phone.login("sm")
        phone.goto(f"/reviews/{ids['other']}")
        _rate(phone, "manager-", "customer_focus", 5)
        phone.screenshot("reviews-manager-form")
        phone.page.locator("#manager-review").scroll_into_view_if_needed()
        phone.page.locator("#manager-answer-0").scroll_into_view_if_needed()
        phone.screenshot("reviews-manager-form-lower")
        phone.assert_no_console_problems()
    finally:
        context.close()
        phone_context.close()


def test_calibration_screen(browser, live_server, screenshot_dir):
    ids = _seed()
    context, tablet = open_screen(browser, live_server, "tablet", screenshot_dir)
    phone_context, phone = open_screen(browser, live_server, "phone", screenshot_dir)
    try:
        tablet.login("dm")
        tablet.goto(f"/reviews/cycles/{ids['calibration']}/calibration")
        tablet.screenshot("reviews-calibration")
        page = tablet.page
        row = page.locator(".rv-cal-table tbody tr").first
        row.locator("summary", has_text="Adjust").click()
        row.locator("select[name=rating]").select_option("5")
        row.locator("textarea[name=reason]").fill("Best mystery-shop score in the district.")
        row.locator("button[type=submit]").click()
        page.locator(".rv-cal--saved").wait_for()
        tablet.settle()
        assert "Best mystery-shop score" in page.locator(".rv-cal--saved").inner_text()
        tablet.screenshot("reviews-calibration-adjusted")
        tablet.assert_no_console_problems()
        phone.login("dm")
        phone.goto(f"/reviews/cycles/{ids['calibration']}/calibration")
        phone.screenshot("reviews-calibration")
        phone.assert_no_console_problems()
    finally:
        context.close()
        phone_context.close()
