"""Who gets which mission, and when. Assignments are created, never recomputed on read: a mission's
audience is resolved into one row per person per period (once, each day or each week), so the
phone's "today" list is a plain indexed read.

Creation is idempotent: rows are inserted with ON CONFLICT DO NOTHING on
(mission, person, period start), so a sync that runs twice, or concurrently, assigns once."""

from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app

from app import nudges
from app.core.aftercommit import after_commit
from app.core.database import dialect_insert
from app.core.models import utcnow
from app.core.realtime import notify, person_room
from app.extensions import db
from app.missions.dates import week_start
from app.missions.models import (
    AssignmentStatus,
    Audience,
    JourneyStep,
    Mission,
    MissionAssignment,
    MissionTarget,
    OnboardingJourney,
    Recurrence,
)
from app.org.models import Person, Role

ONBOARDING_ROLES = (Role.STAFF, Role.STORE_MANAGER)
INSERT_BATCH = 1000  # assignment rows per INSERT: 10 columns each, inside SQLite's and PostgreSQL's limits


def current_period(mission: Mission, today: date) -> tuple[date, date | None] | None:
    """(period start, due date) of the occurrence running on `today`, or None when none runs."""
    if not mission.active or today < mission.start_date:
        return None
    if mission.due_date is not None and today > mission.due_date:
        return None
    if mission.recurrence == Recurrence.DAILY:
        return today, today
    if mission.recurrence == Recurrence.WEEKLY:
        start = week_start(today)
        end = start + timedelta(days=6)
        return start, min(end, mission.due_date) if mission.due_date else end
    return mission.start_date, mission.due_date


def audience_ids(mission: Mission, today: date) -> sa.Select | None:
    """The ids of the active people a mission's audience names (None for journey-only missions)."""
    query = sa.select(Person.id).where(Person.active.is_(True))
    if mission.audience == Audience.PEOPLE:
        return query.where(Person.id.in_(
            sa.select(MissionTarget.person_id).where(MissionTarget.mission_id == mission.id)))
    if mission.audience == Audience.STORE:
        query = query.where(Person.role == Role.STAFF)
    elif mission.audience == Audience.ROLE:
        query = query.where(Person.role == mission.audience_role)
    elif mission.audience == Audience.NEW_HIRES:
        since = today - timedelta(days=mission.new_hire_days or 0)
        query = query.where(Person.role == Role.STAFF, Person.hire_date >= since, Person.hire_date <= today)
    else:
        return None
    if mission.store_id is not None:
        query = query.where(Person.store_id == mission.store_id)
    elif mission.audience != Audience.ROLE:
        query = query.where(Person.store_id.is_not(None))
    return query


def _insert(rows: list[dict]) -> list[int]:
    """Insert assignment rows that don't exist yet; the person ids that got a new one."""
    if not rows:
        return []
    statement = (dialect_insert(MissionAssignment).values(rows)
                 .on_conflict_do_nothing(index_elements=["mission_id", "person_id", "period_start"])
                 .returning(MissionAssignment.id, MissionAssignment.person_id, MissionAssignment.mission_id))
    created = db.session.execute(statement).all()
    for person_id in {row.person_id for row in created}:
        after_commit(lambda room=person_room(person_id): notify(room, "missions-changed"))
    _nudge_new_assignments(created)
    return [row.person_id for row in created]


def _nudge_new_assignments(created) -> None:
    """A nudge per new one-off assignment; daily and weekly roll-overs would only be noise. Nobody who has
    never signed in is nudged: no device of theirs can take a push, their home lists the missions when they
    arrive, and an import of a whole chain would otherwise write a dozen notifications per person while
    holding the write lock."""
    if not created:
        return
    missions = {mission.id: mission for mission in db.session.scalars(
        sa.select(Mission).where(Mission.id.in_({row.mission_id for row in created})))}
    reachable = set(db.session.scalars(sa.select(Person.id).where(
        Person.id.in_({row.person_id for row in created}), Person.password_hash.is_not(None))))
    for assignment_id, person_id, mission_id in created:
        mission = missions[mission_id]
        if mission.recurrence != Recurrence.NONE or person_id not in reachable:
            continue
        nudges.send(person_id, "mission_assigned",
                    nudges.path_for("missions.assignment", assignment_id=assignment_id),
                    dedupe_key=f"mission_assigned:{assignment_id}", mission=mission.title,
                    points=mission.points, assignment_id=assignment_id)


def _row(mission_id: int, person_id: int, start: date, due: date | None, *, journey_id: int | None = None,
         journey_position: int | None = None) -> dict:
    return {"mission_id": mission_id, "person_id": person_id, "period_start": start, "due_date": due,
            "status": AssignmentStatus.OPEN, "journey_id": journey_id, "journey_position": journey_position,
            "assigned_at": utcnow(), "completed_at": None, "points_paid": None}


