"""Who gets which mission and when: audiences, recurring periods, onboarding on person_created."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.missions import assignments, onboarding
from app.missions.models import Audience, MissionAssignment, OnboardingJourney, Recurrence
from app.org import services as org_services
from app.org.importer import import_people
from app.org.models import Role
from tests.missions.factories import make_mission

TODAY = datetime.now(ZoneInfo("Europe/Rome")).date()  # the store's today, as the app counts days


def _rows(person=None, mission=None):
    query = sa.select(MissionAssignment).order_by(MissionAssignment.journey_position, MissionAssignment.id)
    if person is not None:
        query = query.where(MissionAssignment.person_id == person.id)
    if mission is not None:
        query = query.where(MissionAssignment.mission_id == mission.id)
    return list(db.session.scalars(query))


def test_sync_is_idempotent(org):
    mission = make_mission(store=org.store, audience=Audience.STORE)
    assert assignments.sync_mission(mission, TODAY) == 2
    assert assignments.sync_mission(mission, TODAY) == 0
    assert len(_rows(mission=mission)) == 2


def test_deactivated_people_get_nothing(org):
    org.colleague.active = False
    mission = make_mission(store=org.store, audience=Audience.STORE)
    assignments.sync_mission(mission, TODAY)
    assert {row.person_id for row in _rows(mission=mission)} == {org.staff.id}


def test_daily_missions_get_one_assignment_per_day(org):
    mission = make_mission(store=org.store, audience=Audience.STORE, recurrence=Recurrence.DAILY,
                           start=TODAY - timedelta(days=5))
    yesterday = TODAY - timedelta(days=1)
    assignments.sync_mission(mission, yesterday)
    assignments.sync_mission(mission, TODAY)
    assignments.sync_mission(mission, TODAY)
    rows = _rows(person=org.staff, mission=mission)
    assert [(row.period_start, row.due_date) for row in rows] == [(yesterday, yesterday), (TODAY, TODAY)]


def test_weekly_missions_run_monday_to_sunday_and_stop_at_the_due_date(org):
    monday = TODAY - timedelta(days=TODAY.weekday())
    mission = make_mission(store=org.store, audience=Audience.STORE, recurrence=Recurrence.WEEKLY,
                           start=monday - timedelta(days=14), due=monday + timedelta(days=2))
    tuesday = monday + timedelta(days=1)
    assert assignments.current_period(mission, tuesday) == (monday, monday + timedelta(days=2))
    assert assignments.current_period(mission, monday + timedelta(days=3)) is None


def test_missions_before_start_or_after_due_are_not_assigned(org):
    future = make_mission(store=org.store, audience=Audience.STORE, start=TODAY + timedelta(days=3))
    past = make_mission(store=org.store, audience=Audience.STORE, start=TODAY - timedelta(days=9),
                        due=TODAY - timedelta(days=2))
    assert assignments.sync_mission(future, TODAY) == 0
    assert assignments.sync_mission(past, TODAY) == 0


def test_sync_person_gives_a_transferred_person_their_new_stores_missions(org):
    mission = make_mission(store=org.sibling_store, audience=Audience.STORE)
    assert assignments.sync_person(org.staff, TODAY) == 0
    org.staff.store_id = org.sibling_store.id
    db.session.flush()
    db.session.expire(org.staff, ["store"])
    assert assignments.sync_person(org.staff, TODAY) == 1
    assert _rows(person=org.staff)[0].mission_id == mission.id


def _journey(org, titles=("Our values", "Your store's goals", "Till training")):
    journey = onboarding.create_journey(org.hr, name="Welcome to the team")
    for days, title in enumerate(titles, start=1):
        mission = make_mission(title=title, audience=Audience.JOURNEY)
        onboarding.add_step(org.hr, journey, mission_id=mission.id, due_after_days=days * 2)
    current = onboarding.active_other(journey)
    onboarding.set_active(org.hr, journey, True, replacing_id=current.id if current else None)
    return journey


def _draft(employee_number="E7001", hire_date=None, **overrides):
    values = {"employee_number": employee_number, "full_name": "Nuova Assunta", "role": Role.STAFF,
              "hire_date": hire_date or TODAY, "locale": "it"}
    values.update(overrides)
    return org_services.PersonDraft(**values)


def test_a_new_hire_gets_the_active_onboarding_journey_in_order(org):
    journey = _journey(org)
    person = org_services.create_person(org.sm, _draft(store_id=org.store.id))
    rows = _rows(person=person)
    assert [row.mission.title for row in rows] == ["Our values", "Your store's goals", "Till training"]
    assert [row.due_date for row in rows] == [TODAY + timedelta(days=d) for d in (2, 4, 6)]
    assert {row.journey_id for row in rows} == {journey.id}


def test_a_new_hire_also_gets_running_store_missions(org):
    mission = make_mission(store=org.store, audience=Audience.STORE)
    person = org_services.create_person(org.sm, _draft(store_id=org.store.id))
    assert [row.mission_id for row in _rows(person=person)] == [mission.id]


def test_a_future_hire_date_starts_the_journey_on_that_day(org):
    _journey(org, titles=("Our values",))
    start = TODAY + timedelta(days=10)
    person = org_services.create_person(org.sm, _draft(store_id=org.store.id, hire_date=start))
    (row,) = _rows(person=person)
    assert (row.period_start, row.due_date) == (start, start + timedelta(days=2))


def test_importing_veterans_does_not_onboard_them(org):
    _journey(org)
    person = org_services.create_person(org.sm, _draft(store_id=org.store.id,
                                                       hire_date=TODAY - timedelta(days=900)))
    assert _rows(person=person) == []


def test_no_active_journey_assigns_nothing(org):
    journey = _journey(org)
    onboarding.set_active(org.hr, journey, False)
    person = org_services.create_person(org.sm, _draft(store_id=org.store.id))
    assert _rows(person=person) == []


def test_only_one_journey_is_active(org):
    first = _journey(org, titles=("A",))
    second = _journey(org, titles=("B",))
    db.session.refresh(first)
    assert (first.active, second.active) == (False, True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OnboardingJourney)
                             .where(OnboardingJourney.active.is_(True))) == 1


def test_switching_on_a_journey_never_silently_switches_off_the_active_one(org):
    from app.core.audit import AuditEntry
    from app.core.errors import ServiceError

    seven = _journey(org, titles=tuple(f"Step {n}" for n in range(1, 8)))
    one = onboarding.create_journey(org.hr, name="Seasonal extra")
    onboarding.add_step(org.hr, one, mission_id=make_mission(title="Winter stock", audience=Audience.JOURNEY).id,
                      due_after_days=1)
    with pytest.raises(ServiceError, match="Welcome to the team") as refused:  # names the one going off
        onboarding.set_active(org.hr, one, True)
    assert refused.value.field == "replacing"
    with pytest.raises(ServiceError):  # a confirmation about another journey isn't this one's
        onboarding.set_active(org.hr, one, True, replacing_id=one.id)
    db.session.refresh(seven)
    assert (seven.active, one.active) == (True, False)
    person = org_services.create_person(org.sm, _draft(store_id=org.store.id))
    assert len(_rows(person=person)) == 7
    # Confirmed: the seven-mission journey goes off, audited as replaced.
    onboarding.set_active(org.hr, one, True, replacing_id=seven.id)
    db.session.refresh(seven)
    assert (seven.active, one.active) == (False, True)
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "journey.deactivated",
                                                          AuditEntry.target_id == seven.id))
    assert entry.details["replaced_by"] == one.id


def test_the_csv_importer_onboards_new_hires(org):
    _journey(org, titles=("Our values", "Till training"))
    csv = (f"employee_number,full_name,role,store,hire_date\n"
           f"E9001,Giada Nuova,staff,{org.store.code},{TODAY.isoformat()}\n"
           f"E9002,Franco Veterano,staff,{org.store.code},2015-03-01\n")
    report = import_people(org.hr, csv.encode(), max_rows=100)
    assert report.ok, report
    new, veteran = report.created[0], report.created[1]
    new = getattr(new, "person", new)
    veteran = getattr(veteran, "person", veteran)
    assert len(_rows(person=new)) == 2
    assert _rows(person=veteran) == []


def test_an_import_assigns_missions_and_journeys_in_bulk(org, count_queries):
    """The import's people get what the person form's would (store missions, the journey for new hires),
    in a number of queries that doesn't grow with the file: 1,000 people once took 34 s, one at a time."""
    from app.org.models import Person, Store
    from tests.factories import make_person

    _journey(org, titles=("Our values", "Till training"))
    store_mission_id = make_mission(store=org.store, audience=Audience.STORE, title="Window display photo").id
    store_id = org.store.id

    def import_of(count: int, prefix: str) -> tuple[list[int], int]:
        store = db.session.get(Store, store_id)  # the counted block below empties the session
        new_ids = [make_person(store=store, name=f"{prefix} {n} Nuovo", hired_days_ago=2,
                               password=None).id for n in range(count)]
        new_ids.append(make_person(store=store, name=f"{prefix} Veterano", hired_days_ago=3000,
                                   password=None).id)
        db.session.commit()
        with count_queries() as counter:
            people = db.session.scalars(sa.select(Person).where(Person.id.in_(new_ids))).all()
            assignments.sync_people(people, TODAY)
        return new_ids, counter.count

    few, few_queries = import_of(3, "Pochi")
    many, many_queries = import_of(30, "Tanti")
    assert many_queries == few_queries
    for person_id in few + many:
        missions = {row.mission_id for row in db.session.scalars(
            sa.select(MissionAssignment).where(MissionAssignment.person_id == person_id))}
        assert store_mission_id in missions
    veteran, newcomer = many[-1], many[0]
    assert len(_rows(person=db.session.get(Person, newcomer))) == 3  # the mission and two journey steps
    assert len(_rows(person=db.session.get(Person, veteran))) == 1  # veterans don't onboard


