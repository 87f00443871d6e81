"""Onboarding journeys: HR orders journey missions into the path every new hire walks. Only one
journey is active; the person_created signal hands it out (see listeners.on_person_created).

One at a time, on purpose: a new hire walks one path in one order (two welcome journeys would double the
tours and muddle the progress). So switching a journey on while another is on must name the one that
goes off: HR confirms it after reading its name and size, never by accident (a new hire once got 1
mission instead of 7 because the 7-mission journey went off silently)."""

from datetime import date, time, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from app.core import audit, timezones
from app.core.errors import ServiceError
from app.core.text import squash_spaces
from app.extensions import db
from app.missions.assignments import ONBOARDING_ROLES, assign_journey
from app.missions.models import Audience, JourneyStep, Mission, MissionAssignment, OnboardingJourney
from app.org import authz
from app.org.models import ORG_WIDE_ROLES, Person

MAX_STEPS = 30


def _require_hr(actor: Person) -> None:
    if actor.role not in ORG_WIDE_ROLES:
        raise ServiceError(_("Only HR manages onboarding journeys."))


def create_journey(actor: Person, *, name: str, description: str = "") -> OnboardingJourney:
    _require_hr(actor)
    name = squash_spaces(name)
    if not 3 <= len(name) <= 120:
        raise ServiceError(_("Give the journey a name of 3 to 120 characters."), field="name")
    journey = OnboardingJourney(name=name, description=(description or "").strip()[:2000],
                                created_by_id=actor.id, active=False)
    db.session.add(journey)
    db.session.flush()
    audit.record("journey.created", actor_id=actor.id, target_type="journey", target_id=journey.id, name=name)
    return journey


def add_step(actor: Person, journey: OnboardingJourney, *, mission_id: int | None,
             due_after_days: int | None) -> JourneyStep:
    _require_hr(actor)
    mission = db.session.get(Mission, mission_id) if mission_id else None
    if mission is None or mission.audience != Audience.JOURNEY or not mission.active:
        raise ServiceError(_("Choose an active onboarding mission."), field="mission_id")
    if due_after_days is None or not 0 <= due_after_days <= 365:
        raise ServiceError(_("Say how many days after the start it is due (0 to 365)."),
                           field="due_after_days")
    if any(step.mission_id == mission.id for step in journey.steps):
        raise ServiceError(_("That mission is already on this journey."), field="mission_id")
    if len(journey.steps) >= MAX_STEPS:
        raise ServiceError(_("A journey can have at most %(n)d missions.", n=MAX_STEPS))
    position = max((step.position for step in journey.steps), default=-1) + 1
    step = JourneyStep(mission_id=mission.id, position=position, due_after_days=due_after_days)
    journey.steps.append(step)
    db.session.flush()
    audit.record("journey.step_added", actor_id=actor.id, target_type="journey", target_id=journey.id,
                 mission_id=mission.id)
    return step


def move_step(actor: Person, journey: OnboardingJourney, step_id: int, offset: int) -> None:
    _require_hr(actor)
    steps = list(journey.steps)
    index = next((i for i, step in enumerate(steps) if step.id == step_id), None)
    if index is None:
        raise ServiceError(_("That step isn't on this journey."))
    other = index + (1 if offset > 0 else -1)
    if not 0 <= other < len(steps):
        return
    steps[index], steps[other] = steps[other], steps[index]
    for position, step in enumerate(steps):
        step.position = position
    db.session.flush()
    db.session.expire(journey, ["steps"])  # reloaded in the new order


def remove_step(actor: Person, journey: OnboardingJourney, step_id: int) -> None:
    """People who already have the mission keep it; future hires won't get it."""
    _require_hr(actor)
    step = next((step for step in journey.steps if step.id == step_id), None)
    if step is None:
        raise ServiceError(_("That step isn't on this journey."))
    journey.steps.remove(step)
    for position, remaining in enumerate(journey.steps):
        remaining.position = position
    db.session.flush()
    audit.record("journey.step_removed", actor_id=actor.id, target_type="journey", target_id=journey.id,
                 mission_id=step.mission_id)


