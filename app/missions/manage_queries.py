"""Read models for managers and HR: missions in their scope, the sign-off queue, and the choices
the mission form offers. Every query is built on app.org.authz scopes."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.core.numbers import whole_percent
from app.extensions import db
from app.missions.models import (
    AssignmentStatus,
    Audience,
    JourneyStep,
    Mission,
    MissionAssignment,
    MissionSubmission,
    OnboardingJourney,
    Recurrence,
    SubmissionStatus,
)
from app.org.authz import in_store_scope, managed_people
from app.org.models import Person


def _missions_in_scope(actor: Person) -> sa.Select:
    return in_store_scope(sa.select(Mission), actor, Mission.store_id)


@dataclass
class MissionRow:
    mission: Mission
    assigned: int
    done: int
    waiting: int

    @property
    def done_percent(self) -> int:
        return whole_percent(self.done, self.assigned)


def managed_missions(actor: Person, *, archived: bool = False) -> list[MissionRow]:
    """Missions the actor may edit, with assignment counts by status (one grouped query)."""
    missions = list(db.session.scalars(
        _missions_in_scope(actor).where(Mission.active.is_(not archived))
        .options(selectinload(Mission.store), selectinload(Mission.targets))
        .order_by(Mission.start_date.desc(), Mission.id.desc())))
    counts: dict[int, dict[str, int]] = {}
    if missions:
        for mission_id, status, count in db.session.execute(
                sa.select(MissionAssignment.mission_id, MissionAssignment.status, sa.func.count())
                .where(MissionAssignment.mission_id.in_([m.id for m in missions]))
                .group_by(MissionAssignment.mission_id, MissionAssignment.status)):
            counts.setdefault(mission_id, {})[status] = count
    rows = []
    for mission in missions:
        by_status = counts.get(mission.id, {})
        rows.append(MissionRow(mission, sum(by_status.values()), by_status.get(AssignmentStatus.DONE, 0),
                               by_status.get(AssignmentStatus.PENDING, 0)))
    return rows


def mission_in_scope(actor: Person, mission_id: int) -> Mission | None:
    return db.session.scalar(_missions_in_scope(actor).where(Mission.id == mission_id)
                             .options(selectinload(Mission.steps), selectinload(Mission.targets),
                                      selectinload(Mission.questions)))


def mission_progress(actor: Person, mission: Mission, today: date,
                     limit: int = 200) -> list[MissionAssignment]:
    """The mission's assignments for people the actor manages, waiting ones first. A recurring
    mission shows its latest occurrence only: yesterday's closed ones are history, not a to-do."""
    in_scope = managed_people(actor).with_only_columns(Person.id)
    order = sa.case({AssignmentStatus.PENDING: 0, AssignmentStatus.OPEN: 1}, value=MissionAssignment.status,
                    else_=2)
    query = (sa.select(MissionAssignment).join(Person, Person.id == MissionAssignment.person_id)
             .where(MissionAssignment.mission_id == mission.id, MissionAssignment.person_id.in_(in_scope)))
    if mission.recurrence != Recurrence.NONE:
        latest = db.session.scalar(sa.select(sa.func.max(MissionAssignment.period_start)).where(
            MissionAssignment.mission_id == mission.id, MissionAssignment.period_start <= today))
        query = query.where(MissionAssignment.period_start == latest)
    return list(db.session.scalars(query.options(selectinload(MissionAssignment.person))
                                   .order_by(order, Person.full_name).limit(limit)))


# Sign-off -----------------------------------------------------------------------------------------

def _submissions_in_scope(actor: Person) -> sa.Select:
    in_scope = managed_people(actor).with_only_columns(Person.id)
    return sa.select(MissionSubmission).where(MissionSubmission.person_id.in_(in_scope))


