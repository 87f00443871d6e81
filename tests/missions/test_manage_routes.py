"""Managers' and HR's screens: mission list, the create/edit form, progress, journeys."""

import re
from datetime import date

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.missions.models import Mission, MissionAssignment, OnboardingJourney
from tests.missions.factories import make_mission


def _html(response) -> str:
    return response.get_data(as_text=True)


FORM = {"title": "Window display photo", "description": "Autumn windows, both sides.",
        "steps": "Dust the glass\nChange the price cards", "evidence_type": "photo", "requires_approval": "y",
        "points": "40", "audience": "store", "recurrence": "none", "pass_mark": "80"}


@pytest.mark.parametrize("url", ["/missions/manage", "/missions/manage/new"])
def test_staff_cannot_manage_missions(client, auth, org, url):
    auth.login(org.staff)
    assert client.get(url).status_code == 403
    assert client.post(url, data=dict(FORM)).status_code in (403, 405)


def test_store_manager_creates_a_mission_through_the_form(client, auth, org):
    store_id = org.store.id
    auth.login(org.sm)
    form_page = client.get("/missions/manage/new")
    assert form_page.status_code == 200
    assert "Roma Termini" not in _html(form_page) and "Monza" not in _html(form_page)
    response = client.post("/missions/manage/new", data=dict(FORM, store_id=str(store_id)))
    assert response.status_code == 303
    mission = db.session.scalar(sa.select(Mission))
    assert (mission.title, mission.points, mission.needs_signoff, mission.store_id) == (
        "Window display photo", 40, True, store_id)
    assert response.headers["Location"].endswith(f"/missions/manage/{mission.id}")
    detail = _html(client.get(response.headers["Location"]))
    assert "Sara Staff" in detail and "Cosimo Collega" in detail
    assert db.session.scalar(sa.select(sa.func.count(MissionAssignment.id))) == 2
    listing = _html(client.get("/missions/manage"))
    assert "Window display photo" in listing and "0 of 2" in listing


def test_form_errors_are_tied_to_their_fields(client, auth, org):
    auth.login(org.sm)
    response = client.post("/missions/manage/new", data=dict(FORM, title="", points="0",
                                                            store_id=str(org.other_store.id)))
    assert response.status_code == 422
    html = _html(response)
    assert re.search(r'id="title"[^>]*aria-describedby="title-error"'
                     r'|aria-describedby="title-error"[^>]*id="title"', html)
    assert 'id="points-error"' in html
    assert db.session.scalar(sa.select(sa.func.count(Mission.id))) == 0


def test_store_outside_scope_is_refused_by_the_service(client, auth, org):
    auth.login(org.sm)
    response = client.post("/missions/manage/new", data=dict(FORM, store_id=str(org.other_store.id)))
    assert response.status_code == 422
    assert "outside the stores you manage" in _html(response)
    assert db.session.scalar(sa.select(sa.func.count(Mission.id))) == 0


def test_hr_creates_a_quiz_from_text(client, auth, org):
    auth.login(org.hr)
    quiz = "How long is the return window?\n- 7 days\n* 30 days\n\nIs a gift receipt free?\n* Yes\n- No"
    response = client.post("/missions/manage/new", data=dict(
        FORM, evidence_type="quiz", quiz=quiz, pass_mark="100", store_id="", steps=""))
    assert response.status_code == 303, _html(response)
    mission = db.session.scalar(sa.select(Mission))
    assert mission.store_id is None and len(mission.questions) == 2
    assert [o.correct for o in mission.questions[0].options] == [False, True]
    assert db.session.scalar(sa.select(sa.func.count(MissionAssignment.id))) == 4  # every associate


def test_bad_quiz_text_is_shown_on_the_quiz_field(client, auth, org):
    auth.login(org.hr)
    response = client.post("/missions/manage/new", data=dict(FORM, evidence_type="quiz", quiz="* orphan"))
    assert response.status_code == 422
    assert 'id="quiz-error"' in _html(response)


def test_editing_prefills_and_saves(client, auth, org):
    mission = make_mission(store=org.store, steps=("One", "Two"), author=org.sm)
    db.session.commit()
    mission_id, store_id = mission.id, org.store.id
    auth.login(org.sm)
    page = _html(client.get(f"/missions/manage/{mission_id}/edit"))
    assert "One\nTwo" in page
    response = client.post(f"/missions/manage/{mission_id}/edit", data=dict(
        FORM, title="Greet every customer, always", evidence_type="tick", steps="One\nTwo\nThree",
        store_id=str(store_id), start_date=date.today().isoformat()))
    assert response.status_code == 303, _html(response)
    mission = db.session.get(Mission, mission_id)
    assert mission.title == "Greet every customer, always" and len(mission.steps) == 3