def active_other(journey: OnboardingJourney) -> OnboardingJourney | None:
    """The journey new hires get now, when it isn't `journey`: switching `journey` on would replace it."""
    return db.session.scalar(sa.select(OnboardingJourney).where(
        OnboardingJourney.active.is_(True), OnboardingJourney.id != journey.id)
        .order_by(OnboardingJourney.id.desc()).limit(1))


def set_active(actor: Person, journey: OnboardingJourney, active: bool, *,
               replacing_id: int | None = None) -> None:
    """Switch a journey on or off. Switching it on while another is on needs `replacing_id`, the id of the
    journey HR confirmed switching off; without it (or if another one is on by now) nothing changes."""
    _require_hr(actor)
    if active and not journey.steps:
        raise ServiceError(_("Add at least one mission before switching the journey on."))
    replaced = []
    if active:
        # Locked, so a second HR switching another journey on at the same moment waits and is asked again.
        replaced = list(db.session.scalars(sa.select(OnboardingJourney).where(
            OnboardingJourney.active.is_(True), OnboardingJourney.id != journey.id)
            .order_by(OnboardingJourney.id).with_for_update()))
        if replaced and [other.id for other in replaced] != [replacing_id]:
            raise ServiceError(_("New hires get “%(name)s” now. Confirm that it should be switched off first.",
                                 name=replaced[-1].name), field="replacing")
    for other in replaced:
        other.active = False
        audit.record("journey.deactivated", actor_id=actor.id, target_type="journey", target_id=other.id,
                     replaced_by=journey.id)
    journey.active = active
    db.session.flush()
    audit.record("journey.activated" if active else "journey.deactivated", actor_id=actor.id,
                 target_type="journey", target_id=journey.id)


# People hired before the journey went on ----------------------------------------------------------
# Switching a journey on reaches new hires from then on; people imported (or hired) shortly before would
# otherwise never get it. HR chooses how far back, and sees how many people that is before confirming.

RECENT_HIRE_DAYS = 30
MAX_RECENT_HIRE_DAYS = 365


def check_recent_days(days: int | None) -> int:
    if days is None or not 0 <= days <= MAX_RECENT_HIRE_DAYS:
        raise ServiceError(_("Say how many days back to look (0 to %(n)d).", n=MAX_RECENT_HIRE_DAYS),
                           field="recent_days")
    return days


def recent_hires(actor: Person, journey: OnboardingJourney, days: int, today: date) -> sa.Select:
    """Active staff and store managers in `actor`'s scope who started within `days` days of `today` (the
    company's today) and haven't got this journey yet. The start is the hire date; without one, the day
    their record was created (in the company's time zone: created_at is UTC)."""
    since = today - timedelta(days=days)
    created_since = timezones.utc_of(since, time.min, timezones.default_zone())
    has_it = sa.exists().where(MissionAssignment.journey_id == journey.id,
                               MissionAssignment.person_id == Person.id)
    return authz.managed_people(actor).where(
        Person.active.is_(True), Person.role.in_(ONBOARDING_ROLES), ~has_it,
        sa.or_(sa.and_(Person.hire_date.is_not(None), Person.hire_date >= since, Person.hire_date <= today),
               sa.and_(Person.hire_date.is_(None), Person.created_at >= created_since)))


def count_recent_hires(actor: Person, journey: OnboardingJourney, days: int, today: date) -> int:
    query = recent_hires(actor, journey, days, today).with_only_columns(sa.func.count(Person.id))
    return db.session.scalar(query.order_by(None)) or 0


def give_to_recent_hires(actor: Person, journey: OnboardingJourney, days: int, today: date) -> int:
    """Give the (active) journey to the people hired within `days` days, each mission due counted from their
    start as for a new hire. How many people got it."""
    _require_hr(actor)
    days = check_recent_days(days)
    if not journey.active:
        raise ServiceError(_("Switch the journey on before giving it to anyone."))
    people = list(db.session.scalars(recent_hires(actor, journey, days, today).order_by(Person.id)))
    reached = sum(1 for person in people if assign_journey(journey, person, today))
    audit.record("journey.given_to_recent_hires", actor_id=actor.id, target_type="journey",
                 target_id=journey.id, days=days, people=reached)
    return reached