def test_resync_adds_steps_added_to_the_journey_later(org):
    journey = _journey(org, titles=("Our values",))
    person = org_services.create_person(org.sm, _draft(store_id=org.store.id))
    later = make_mission(title="Meet your buddy", audience=Audience.JOURNEY)
    onboarding.add_step(org.hr, journey, mission_id=later.id, due_after_days=3)
    assert assignments.sync_person(person, TODAY) == 1
    assert assignments.sync_person(person, TODAY) == 0
    assert [row.mission.title for row in _rows(person=person)] == ["Our values", "Meet your buddy"]


def test_journey_steps_reorder_and_only_take_onboarding_missions(org):
    from app.core.errors import ServiceError

    journey = _journey(org, titles=("A", "B", "C"))
    steps = list(journey.steps)
    onboarding.move_step(org.hr, journey, steps[2].id, -1)
    assert [step.mission.title for step in journey.steps] == ["A", "C", "B"]
    onboarding.remove_step(org.hr, journey, steps[0].id)
    assert [(step.position, step.mission.title) for step in journey.steps] == [(0, "C"), (1, "B")]
    store_mission = make_mission(store=org.store, audience=Audience.STORE)
    try:
        onboarding.add_step(org.hr, journey, mission_id=store_mission.id, due_after_days=3)
    except ServiceError as error:
        assert error.field == "mission_id"
    else:
        raise AssertionError("a store mission can't join an onboarding journey")


