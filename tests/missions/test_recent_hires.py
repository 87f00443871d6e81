"""Switching a journey on can also reach the people hired shortly before: HR picks how many days back and
sees how many people that is before confirming."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.core import timezones
from app.core.audit import AuditEntry
from app.core.errors import ServiceError
from app.core.models import utcnow
from app.extensions import db
from app.missions import onboarding
from app.missions.models import MissionAssignment, OnboardingJourney
from app.org.models import Role
from tests.factories import make_person
from tests.missions.factories import make_mission


def _company_today():
    return timezones.today_in(timezones.zone_named(None))


def _journey(hr, *, active: bool = False) -> OnboardingJourney:
    journey = onboarding.create_journey(hr, name="Benvenuti")
    for title, days in (("Our values", 1), ("Your store's goals", 5)):
        mission = make_mission(title=title, audience="journey")
        onboarding.add_step(hr, journey, mission_id=mission.id, due_after_days=days)
    if active:
        onboarding.set_active(hr, journey, True)
    return journey


@pytest.fixture
def hires(org):
    """Who joined when: two recent starters (one known only by the day their record was made), one from
    last quarter, and recent people the journey isn't for (inactive, a district manager)."""
    people = {
        "recent": make_person(store=org.store, name="Nora Nuova", hired_days_ago=10),
        "sm": make_person(Role.STORE_MANAGER, store=org.sibling_store, name="Gino Gerente", hired_days_ago=3),
        "old": make_person(store=org.store, name="Vera Veterana", hired_days_ago=40),
        "gone": make_person(store=org.store, name="Ivo Inattivo", hired_days_ago=5, active=False),
        "dm": make_person(Role.DISTRICT_MANAGER, name="Dora Distretto", hired_days_ago=5),
    }
    undated = make_person(store=org.store, name="Sandro Senzadata")
    undated.hire_date = None
    long_ago = make_person(store=org.store, name="Lina Lontana")
    long_ago.hire_date, long_ago.created_at = None, utcnow() - timedelta(days=100)
    people.update(undated=undated, long_ago=long_ago)
    db.session.commit()
    return people


def _journey_people(journey) -> set[int]:
    return set(db.session.scalars(sa.select(MissionAssignment.person_id).where(
        MissionAssignment.journey_id == journey.id)))


def test_recent_hires_get_the_journey_due_from_today(org, hires):
    journey = _journey(org.hr, active=True)
    today = _company_today()
    assert onboarding.count_recent_hires(org.hr, journey, 30, today) == 3
    assert onboarding.give_to_recent_hires(org.hr, journey, 30, today) == 3
    assert _journey_people(journey) == {hires["recent"].id, hires["sm"].id, hires["undated"].id}
    dues = sorted(db.session.scalars(sa.select(MissionAssignment.due_date).where(
        MissionAssignment.person_id == hires["recent"].id)))
    # They started before today: each mission is due counted from today, as for a new hire joining now.
    assert dues == [today + timedelta(days=1), today + timedelta(days=5)]
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "journey.given_to_recent_hires"))
    assert (entry.actor_id, entry.target_id, entry.details) == (org.hr.id, journey.id, {"days": 30, "people": 3})


def test_giving_it_twice_gives_nobody_anything_new(org, hires):
    journey = _journey(org.hr, active=True)
    today = _company_today()
    onboarding.give_to_recent_hires(org.hr, journey, 30, today)
    rows = db.session.scalar(sa.select(sa.func.count(MissionAssignment.id)))
    assert onboarding.count_recent_hires(org.hr, journey, 30, today) == 0
    assert onboarding.give_to_recent_hires(org.hr, journey, 30, today) == 0
    assert db.session.scalar(sa.select(sa.func.count(MissionAssignment.id))) == rows


def test_the_window_is_hr_s_choice(org, hires):
    journey = _journey(org.hr, active=True)
    today = _company_today()
    assert onboarding.count_recent_hires(org.hr, journey, 4, today) == 2  # the store manager and the undated one
    assert onboarding.count_recent_hires(org.hr, journey, 365, today) == 5  # last quarter's and the 100-day one


@pytest.mark.parametrize("days", [None, -1, 366])
def test_a_window_out_of_range_is_refused_and_changes_nothing(org, hires, days):
    journey = _journey(org.hr, active=True)
    with pytest.raises(ServiceError) as error:
        onboarding.give_to_recent_hires(org.hr, journey, days, _company_today())
    assert error.value.field == "recent_days"
    assert _journey_people(journey) == set()


def test_an_inactive_journey_is_given_to_nobody(org, hires):
    journey = _journey(org.hr)
    with pytest.raises(ServiceError):
        onboarding.give_to_recent_hires(org.hr, journey, 30, _company_today())
    assert _journey_people(journey) == set()


# The journey page ----------------------------------------------------------------------------------

def test_the_page_offers_recent_hires_with_their_count(client, auth, org, hires):
    journey_id = _journey(org.hr).id
    db.session.commit()
    auth.login(org.hr)
    page = client.get(f"/missions/journeys/{journey_id}").get_data(as_text=True)
    assert "Also give it to people who joined recently" in page
    assert 'name="recent_days"' in page and 'value="30"' in page
    assert "3 people hired in the last 30 days haven't got this journey yet." in page


def test_the_count_follows_the_number_of_days(client, auth, org, hires):
    journey_id = _journey(org.hr).id
    db.session.commit()
    auth.login(org.hr)
    url = f"/missions/journeys/{journey_id}/recent-hires"
    fragment = client.get(url, query_string={"recent_days": "4"}, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    html = fragment.get_data(as_text=True)
    assert "<html" not in html and 'id="recent-hires-count"' in html
    assert "2 people hired in the last 4 days" in html
    refused = client.get(url, query_string={"recent_days": "abc"}, headers={"HX-Request": "true"})
    assert "Say how many days back to look (0 to 365)." in refused.get_data(as_text=True)


def test_switching_on_with_recent_hires_gives_it_to_them(client, auth, org, hires):
    journey_id = _journey(org.hr).id
    db.session.commit()
    auth.login(org.hr)
    response = client.post(f"/missions/journeys/{journey_id}/active",
                           data={"active": "1", "recent": "1", "recent_days": "30"}, follow_redirects=True)
    assert "3 people hired recently got it too." in response.get_data(as_text=True)
    journey = db.session.get(OnboardingJourney, journey_id)
    assert journey.active is True
    assert _journey_people(journey) == {hires["recent"].id, hires["sm"].id, hires["undated"].id}


def test_switching_on_without_the_tick_reaches_only_future_hires(client, auth, org, hires):
    journey_id = _journey(org.hr).id
    db.session.commit()
    auth.login(org.hr)
    client.post(f"/missions/journeys/{journey_id}/active", data={"active": "1", "recent_days": "30"})
    journey = db.session.get(OnboardingJourney, journey_id)
    assert journey.active is True and _journey_people(journey) == set()


def test_a_bad_number_of_days_leaves_the_journey_off(client, auth, org, hires):
    journey_id = _journey(org.hr).id
    db.session.commit()
    auth.login(org.hr)
    response = client.post(f"/missions/journeys/{journey_id}/active",
                           data={"active": "1", "recent": "1", "recent_days": "999"}, follow_redirects=True)
    assert "Say how many days back to look (0 to 365)." in response.get_data(as_text=True)
    journey = db.session.get(OnboardingJourney, journey_id)
    assert journey.active is False and _journey_people(journey) == set()