def sync_mission(mission: Mission, today: date) -> int:
    """Give the running occurrence to everyone in the audience who hasn't got it; how many got one."""
    period = current_period(mission, today)
    people = audience_ids(mission, today)
    if period is None or people is None:
        return 0
    start, due = period
    person_ids = db.session.scalars(people).all()
    return len(_insert([_row(mission.id, person_id, start, due) for person_id in person_ids]))


def sync_person(person: Person, today: date) -> int:
    """(Re)assign a person every running audience mission they belong to, and the missing steps of
    their onboarding journey. Safe to call any time: nothing is assigned twice."""
    if not person.active:
        return 0
    missions = db.session.scalars(
        sa.select(Mission).where(
            Mission.active.is_(True), Mission.audience != Audience.JOURNEY, Mission.start_date <= today,
            sa.or_(Mission.due_date.is_(None), Mission.due_date >= today),
            sa.or_(Mission.store_id.is_(None), Mission.store_id == person.store_id))
        .order_by(Mission.id)).all()
    rows = []
    for mission in missions:
        people = audience_ids(mission, today)
        if people is None or db.session.scalar(people.where(Person.id == person.id)) is None:
            continue
        start, due = current_period(mission, today)
        rows.append(_row(mission.id, person.id, start, due))
    created = len(_insert(rows))
    journey = active_journey()
    if journey is not None and (_has_started(journey, person) or is_new_hire(person, today)):
        created += assign_journey(journey, person, today)
    return created


def sync_people(people: list[Person], today: date) -> int:
    """`sync_person` for many new people at once (an import): one audience query per running mission and
    one journey lookup, not one of each per person; the rows go in by the thousand. How many were assigned."""
    people = [person for person in people if person.active]
    if not people:
        return 0
    ids = [person.id for person in people]
    missions = db.session.scalars(sa.select(Mission).where(
        Mission.active.is_(True), Mission.audience != Audience.JOURNEY, Mission.start_date <= today,
        sa.or_(Mission.due_date.is_(None), Mission.due_date >= today)).order_by(Mission.id)).all()
    rows = []
    for mission in missions:
        audience = audience_ids(mission, today)
        if audience is None:
            continue
        start, due = current_period(mission, today)
        rows += [_row(mission.id, person_id, start, due)
                 for person_id in db.session.scalars(audience.where(Person.id.in_(ids)))]
    journey = active_journey()
    if journey is not None:
        steps = _active_steps(journey)
        for person in people:
            if is_new_hire(person, today):
                start = max(person.hire_date or today, today)
                rows += [_row(step.mission_id, person.id, start, start + timedelta(days=step.due_after_days),
                              journey_id=journey.id, journey_position=step.position) for step in steps]
    return sum(len(_insert(rows[first:first + INSERT_BATCH])) for first in range(0, len(rows), INSERT_BATCH))


def sync_all(today: date) -> int:
    """Every running audience mission, for everyone (the daily roll-over of recurring missions)."""
    missions = db.session.scalars(sa.select(Mission).where(
        Mission.active.is_(True), Mission.audience != Audience.JOURNEY).order_by(Mission.id)).all()
    return sum(sync_mission(mission, today) for mission in missions)


# Onboarding journeys ------------------------------------------------------------------------------

def active_journey() -> OnboardingJourney | None:
    return db.session.scalar(sa.select(OnboardingJourney).where(OnboardingJourney.active.is_(True))
                             .order_by(OnboardingJourney.id.desc()).limit(1))


def is_new_hire(person: Person, today: date) -> bool:
    """Onboarding is for people who just joined; an import of the existing org must not send
    five-year veterans through "Welcome to the team"."""
    if person.role not in ONBOARDING_ROLES or not person.active:
        return False
    window = current_app.config.get("ONBOARDING_WINDOW_DAYS", 60)
    return person.hire_date is None or person.hire_date >= today - timedelta(days=window)


def _has_started(journey: OnboardingJourney, person: Person) -> bool:
    started = sa.select(MissionAssignment.id).where(MissionAssignment.journey_id == journey.id,
                                                    MissionAssignment.person_id == person.id).limit(1)
    return db.session.scalar(started) is not None


def assign_journey(journey: OnboardingJourney, person: Person, today: date) -> int:
    """The journey's missions, in order, each due a number of days after the person's start."""
    start = max(person.hire_date or today, today)
    already = set(db.session.scalars(sa.select(MissionAssignment.mission_id).where(
        MissionAssignment.journey_id == journey.id, MissionAssignment.person_id == person.id)))
    rows = [_row(step.mission_id, person.id, start, start + timedelta(days=step.due_after_days),
                 journey_id=journey.id, journey_position=step.position)
            for step in _active_steps(journey) if step.mission_id not in already]
    return len(_insert(rows))


def _active_steps(journey: OnboardingJourney) -> list[JourneyStep]:
    return list(db.session.scalars(
        sa.select(JourneyStep).join(Mission, Mission.id == JourneyStep.mission_id)
        .where(JourneyStep.journey_id == journey.id, Mission.active.is_(True))
        .order_by(JourneyStep.position, JourneyStep.id)))