def test_new_one_off_assignments_nudge_and_roll_overs_do_not(org):
    from app.nudges.models import Notification

    one_off = make_mission(store=org.store, audience=Audience.STORE, title="Window display photo")
    daily = make_mission(store=org.store, audience=Audience.STORE, recurrence=Recurrence.DAILY, title="Tidy")
    assignments.sync_mission(one_off, TODAY)
    assignments.sync_mission(one_off, TODAY)
    assignments.sync_mission(daily, TODAY)
    notes = db.session.scalars(sa.select(Notification).where(Notification.person_id == org.staff.id)).all()
    assert [(note.nudge_type, "Window display photo" in note.body or "Window display photo" in note.title)
            for note in notes] == [("mission_assigned", True)]


def test_nobody_who_has_never_signed_in_is_nudged_about_a_new_mission(org):
    """No device of theirs can take a push and their home lists the missions; an import of a chain would
    otherwise write a dozen notifications per person while holding the write lock."""
    from app.nudges.models import Notification
    from tests.factories import make_person

    newcomer = make_person(store=org.store, password=None)
    one_off = make_mission(store=org.store, audience=Audience.STORE, title="Window display photo")
    assignments.sync_mission(one_off, TODAY)
    assigned = set(db.session.scalars(sa.select(MissionAssignment.person_id)
                                      .where(MissionAssignment.mission_id == one_off.id)))
    assert {newcomer.id, org.staff.id} <= assigned
    nudged = set(db.session.scalars(sa.select(Notification.person_id)
                                    .where(Notification.nudge_type == "mission_assigned")))
    assert org.staff.id in nudged and newcomer.id not in nudged


def test_the_hourly_roll_over_job_assigns_recurring_missions_once(org):
    from app.missions.schedule import roll_recurring_missions

    daily = make_mission(store=org.store, audience=Audience.STORE, recurrence=Recurrence.DAILY, title="Tidy")
    db.session.commit()  # the job runs in its own session, as it does in the worker
    roll_recurring_missions.call_local()
    roll_recurring_missions.call_local()
    db.session.expire_all()
    assert len(_rows(mission=daily)) == 2  # Sara and Cosimo, once each