def signoff_queue(actor: Person) -> list[MissionSubmission]:
    """Evidence waiting for the actor, oldest first, with what the card shows loaded up front."""
    return list(db.session.scalars(
        _submissions_in_scope(actor).where(MissionSubmission.status == SubmissionStatus.PENDING)
        .options(selectinload(MissionSubmission.person).selectinload(Person.store),
                 selectinload(MissionSubmission.assignment).selectinload(MissionAssignment.mission))
        .order_by(MissionSubmission.created_at, MissionSubmission.id)))


def signoff_count(actor: Person) -> int:
    return db.session.scalar(
        _submissions_in_scope(actor).where(MissionSubmission.status == SubmissionStatus.PENDING)
        .with_only_columns(sa.func.count(MissionSubmission.id)))


def pending_submissions_in_stores(store_ids: set[int]) -> int:
    """Evidence waiting for sign-off from the people of these stores."""
    return db.session.scalar(
        sa.select(sa.func.count(MissionSubmission.id)).join(Person, Person.id == MissionSubmission.person_id)
        .where(MissionSubmission.status == SubmissionStatus.PENDING, Person.store_id.in_(store_ids)))


def submission_in_scope(actor: Person, submission_id: int) -> MissionSubmission | None:
    return db.session.scalar(_submissions_in_scope(actor).where(MissionSubmission.id == submission_id))


def photo_submission(actor: Person, submission_id: int) -> MissionSubmission | None:
    """A photo is seen by the person who took it and by those who manage them; nobody else."""
    in_scope = managed_people(actor).with_only_columns(Person.id)
    return db.session.scalar(sa.select(MissionSubmission).where(
        MissionSubmission.id == submission_id, MissionSubmission.photo_path.is_not(None),
        sa.or_(MissionSubmission.person_id == actor.id, MissionSubmission.person_id.in_(in_scope))))


# Form choices -------------------------------------------------------------------------------------

def people_choices(actor: Person) -> list[Person]:
    return list(db.session.scalars(
        managed_people(actor).where(Person.active.is_(True)).options(selectinload(Person.store))
        .order_by(Person.full_name, Person.id)))


def badge_choices() -> list[tuple[int, str]]:
    """Badges a mission can grant. The badges feature is optional here: without it, no choices."""
    try:
        from app.badges.models import BadgeDefinition
    except ImportError:
        return []
    return [(badge_id, name) for badge_id, name in db.session.execute(
        sa.select(BadgeDefinition.id, BadgeDefinition.name).order_by(BadgeDefinition.name))]


# Journeys ----------------------------------------------------------------------------------------

def journeys() -> list[OnboardingJourney]:
    return list(db.session.scalars(sa.select(OnboardingJourney).options(
        selectinload(OnboardingJourney.steps)).order_by(OnboardingJourney.active.desc(),
                                                         OnboardingJourney.id.desc())))


def journey_or_none(journey_id: int) -> OnboardingJourney | None:
    return db.session.scalar(sa.select(OnboardingJourney).where(OnboardingJourney.id == journey_id)
                             .options(selectinload(OnboardingJourney.steps).selectinload(JourneyStep.mission)))


def journey_mission_choices(journey: OnboardingJourney) -> list[Mission]:
    taken = [step.mission_id for step in journey.steps]
    query = sa.select(Mission).where(Mission.audience == Audience.JOURNEY, Mission.active.is_(True))
    if taken:
        query = query.where(Mission.id.not_in(taken))
    return list(db.session.scalars(query.order_by(Mission.title)))


def journey_progress(journey: OnboardingJourney) -> dict[str, int]:
    """How many people walk the journey and how many finished every step."""
    rows = db.session.execute(
        sa.select(MissionAssignment.person_id, sa.func.count(MissionAssignment.id),
                  sa.func.count(MissionAssignment.id).filter(
                      MissionAssignment.status == AssignmentStatus.DONE))
        .where(MissionAssignment.journey_id == journey.id).group_by(MissionAssignment.person_id)).all()
    return {"people": len(rows), "finished": sum(1 for _p, total, done in rows if total == done)}
