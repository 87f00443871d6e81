"""Where a person stands on the journey, and the one function that moves them up.

`evaluate_stage` runs inside the transaction of whatever could move someone up (an award, a badge
grant, an endorsement, a completed mission; once per event, see app/journey/listeners.py): the stage-up
commits or rolls back with its cause.
Stages only ever go up; a stage once reached is kept even if a badge later expires."""

from dataclasses import dataclass
from functools import cached_property, partial

import sqlalchemy as sa
from flask_babel import gettext as _

from app.core import audit
from app.core.aftercommit import after_commit, transaction_memo
from app.core.database import dialect_insert, prepared
from app.core.definitions import Definitions
from app.core.errors import ServiceError
from app.core.models import utcnow
from app.core.signals import StageReached, stage_reached
from app.core.text import required_text
from app.extensions import db
from app.journey.defaults import unsaved_defaults
from app.journey.models import Endorsement, MissionCompletion, PersonStage, Stage, StageChange
from app.org.authz import can_manage_person
from app.org.models import ORG_WIDE_ROLES, Person, Role
from app.points.ledger import balances

MAX_NOTE = 500


def stages() -> list[Stage]:
    """The configured stages in order; the unsaved defaults when none are configured."""
    return list(db.session.scalars(prepared("journey.stages", _in_order))) or unsaved_defaults()


def _in_order() -> sa.Select:
    return sa.select(Stage).order_by(Stage.position)


def first_stage() -> Stage:
    stage = db.session.scalar(sa.select(Stage).order_by(Stage.position).limit(1))
    return stage if stage is not None else unsaved_defaults()[0]


def current_stage(person: Person) -> Stage:
    """The stage `person` has reached (stored; the first stage until they move up)."""
    stage = db.session.scalar(sa.select(Stage).join(PersonStage, PersonStage.stage_id == Stage.id)
                              .where(PersonStage.person_id == person.id))
    return stage if stage is not None else first_stage()


def stage_by_key(key: str) -> Stage | None:
    return db.session.scalar(sa.select(Stage).where(Stage.key == key))


# Facts the criteria are checked against -------------------------------------------------------------

@dataclass
class Facts:
    """What a person has, each read lazily and once: a criterion nobody asks for costs no query. The
    lifetime total may be handed in by a caller that has it already."""

    person: Person
    _lifetime: int | None = None
    _badge_keys: set[str] | None = None  # handed in by a reader that has them (the home)
    _endorsed_stage_ids: set[int] | None = None

    @property
    def lifetime(self) -> int:
        if self._lifetime is None:
            self._lifetime = balances(self.person.id)[0]
        return self._lifetime

    @property
    def badge_keys(self) -> set[str]:
        if self._badge_keys is None:
            from app.badges.services import held_badge_keys

            self._badge_keys = held_badge_keys(self.person.id)
        return self._badge_keys

    @cached_property
    def mission_ids(self) -> set[int]:
        return set(db.session.scalars(sa.select(MissionCompletion.mission_id)
                                      .where(MissionCompletion.person_id == self.person.id)))

    @property
    def endorsed_stage_ids(self) -> set[int]:
        if self._endorsed_stage_ids is None:
            self._endorsed_stage_ids = set(db.session.scalars(
                sa.select(Endorsement.stage_id).where(Endorsement.person_id == self.person.id)))
        return self._endorsed_stage_ids


def criteria_met(stage: "Stage | StageRule", facts: Facts) -> bool:
    # Cheapest first: most evaluations stop at the points threshold without another query.
    if facts.lifetime < stage.min_lifetime_points:
        return False
    if stage.required_badge_keys and not set(stage.required_badge_keys) <= facts.badge_keys:
        return False
    if stage.required_mission_ids and not {int(m) for m in stage.required_mission_ids} <= facts.mission_ids:
        return False
    return not stage.requires_endorsement or stage.id in facts.endorsed_stage_ids


# Moving up ---------------------------------------------------------------------------------------------

def _move(person: Person, from_stage: Stage | None, to_stage: Stage, stored: bool) -> bool:
    """Compare-and-swap the stored stage, so two racing evaluations record one stage-up."""
    if not stored:
        statement = (dialect_insert(PersonStage)
                     .values(person_id=person.id, stage_id=to_stage.id, reached_at=utcnow())
                     .on_conflict_do_nothing(index_elements=["person_id"]).returning(PersonStage.person_id))
        return db.session.execute(statement).scalar() is not None
    statement = (sa.update(PersonStage)
                 .where(PersonStage.person_id == person.id, PersonStage.stage_id == from_stage.id)
                 .values(stage_id=to_stage.id, reached_at=utcnow()))
    return db.session.execute(statement, execution_options={"synchronize_session": False}).rowcount == 1