def test_other_stores_missions_are_404_for_a_store_manager(client, auth, org):
    mission = make_mission(store=org.other_store)
    db.session.commit()
    auth.login(org.sm)
    assert client.get(f"/missions/manage/{mission.id}").status_code == 404
    assert client.get(f"/missions/manage/{mission.id}/edit").status_code == 404
    assert client.post(f"/missions/manage/{mission.id}/active", data={"active": "0"}).status_code == 404
    assert "Greet every customer" not in _html(client.get("/missions/manage"))


def test_withdraw_and_bring_back(client, auth, org):
    mission = make_mission(store=org.store)
    db.session.commit()
    mission_id = mission.id
    auth.login(org.sm)
    assert client.post(f"/missions/manage/{mission_id}/active", data={"active": "0"}).status_code == 303
    assert db.session.get(Mission, mission_id).active is False
    assert "Greet every customer" in _html(client.get("/missions/manage?show=archived"))
    client.post(f"/missions/manage/{mission_id}/active", data={"active": "1"})
    assert db.session.get(Mission, mission_id).active is True


@pytest.mark.parametrize("role", ["staff", "store_manager", "district_manager"])
def test_only_hr_manages_journeys(client, auth, org, role):
    auth.login(org.by_role(role))
    assert client.get("/missions/journeys").status_code == 403


def test_hr_builds_and_switches_on_a_journey(client, auth, org):
    values = make_mission(title="Our values", audience="journey")
    goals = make_mission(title="Your store's goals", audience="journey")
    db.session.commit()
    values_id, goals_id = values.id, goals.id
    auth.login(org.hr)
    assert client.get("/missions/journeys").status_code == 200
    response = client.post("/missions/journeys", data={"name": "Benvenuti", "description": "First weeks"})
    assert response.status_code == 303
    journey = db.session.scalar(sa.select(OnboardingJourney))
    url = f"/missions/journeys/{journey.id}"
    # Switching on an empty journey is refused with a message.
    client.post(f"{url}/active", data={"active": "1"})
    assert db.session.get(OnboardingJourney, journey.id).active is False
    for mission_id, days in ((values_id, 1), (goals_id, 5)):
        step = {"mission_id": str(mission_id), "due_after_days": str(days)}
        assert client.post(url, data=step).status_code == 303
    page = _html(client.get(url))
    assert page.index("Our values") < page.index("Your store&#39;s goals")
    step_id = db.session.get(OnboardingJourney, journey.id).steps[1].id
    client.post(f"{url}/steps/{step_id}", data={"action": "up"})
    page = _html(client.get(url))
    assert page.index("Your store&#39;s goals") < page.index("Our values")
    client.post(f"{url}/active", data={"active": "1"})
    assert db.session.get(OnboardingJourney, journey.id).active is True


def test_adding_a_store_mission_to_a_journey_is_a_field_error(client, auth, org):
    store_mission = make_mission(store=org.store, audience="store")
    auth.login(org.hr)
    client.post("/missions/journeys", data={"name": "Benvenuti"})
    journey = db.session.scalar(sa.select(OnboardingJourney))
    response = client.post(f"/missions/journeys/{journey.id}",
                           data={"mission_id": str(store_mission.id), "due_after_days": "3"})
    assert response.status_code == 422
    assert "Choose an active onboarding mission." in _html(response)


def test_switching_on_a_journey_never_silently_switches_off_the_active_one_in_the_page(client, auth, org):
    from app.missions import onboarding

    welcome = onboarding.create_journey(org.hr, name="Welcome to the team")
    extra = onboarding.create_journey(org.hr, name="Seasonal extra")
    for journey, count in ((welcome, 7), (extra, 1)):
        for n in range(count):
            mission = make_mission(title=f"{journey.name} {n}", audience="journey")
            onboarding.add_step(org.hr, journey, mission_id=mission.id, due_after_days=n)
    onboarding.set_active(org.hr, welcome, True)
    db.session.commit()
    welcome_id, extra_id = welcome.id, extra.id
    auth.login(org.hr)
    url = f"/missions/journeys/{extra_id}"
    page = _html(client.get(url))
    assert "New hires get “Welcome to the team” now (7 missions)" in page
    assert "Switch off “Welcome to the team” and switch this on" in page
    assert f'name="replacing" value="{welcome_id}"' in page
    # A post without the confirmation (an old page, a crafted form) changes nothing and says why.
    refused = client.post(f"{url}/active", data={"active": "1"}, follow_redirects=True)
    assert "Confirm that it should be switched off first" in _html(refused)
    assert db.session.get(OnboardingJourney, welcome_id).active is True
    assert db.session.get(OnboardingJourney, extra_id).active is False
    assert client.post(f"{url}/active", data={"active": "1", "replacing": str(welcome_id)}).status_code == 303
    db.session.expire_all()
    assert db.session.get(OnboardingJourney, welcome_id).active is False
    assert db.session.get(OnboardingJourney, extra_id).active is True
