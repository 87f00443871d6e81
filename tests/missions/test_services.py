"""Creating missions: who may create what, for whom, and what a draft must say."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from app.core.audit import AuditEntry
from app.core.errors import ServiceError
from app.extensions import db
from app.missions import authoring, services
from app.missions.authoring import DraftError, MissionDraft, QuestionDraft
from app.missions.models import Audience, EvidenceType, Mission, MissionAssignment, StepCheck
from app.org.models import Role
from tests.missions.factories import assign, make_mission

TODAY = datetime.now(ZoneInfo("Europe/Rome")).date()  # the store's today, as the app counts days


def _draft(**overrides) -> MissionDraft:
    values = {"title": "Window display photo", "evidence_type": EvidenceType.TICK, "points": 20,
              "audience": Audience.STORE}
    values.update(overrides)
    return MissionDraft(**values)


def _assigned_ids(mission: Mission) -> set[int]:
    return set(db.session.scalars(sa.select(MissionAssignment.person_id)
                                  .where(MissionAssignment.mission_id == mission.id)))


def test_store_manager_creates_a_mission_for_their_store(org):
    mission = services.create_mission(org.sm, _draft(store_id=org.store.id, steps=["Dust", "Light"]),
                                      today=TODAY)
    assert mission.created_by_id == org.sm.id
    assert [step.label for step in mission.steps] == ["Dust", "Light"]
    # Everyone in the store's team gets it; the manager and other stores don't.
    assert _assigned_ids(mission) == {org.staff.id, org.colleague.id}
    assert db.session.scalar(sa.select(AuditEntry.action).where(AuditEntry.target_id == mission.id)) == \
        "mission.created"


@pytest.mark.parametrize("store_name", ["sibling_store", "other_store"])
def test_store_manager_cannot_create_for_another_store(org, store_name):
    with pytest.raises(DraftError) as error:
        services.create_mission(org.sm, _draft(store_id=getattr(org, store_name).id), today=TODAY)
    assert "store_id" in error.value.problems


def test_store_manager_cannot_create_company_wide(org):
    with pytest.raises(DraftError) as error:
        services.create_mission(org.sm, _draft(store_id=None), today=TODAY)
    assert "store_id" in error.value.problems


def test_district_manager_creates_only_in_their_district(org):
    mission = services.create_mission(org.dm, _draft(store_id=org.sibling_store.id), today=TODAY)
    assert _assigned_ids(mission) == {org.sibling_staff.id}
    with pytest.raises(DraftError):
        services.create_mission(org.dm, _draft(store_id=org.other_store.id), today=TODAY)


def test_hr_creates_company_wide_missions(org):
    mission = services.create_mission(org.hr, _draft(store_id=None), today=TODAY)
    everyone = {org.staff.id, org.colleague.id, org.sibling_staff.id, org.other_staff.id}
    assert _assigned_ids(mission) == everyone


def test_staff_cannot_create_missions(org):
    with pytest.raises(DraftError):
        services.create_mission(org.staff, _draft(store_id=org.store.id), today=TODAY)


def test_role_audience_reaches_store_managers_company_wide(org):
    draft = _draft(audience=Audience.ROLE, audience_role=Role.STORE_MANAGER)
    mission = services.create_mission(org.hr, draft, today=TODAY)
    assert _assigned_ids(mission) == {org.sm.id, org.sibling_sm.id, org.other_sm.id}


def test_store_manager_cannot_target_a_role_above_them(org):
    with pytest.raises(DraftError) as error:
        services.create_mission(org.sm, _draft(store_id=org.store.id, audience=Audience.ROLE,
                                               audience_role=Role.STORE_MANAGER), today=TODAY)
    assert "audience_role" in error.value.problems


def test_people_audience_only_people_the_author_manages(org):
    mission = services.create_mission(org.sm, _draft(store_id=org.store.id, audience=Audience.PEOPLE,
                                                     person_ids=[org.colleague.id]), today=TODAY)
    assert _assigned_ids(mission) == {org.colleague.id}
    with pytest.raises(DraftError) as error:
        draft = _draft(store_id=org.store.id, audience=Audience.PEOPLE,
                       person_ids=[org.colleague.id, org.other_staff.id])
        services.create_mission(org.sm, draft, today=TODAY)
    assert "person_ids" in error.value.problems


def test_new_hires_audience(org):
    from tests.factories import make_person

    fresh = make_person(Role.STAFF, store=org.store, hired_days_ago=5)
    mission = services.create_mission(org.sm, _draft(store_id=org.store.id, audience=Audience.NEW_HIRES,
                                                     new_hire_days=30), today=TODAY)
    assert _assigned_ids(mission) == {fresh.id}


def test_journey_audience_is_for_hr_only(org):
    with pytest.raises(DraftError) as error:
        services.create_mission(org.sm, _draft(store_id=org.store.id, audience=Audience.JOURNEY), today=TODAY)
    assert "audience" in error.value.problems
    mission = services.create_mission(org.hr, _draft(audience=Audience.JOURNEY, due_date=TODAY), today=TODAY)
    assert mission.due_date is None  # each new hire's due date follows their start
    assert _assigned_ids(mission) == set()


@pytest.mark.parametrize("overrides, field", [
    ({"title": "x"}, "title"),
    ({"points": 0}, "points"),
    ({"points": 10_000}, "points"),
    ({"steps": [f"step {n}" for n in range(13)]}, "steps"),
    ({"evidence_type": "video"}, "evidence_type"),
    ({"evidence_type": EvidenceType.QUIZ}, "quiz"),
    ({"evidence_type": EvidenceType.QUIZ,
      "questions": [QuestionDraft("Which?", [("a", False), ("b", False)])]}, "quiz"),
    ({"evidence_type": EvidenceType.QUIZ, "questions": [QuestionDraft("Which?", [("a", True)])]}, "quiz"),
    ({"due_date": TODAY - timedelta(days=3), "start_date": TODAY - timedelta(days=5)}, "due_date"),
    ({"due_date": TODAY, "start_date": TODAY + timedelta(days=2)}, "due_date"),
    ({"recurrence": "hourly"}, "recurrence"),
    ({"audience": Audience.NEW_HIRES, "new_hire_days": None}, "new_hire_days"),
])
def test_bad_drafts_are_refused_field_by_field(org, overrides, field):
    before = db.session.scalar(sa.select(sa.func.count(Mission.id)))
    with pytest.raises(DraftError) as error:
        services.create_mission(org.sm, _draft(store_id=org.store.id, **overrides), today=TODAY)
    assert field in error.value.problems
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Mission.id))) == before


def test_sign_off_forces_approval_and_tick_never_needs_it(org):
    draft = _draft(store_id=org.store.id, evidence_type=EvidenceType.SIGNOFF)
    signoff = services.create_mission(org.sm, draft, today=TODAY)
    tick = services.create_mission(org.sm, _draft(store_id=org.store.id, requires_approval=True), today=TODAY)
    assert signoff.needs_signoff and not tick.needs_signoff


def test_parse_quiz_and_steps():
    questions = authoring.parse_quiz("What's the return window?\n- 7 days\n* 30 days\n\n"
                                     "Gift receipt?\n* Yes\n- No")
    assert [q.prompt for q in questions] == ["What's the return window?", "Gift receipt?"]
    assert questions[0].options == [("7 days", False), ("30 days", True)]
    assert authoring.parse_steps("- Dust the shelf\n\n  * Check the prices  \n") == ["Dust the shelf",
                                                                                       "Check the prices"]
    with pytest.raises(ServiceError):
        authoring.parse_quiz("* an option before any question")


def test_quiz_text_round_trips(org):
    mission = make_mission(evidence_type=EvidenceType.QUIZ, questions=[("Q1?", [("a", False), ("b", True)])])
    assert authoring.parse_quiz(authoring.quiz_to_text(mission))[0].options == [("a", False), ("b", True)]


def test_editing_keeps_ticks_on_reworded_steps_and_drops_removed_ones(org):
    mission = services.create_mission(org.sm, _draft(store_id=org.store.id, steps=["One", "Two", "Three"]),
                                      today=TODAY)
    assignment = db.session.scalar(sa.select(MissionAssignment)
                                   .where(MissionAssignment.person_id == org.staff.id))
    for step in mission.steps:
        db.session.add(StepCheck(assignment_id=assignment.id, step_id=step.id))
    db.session.flush()
    first_id = mission.steps[0].id
    services.update_mission(org.sm, mission, _draft(store_id=org.store.id, steps=["One, carefully", "Two"]),
                            today=TODAY)
    assert [step.label for step in mission.steps] == ["One, carefully", "Two"]
    assert mission.steps[0].id == first_id
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StepCheck)) == 2


def test_manager_cannot_edit_another_stores_mission(org):
    mission = make_mission(store=org.other_store)
    with pytest.raises(ServiceError):
        services.update_mission(org.sm, mission, _draft(store_id=org.store.id), today=TODAY)
    with pytest.raises(ServiceError):
        services.set_active(org.sm, mission, False, today=TODAY)


def test_withdrawing_hides_the_mission(org):
    mission = make_mission(store=org.store, people=(org.staff,))
    assign(mission, org.staff)
    services.set_active(org.sm, mission, False, today=TODAY)
    from app.missions import queries

    assert queries.my_missions(org.staff, TODAY)["today"] == []