@dataclass(frozen=True)
class StageRule:
    """What moving up needs of a configured stage, kept by the process between requests."""
    id: int
    key: str
    position: int
    min_lifetime_points: int
    required_badge_keys: tuple[str, ...]
    required_mission_ids: tuple[int, ...]
    requires_endorsement: bool


def _load_stages() -> tuple[StageRule, ...]:
    rows = db.session.execute(sa.select(Stage.id, Stage.key, Stage.position, Stage.min_lifetime_points,
                                        Stage.required_badge_keys, Stage.required_mission_ids,
                                        Stage.requires_endorsement).order_by(Stage.position))
    return tuple(StageRule(stage_id, key, position, points, tuple(badges or ()), tuple(missions or ()), endorsement)
                 for stage_id, key, position, points, badges, missions, endorsement in rows)


# Every award checks the stage: the stages are read once per process, and again only after HR changes
# them (app/core/definitions.py).
STAGES = Definitions("journey_stages", _load_stages, tables=("journey_stages",))
_STORED_STAGE = sa.select(PersonStage.stage_id).where(PersonStage.person_id == sa.bindparam("person_id"))
_NOT_READ = object()


def stored_stage_column(person_id: sa.ColumnElement) -> sa.ScalarSelect:
    """The person's stored stage id as a column, for a caller that reads the person anyway (the API's
    award): hand what it read to `remember_stored_stage`, and the stage check needs no query of its own."""
    return sa.select(PersonStage.stage_id).where(PersonStage.person_id == person_id).scalar_subquery()


def remember_stored_stage(person_id: int, stage_id: int | None) -> None:
    """What `stored_stage_column` read, kept for the rest of the transaction (`_move` keeps it up to date)."""
    transaction_memo("journey.stored_stage")[person_id] = stage_id


def _stored_stage_id(person_id: int) -> int | None:
    stored = transaction_memo("journey.stored_stage")
    stage_id = stored.get(person_id, _NOT_READ)
    if stage_id is _NOT_READ:
        stage_id = stored[person_id] = db.session.scalar(_STORED_STAGE, {"person_id": person_id})
    return stage_id


def evaluate_stage(person: Person, *, lifetime: int | None = None) -> list[StageChange]:
    """Move `person` up through every next stage whose criteria are all met. Never down. Flushes.
    `lifetime`: the person's lifetime points when the caller has just written them (saves a read)."""
    all_stages = STAGES.get()
    if not all_stages:
        return []  # no stages configured: nowhere to move
    if lifetime is not None and all(stage.min_lifetime_points > lifetime for stage in all_stages[1:]):
        return []  # no stage above the first is within these points: nobody moves, whatever their stage
    stored_id = _stored_stage_id(person.id)
    current = next((s for s in all_stages if s.id == stored_id), all_stages[0])
    stored = stored_id is not None
    facts = Facts(person, _lifetime=lifetime)
    changes = []
    for stage in (s for s in all_stages if s.position > current.position):
        if not criteria_met(stage, facts):
            break
        if not _move(person, current if stored else None, stage, stored):
            transaction_memo("journey.stored_stage").pop(person.id, None)  # moved by someone else: read again
            break  # a concurrent evaluation moved them first; it records the change
        transaction_memo("journey.stored_stage")[person.id] = stage.id
        change = StageChange(person_id=person.id, store_id=person.store_id, from_stage_id=current.id,
                             to_stage_id=stage.id, manager_id=person.manager_id)
        db.session.add(change)
        db.session.flush()
        changes.append(change)
        stage_reached.send(None, event=StageReached(person=person, stage=db.session.get(Stage, stage.id),
                                                    previous=db.session.get(Stage, current.id)))
        after_commit(partial(_announce, person.id, person.manager_id, stage.key))
        current, stored = stage, True
    return changes


def _announce(person_id: int, manager_id: int | None, stage_key: str) -> None:
    from app.core.realtime import notify, person_room

    notify(person_room(person_id), "stage-reached", {"stage": stage_key})
    if manager_id:
        notify(person_room(manager_id), "team-stage-reached", {"person": person_id, "stage": stage_key})


def record_mission_completion(person: Person, mission_id: int) -> bool:
    statement = (dialect_insert(MissionCompletion).values(person_id=person.id, mission_id=mission_id,
                                                          completed_at=utcnow())
                 .on_conflict_do_nothing(index_elements=["person_id", "mission_id"])
                 .returning(MissionCompletion.id))
    return db.session.execute(statement).scalar() is not None


