"""Challenges in a real browser at phone and tablet size: the list, a live board with the person's place,
and the form. Screenshots land in test-artifacts/screenshots/."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.browser.conftest import CHROMIUM, LIVE_APP

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not Path(CHROMIUM).exists() and not os.environ.get("CI"),
                                 reason=f"{CHROMIUM} not found: install it with `apt-get install -y chromium`")]


@pytest.fixture(scope="module")
def demo_challenges(live_server):
    from app.challenges.demo import load_challenges
    from app.challenges.models import Challenge
    from app.extensions import db
    from app.org.models import Person, Role
    from app.points import ledger
    from app.points.models import PointEntry

    with LIVE_APP["app"].app_context():
        if not db.session.scalar(sa.select(sa.func.count(Challenge.id))):
            sm = db.session.scalar(sa.select(Person).where(Person.email == "sm@demo.ascent"))
            people = list(db.session.scalars(sa.select(Person).where(
                Person.store_id == sm.store_id, Person.role == Role.STAFF).order_by(Person.id)))
            for index, person in enumerate(people):
                for days_ago in (1, 15):
                    entry = ledger.award(person, 20 + 13 * (index % 5), source_type="manual", reason="Great work",
                                         idempotency_key=f"browser-challenge:{person.id}:{days_ago}").entry
                    entry.created_at = entry.created_at - timedelta(days=days_ago)
            db.session.flush()
            assert db.session.scalar(sa.select(sa.func.count(PointEntry.id)))
            load_challenges()
            db.session.commit()
        ids = {c.title: c.id for c in db.session.scalars(sa.select(Challenge))}
        db.session.remove()
    return ids


def test_staff_on_a_phone(phone, demo_challenges):
    phone.login("staff")
    phone.goto("/challenges/")
    phone.screenshot("challenges-list-phone")
    phone.goto(f"/challenges/{demo_challenges['Race to 150']}")
    assert phone.page.locator(".challenge-me").count() == 1
    phone.screenshot("challenges-detail-phone")
    phone.goto(f"/challenges/{demo_challenges['Spring weekend sprint']}")
    phone.screenshot("challenges-results-phone")
    phone.assert_no_console_problems()


def test_district_manager_on_a_tablet(tablet, demo_challenges):
    tablet.login("dm")
    tablet.goto("/challenges/")
    tablet.screenshot("challenges-list-tablet")
    tablet.goto(f"/challenges/{demo_challenges['District points cup']}")
    tablet.screenshot("challenges-detail-tablet")
    tablet.goto("/challenges/new")
    tablet.screenshot("challenges-form-tablet")
    tablet.assert_no_console_problems()
