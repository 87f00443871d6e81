"""The journey checks a person's stage once per event: once for an award, however many badges it grants
on the way, and once for a mission completion, whatever it pays and grants (issue 14)."""

import pytest

from app.badges.models import BadgeDefinition
from app.extensions import db
from app.journey import services
from app.missions import completion
from tests.journey.helpers import badge, pay
from tests.missions.factories import assign, make_mission, today_for


@pytest.fixture
def stage_checks(monkeypatch):
    """The people `evaluate_stage` ran for, in order."""
    checked = []
    evaluate = services.evaluate_stage

    def counting(person, **kwargs):
        checked.append(person.id)
        return evaluate(person, **kwargs)

    monkeypatch.setattr(services, "evaluate_stage", counting)
    return checked


def test_an_award_that_grants_badges_checks_the_stage_once(org, stage_checks):
    pay(org.staff, 500)  # "First steps", then "Rising star", whose 20 points are a second award
    assert badge("rising_star").points == 20
    assert stage_checks == [org.staff.id]
    assert services.current_stage(org.staff).key == "engagement"


def test_a_mission_completion_checks_the_stage_once(org, stage_checks):
    promised = BadgeDefinition(key="window_pro", name="Window pro", description="Dressed the window.",
                               image="", tier="bronze", criterion="manual", threshold=0, points=10)
    db.session.add(promised)
    db.session.flush()
    mission = make_mission(store=org.store, people=(org.staff,), points=200)
    mission.badge_id = promised.id
    assignment = assign(mission, org.staff)
    outcome = completion.submit(org.staff, assignment, today=today_for(org.staff))
    assert outcome.paid == 200
    assert stage_checks == [org.staff.id]
    assert services.current_stage(org.staff).key == "engagement"  # 200 + 10: past the 150 points