# Endorsements ------------------------------------------------------------------------------------------

def endorsable_stages(person: Person) -> list[Stage]:
    """Stages above the person's current one that ask for an endorsement they don't have yet."""
    current = current_stage(person)
    endorsed = set(db.session.scalars(sa.select(Endorsement.stage_id)
                                      .where(Endorsement.person_id == person.id)))
    return [s for s in stages() if s.position > current.position and s.requires_endorsement
            and s.id not in endorsed]


def endorse(manager: Person, person: Person, stage: Stage, note: str) -> Endorsement:
    """A manager (inside their scope) vouches for `person` for `stage`, then the stage is re-evaluated."""
    if manager.role not in (Role.STORE_MANAGER, Role.DISTRICT_MANAGER, *ORG_WIDE_ROLES):
        raise ServiceError(_("Only managers can endorse."))
    if not can_manage_person(manager, person):
        raise ServiceError(_("You can only endorse people you manage."))
    note = required_text(note, max_length=MAX_NOTE, field="note",
                         required_message=_("Say in a sentence why they are ready."),
                         too_long_message=_("Keep the note under %(n)d characters.", n=MAX_NOTE))
    if not stage.requires_endorsement:
        raise ServiceError(_("%(stage)s doesn't need an endorsement.", stage=stage.display_name),
                           field="stage")
    if stage.position <= current_stage(person).position:
        raise ServiceError(_("%(name)s has already reached %(stage)s.", name=person.first_name,
                             stage=stage.display_name), field="stage")
    statement = (dialect_insert(Endorsement).values(person_id=person.id, stage_id=stage.id,
                                                    endorsed_by_id=manager.id, note=note, created_at=utcnow())
                 .on_conflict_do_nothing(index_elements=["person_id", "stage_id"])
                 .returning(Endorsement.id))
    endorsement_id = db.session.execute(statement).scalar()
    if endorsement_id is None:
        raise ServiceError(_("%(name)s is already endorsed for %(stage)s.", name=person.first_name,
                             stage=stage.display_name), field="stage")
    audit.record("journey.endorsed", actor_id=manager.id, target_type="person", target_id=person.id,
                 stage=stage.key)
    evaluate_stage(person)
    return db.session.get(Endorsement, endorsement_id)


# Celebrations ------------------------------------------------------------------------------------------

def mark_celebrations_seen(person: Person, stage_change_ids: list[int],
                           badge_grant_ids: list[int]) -> tuple[set[int], set[int]]:
    """Claim these for celebration: the ids this call marked as seen (a racing tab gets the others).
    Only the person's own rows are touched."""
    from app.badges.models import BadgeGrant

    now = utcnow()
    changes: set[int] = set()
    grants: set[int] = set()
    if stage_change_ids:
        changes = set(db.session.scalars(
            sa.update(StageChange).where(StageChange.person_id == person.id, StageChange.seen_at.is_(None),
                                         StageChange.id.in_(stage_change_ids)).values(seen_at=now)
            .returning(StageChange.id), execution_options={"synchronize_session": False}))
    if badge_grant_ids:
        grants = set(db.session.scalars(
            sa.update(BadgeGrant).where(BadgeGrant.person_id == person.id, BadgeGrant.seen_at.is_(None),
                                        BadgeGrant.id.in_(badge_grant_ids)).values(seen_at=now)
            .returning(BadgeGrant.id), execution_options={"synchronize_session": False}))
    return changes, grants


# Placing ---------------------------------------------------------------------------------------------

def place_at_stage(person: Person, stage: Stage, *, actor: Person) -> bool:
    """Put `person` at `stage`, up or down, whatever its criteria: HR placing a veteran who joins Ascent
    (the people import) should not start them at the first stage. No points, and no StageChange: that
    table is stage-ups to celebrate and to show the manager, and a placement is neither (the audit log
    keeps it). Returns whether anything changed. Flushes."""
    if stage.id is None:
        raise ServiceError(_("Save the journey stages before placing people on them."))
    previous = current_stage(person)
    if previous.id == stage.id:
        return False
    stored = db.session.get(PersonStage, person.id)
    if stored is None:
        db.session.add(PersonStage(person_id=person.id, stage_id=stage.id, reached_at=utcnow()))
    else:
        stored.stage_id, stored.reached_at = stage.id, utcnow()
    db.session.flush()
    transaction_memo("journey.stored_stage")[person.id] = stage.id
    audit.record("journey.placed", actor_id=actor.id, target_type="person", target_id=person.id,
                 stage=stage.key, previous=previous.key)
    return True
