"""An associate gives kudos from the phone; the colleague who receives it sees it in the store feed."""

import re
import uuid

import pytest
import sqlalchemy as sa

from tests.browser.conftest import LIVE_APP

pytestmark = pytest.mark.usefixtures("in_english")  # the tests read English labels

def _colleague_of_demo_staff() -> tuple[int, str]:
    """An activated associate of staff@demo.ascent's store (demo associates sign in with their employee
    number: only staff@ has an e-mail)."""
    from app.extensions import db
    from app.org.models import Person, Role

    with LIVE_APP["app"].app_context():
        staff = db.session.scalar(sa.select(Person).where(Person.email == "staff@demo.ascent"))
        colleague = db.session.scalar(sa.select(Person).where(
            Person.store_id == staff.store_id, Person.role == Role.STAFF, Person.id != staff.id,
            Person.active.is_(True), Person.password_hash.is_not(None)).order_by(Person.id))
        return colleague.id, colleague.employee_number


def test_kudos_from_the_phone_reach_the_receivers_feed(phone, tablet):
    colleague_id, colleague_login = _colleague_of_demo_staff()
    message = f"Thanks for the stockroom rescue {uuid.uuid4().hex[:6]}"

    phone.login("staff")
    phone.goto("/feedback/")
    phone.screenshot("feedback-inbox")
    phone.goto("/feedback/kudos")
    page = phone.page
    page.locator("#receiver_id").select_option(str(colleague_id))
    page.locator("#message").fill(message)
    page.locator("#value_id").select_option(index=2)
    page.locator("input[name=visibility][value=public]").check()
    send = page.get_by_role("button", name="Send kudos")
    box = send.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 844, "the send button is within thumb reach"
    phone.screenshot("feedback-give-kudos")
    send.click()
    page.wait_for_url(re.compile(r"/feedback/kudos\?sent=\d+"))
    phone.settle()
    assert page.get_by_text("Kudos sent").is_visible()
    phone.screenshot("feedback-kudos-sent")
    phone.assert_no_console_problems()

    tablet.login(colleague_login)
    tablet.goto("/feed/")
    card = tablet.page.locator(".feed-card", has_text=message)
    card.wait_for()
    assert "gave kudos to" in card.inner_text()
    tablet.screenshot("feed")
    # React with applause: the count appears without a page load.
    card.get_by_role("button", name=re.compile("Applause")).click()
    tablet.page.locator(".feed-card", has_text=message).locator(".reaction--on").wait_for()
    tablet.assert_no_console_problems()

    phone.goto("/feed/")
    phone.page.locator(".feed-card", has_text=message).wait_for()
    phone.screenshot("feed")
    phone.assert_no_console_problems()
