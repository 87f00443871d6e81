"""Reward-rule bypasses through missions: HR aiming a daily mission at its own role to pay itself, a
mission above the company maximum, a store manager paying past the per-award maximum and the daily cap
with store missions, and a manager re-pricing HR's mission. The rules live in app.points.ledger."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from app.core.timezones import local_today
from app.extensions import db
from app.missions import completion, services
from app.missions.authoring import DraftError, MissionDraft
from app.missions.models import Audience, EvidenceType, MissionAssignment, Recurrence
from app.org.models import Role
from app.points import ledger, limits
from tests.factories import make_person
from tests.missions.factories import assign, make_mission

TODAY = datetime.now(ZoneInfo("Europe/Rome")).date()  # the store's today, as the app counts days


@pytest.fixture
def caps(app):
    app.config.update(POINTS_MAX_PER_AWARD=200, POINTS_DAILY_CAP=300)


def _draft(**overrides) -> MissionDraft:
    values = {"title": "Window display photo", "evidence_type": EvidenceType.TICK, "points": 20,
              "audience": Audience.STORE}
    values.update(overrides)
    return MissionDraft(**values)


def _assignment(mission, person) -> MissionAssignment:
    return db.session.scalar(sa.select(MissionAssignment).where(
        MissionAssignment.mission_id == mission.id, MissionAssignment.person_id == person.id))


def test_hr_daily_mission_aimed_at_own_role_pays_its_author_nothing(org):
    """HR aimed a daily 500-point mission at the HR role and paid itself every day. Its colleagues in HR
    still earn it (a mission for HR is legitimate); its author gets nothing, and the completion stands."""
    colleague = make_person(Role.HR, name="Henrik Hr")
    mission = services.create_mission(org.hr, _draft(store_id=None, audience=Audience.ROLE, audience_role=Role.HR,
                                                     recurrence=Recurrence.DAILY, points=150), today=TODAY)
    db.session.commit()
    own = completion.submit(org.hr, _assignment(mission, org.hr), today=local_today(org.hr))
    assert (own.status, own.paid, own.withheld) == ("done", 0, ledger.Withheld.AUTHOR)
    theirs = completion.submit(colleague, _assignment(mission, colleague), today=local_today(colleague))
    assert theirs.paid == 150
    assert ledger.balances(org.hr.id) == (0, 0)
    assert _assignment(mission, org.hr).points_paid == 0


def test_mission_author_is_told_it_pays_them_nothing(client, sign_in, org):
    mission = make_mission(store=org.store, points=40, audience=Audience.ROLE, audience_role=Role.STORE_MANAGER,
                           author=org.sm)
    assignment = assign(mission, org.sm)
    db.session.commit()
    sign_in(org.sm)
    before = client.get(f"/missions/{assignment.id}").get_data(as_text=True)
    assert "You created this mission, so completing it pays you no points." in before
    response = client.post(f"/missions/{assignment.id}/submit")
    assert response.status_code == 303
    after = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Mission done. You created it, so it pays you no points." in after
    assert ledger.balances(org.sm.id) == (0, 0)


def test_mission_above_the_company_maximum_is_refused(org):
    with pytest.raises(DraftError) as refused:
        services.create_mission(org.hr, _draft(store_id=None, points=201), today=TODAY)
    assert "from 1 to 200" in refused.value.problems["points"][0]
    limits.save(org.hr, mission_max=300, prize_max=500)
    assert services.create_mission(org.hr, _draft(store_id=None, points=300), today=TODAY).points == 300


def test_store_manager_mission_is_bounded_by_the_per_award_maximum(app, org):
    app.config["POINTS_MAX_PER_AWARD"] = 100
    with pytest.raises(DraftError) as refused:
        services.create_mission(org.sm, _draft(store_id=org.store.id, points=150), today=TODAY)
    assert "from 1 to 100" in refused.value.problems["points"][0]


def test_store_manager_store_missions_count_toward_the_daily_cap(client, sign_in, org, caps):
    """One store manager's five daily store missions of 200 paid each associate 1,000 a day. They now
    count toward the associate's 300 daily cap, and the associate is told why a mission paid less."""
    missions = [services.create_mission(org.sm, _draft(title=f"Store task {n}", store_id=org.store.id,
                                                       recurrence=Recurrence.DAILY, points=200), today=TODAY)
                for n in range(5)]
    db.session.commit()
    sign_in(org.staff)
    messages = []
    for mission in missions:
        response = client.post(f"/missions/{_assignment(mission, org.staff).id}/submit")
        assert response.status_code == 303
        messages.append(client.get(response.headers["Location"]).get_data(as_text=True))
    assert ledger.balances(org.staff.id) == (300, 300)
    assert [_assignment(mission, org.staff).points_paid for mission in missions] == [200, 100, 0, 0, 0]
    assert all(_assignment(mission, org.staff).status == "done" for mission in missions)
    assert "Mission done — +100 of its 200 points: a points limit was reached." in messages[1]


def test_manager_cannot_reprice_an_hr_mission(org):
    """An HR mission is a company rule outside the daily cap: a store manager raising its points would pay
    past their own cap."""
    mission = services.create_mission(org.hr, _draft(store_id=org.store.id, points=20), today=TODAY)
    with pytest.raises(DraftError) as refused:
        services.update_mission(org.sm, mission, _draft(store_id=org.store.id, points=200), today=TODAY)
    assert "Only HR can change the points" in refused.value.problems["points"][0]
    services.update_mission(org.sm, mission, _draft(title="Window display, new season", store_id=org.store.id,
                                                    points=20), today=TODAY)
