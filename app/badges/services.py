"""Granting badges: automatic rules and manual grants, one idempotent `grant` underneath both."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

import sqlalchemy as sa
from flask_babel import gettext as _

from app.badges.models import BadgeDefinition, BadgeEvent, BadgeGrant, Criterion, Granter
from app.core import audit
from app.core.aftercommit import after_commit, transaction_memo
from app.core.database import dialect_insert
from app.core.definitions import Definitions
from app.core.errors import ServiceError
from app.core.models import utcnow
from app.core.signals import BadgeGranted, badge_granted
from app.core.text import required_text
from app.extensions import db
from app.org.authz import can_manage_person, visible_people
from app.org.models import ORG_WIDE_ROLES, Person, Role

MAX_NOTE = 280


@dataclass(frozen=True)
class GrantResult:
    grant: BadgeGrant
    created: bool  # False when the person already held the badge


def _holding(person_id: int, badge_id: int, now: datetime) -> sa.Select:
    return sa.select(BadgeGrant).where(
        BadgeGrant.person_id == person_id, BadgeGrant.badge_id == badge_id,
        sa.or_(BadgeGrant.expires_at.is_(None), BadgeGrant.expires_at > now))


def active_grant(person_id: int, badge_id: int, now: datetime | None = None) -> BadgeGrant | None:
    return db.session.scalar(_holding(person_id, badge_id, now or utcnow()).order_by(
        BadgeGrant.generation.desc()).limit(1))


def grant(person: Person, badge: BadgeDefinition, *, granted_by: Person | None = None, note: str = "",
          now: datetime | None = None) -> GrantResult:
    """Give `badge` to `person` unless they hold it already. Pays the badge's points once, sends
    `badge_granted`. Flushes; the caller commits."""
    now = now or utcnow()
    latest = db.session.scalar(sa.select(BadgeGrant).where(
        BadgeGrant.person_id == person.id, BadgeGrant.badge_id == badge.id)
        .order_by(BadgeGrant.generation.desc()).limit(1))
    if latest is not None and (latest.expires_at is None or latest.expires_at > now):
        return GrantResult(latest, created=False)
    generation = latest.generation + 1 if latest is not None else 1
    expires_at = now + timedelta(days=badge.expires_after_days) if badge.expires_after_days else None
    statement = (dialect_insert(BadgeGrant).values(
        person_id=person.id, badge_id=badge.id, generation=generation,
        granted_by_id=granted_by.id if granted_by else None, note=note, created_at=now, expires_at=expires_at)
        .on_conflict_do_nothing(index_elements=["person_id", "badge_id", "generation"])
        .returning(BadgeGrant.id))
    grant_id = db.session.execute(statement).scalar()
    if grant_id is None:  # a concurrent grant of the same generation won
        return GrantResult(db.session.scalar(sa.select(BadgeGrant).where(
            BadgeGrant.person_id == person.id, BadgeGrant.badge_id == badge.id,
            BadgeGrant.generation == generation)), created=False)
    created = db.session.get(BadgeGrant, grant_id)
    transaction_memo("badges.held").get(person.id, set()).add(badge.id)
    if granted_by is not None:
        audit.record("badge.granted", actor_id=granted_by.id, target_type="person", target_id=person.id,
                     badge=badge.key, grant_id=grant_id, note=note)
    if badge.points:
        from app.points import ledger

        ledger.award(person, badge.points, source_type="badge", source_id=grant_id,
                     reason=badge.name, idempotency_key=f"badge:{grant_id}")
    badge_granted.send(None, event=BadgeGranted(person=person, badge=badge, grant=created))
    after_commit(partial(_announce, person.id, badge.key))
    return GrantResult(created, created=True)


def _announce(person_id: int, badge_key: str) -> None:
    from app.core.realtime import notify, person_room

    notify(person_room(person_id), "badge-granted", {"badge": badge_key})


# Automatic rules ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class BadgeRule:
    """What an automatic rule needs of a badge, kept by the process between requests."""
    id: int
    key: str
    active: bool
    criterion: str
    threshold: int | None
    mission_id: int | None
    event_type: str | None


def _load_rules() -> tuple[BadgeRule, ...]:
    rows = db.session.execute(sa.select(BadgeDefinition.id, BadgeDefinition.key, BadgeDefinition.active,
                                        BadgeDefinition.criterion, BadgeDefinition.threshold,
                                        BadgeDefinition.mission_id, BadgeDefinition.event_type)
                              .order_by(BadgeDefinition.position, BadgeDefinition.id))
    return tuple(BadgeRule(*row) for row in rows)


# Every award checks the lifetime rules: the badges are read once per process, and again only after a
# change to them (app/core/definitions.py).
RULES = Definitions("badges", _load_rules, tables=("badge_definitions",))

# The badges a person holds now: built once, run with parameters, kept for the rest of the transaction
# (the badge rules and the journey's stage check both ask on one award). `grant` adds to it.
_HELD = sa.select(BadgeGrant.badge_id).where(
    BadgeGrant.person_id == sa.bindparam("person_id"),
    sa.or_(BadgeGrant.expires_at.is_(None), BadgeGrant.expires_at > sa.bindparam("now")))


def held_badges_column(person_id: sa.ColumnElement, now: sa.ColumnElement) -> sa.ScalarSelect:
    """The badges the person holds at `now`, as one column ("3,7,12" or NULL), for a caller that reads the
    person anyway (the API's award): hand what it read to `remember_held_badges`, and the badge rules and
    the stage check need no query of their own."""
    return sa.select(sa.func.aggregate_strings(sa.cast(BadgeGrant.badge_id, sa.String), ",")).where(
        BadgeGrant.person_id == person_id,
        sa.or_(BadgeGrant.expires_at.is_(None), BadgeGrant.expires_at > now)).scalar_subquery()


def remember_held_badges(person_id: int, held: str | None) -> None:
    """What `held_badges_column` read, kept for the rest of the transaction (`grant` adds to it)."""
    transaction_memo("badges.held")[person_id] = {int(badge_id) for badge_id in held.split(",")} if held else set()


def held_badge_ids(person_id: int) -> set[int]:
    held = transaction_memo("badges.held")
    if person_id not in held:
        held[person_id] = set(db.session.scalars(_HELD, {"person_id": person_id, "now": utcnow()}))
    return held[person_id]


def held_badge_keys(person_id: int) -> set[str]:
    keys = {rule.id: rule.key for rule in RULES.get()}
    return {keys[badge_id] for badge_id in held_badge_ids(person_id) if badge_id in keys}


def _grant_all(person: Person, wanted: Callable[[BadgeRule], bool]) -> list[BadgeGrant]:
    """Grant every active badge whose rule `wanted` accepts and the person doesn't hold. No query at all
    when no rule applies (most awards); one, kept for the transaction, to see which of the others they hold."""
    due = [rule.id for rule in RULES.get() if rule.active and wanted(rule)]
    if not due:
        return []
    held = held_badge_ids(person.id)
    now = utcnow()
    granted = []
    for badge_id in due:
        if badge_id in held:
            continue
        result = grant(person, db.session.get(BadgeDefinition, badge_id), now=now)
        if result.created:
            granted.append(result.grant)
    return granted


def _reached(criterion: str, count: int) -> Callable[[BadgeRule], bool]:
    return lambda rule: rule.criterion == criterion and rule.threshold is not None and rule.threshold <= count


def check_lifetime_badges(person: Person, lifetime: int) -> list[BadgeGrant]:
    return _grant_all(person, _reached(Criterion.LIFETIME_POINTS, lifetime))


def check_streak_badges(person: Person, streak_days: int) -> list[BadgeGrant]:
    return _grant_all(person, _reached(Criterion.STREAK, streak_days))


def check_mission_badges(person: Person, mission_id: int, mission_badge_id: int | None = None) -> list[BadgeGrant]:
    """Badges whose criterion names this mission, plus the badge the mission itself promises."""
    return _grant_all(person, lambda rule: (rule.criterion == Criterion.MISSION and rule.mission_id == mission_id)
                      or (mission_badge_id is not None and rule.id == mission_badge_id))


def record_event(person: Person, event_type: str, source_key: str) -> list[BadgeGrant]:
    """Count one event ("kudos_received", "idea_adopted", "training_completed"…) for `person` and grant
    the badges its new count reaches. The same `source_key` counts once, however often it is sent."""
    event_type = event_type.strip()[:40]
    statement = (dialect_insert(BadgeEvent).values(person_id=person.id, event_type=event_type,
                                                   source_key=source_key[:200], created_at=utcnow())
                 .on_conflict_do_nothing(index_elements=["source_key"]).returning(BadgeEvent.id))
    if db.session.execute(statement).scalar() is None:
        return []
    if not any(rule.active and rule.criterion == Criterion.EVENT_COUNT and rule.event_type == event_type
               for rule in RULES.get()):
        return []  # no badge counts these: no need to count them now
    reached = _reached(Criterion.EVENT_COUNT, event_count(person.id, event_type))
    return _grant_all(person, lambda rule: rule.event_type == event_type and reached(rule))


def event_count(person_id: int, event_type: str) -> int:
    return db.session.scalar(sa.select(sa.func.count(BadgeEvent.id)).where(
        BadgeEvent.person_id == person_id, BadgeEvent.event_type == event_type))


# Manual grants -------------------------------------------------------------------------------------------

def granter_roles(granter: Person, person: Person, badge: BadgeDefinition,
                  now: datetime | None = None) -> set[str]:
    """In which capacities `granter` may give `badge` to `person` (empty: not at all). HR and admins may
    give every manual badge, whoever else may: a badge nobody else can hand out (or one a manager forgot)
    must still reach the person who earned it. Their scope is the whole company."""
    capacities = set()
    allowed = set(badge.granters or ())
    if granter.role in ORG_WIDE_ROLES:
        capacities.add(Granter.HR)
    if Granter.MANAGERS in allowed and granter.role in (Role.STORE_MANAGER, Role.DISTRICT_MANAGER) \
            and can_manage_person(granter, person):
        capacities.add(Granter.MANAGERS)
    if Granter.PEERS in allowed and granter.id != person.id \
            and active_grant(granter.id, badge.id, now) is not None \
            and db.session.scalar(visible_people(granter).where(Person.id == person.id)
                                  .with_only_columns(sa.func.count())) == 1:
        capacities.add(Granter.PEERS)
    return capacities


def _month_start(now: datetime) -> datetime:
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def grants_this_month(granter: Person, badge: BadgeDefinition, now: datetime | None = None) -> int:
    now = now or utcnow()
    return db.session.scalar(sa.select(sa.func.count(BadgeGrant.id)).where(
        BadgeGrant.granted_by_id == granter.id, BadgeGrant.badge_id == badge.id,
        BadgeGrant.created_at >= _month_start(now)))


def manual_grant(granter: Person, person: Person, badge: BadgeDefinition, note: str,
                 now: datetime | None = None) -> BadgeGrant:
    """A person gives a badge to a colleague: who may give it, the monthly limit and a reason are checked."""
    now = now or utcnow()
    if badge.criterion != Criterion.MANUAL or not badge.active:
        raise ServiceError(_("This badge is earned, not given."), field="badge_id")
    if granter.id == person.id:
        raise ServiceError(_("You can't give a badge to yourself."))
    if not person.active:
        raise ServiceError(_("%(name)s is deactivated.", name=person.full_name))
    if not granter_roles(granter, person, badge, now):
        raise ServiceError(_("You can't give the %(badge)s badge to %(name)s.", badge=badge.display_name,
                             name=person.first_name), field="badge_id")
    note = required_text(note, max_length=MAX_NOTE, field="note",
                         required_message=_("Say what they did: it's shown with the badge."),
                         too_long_message=_("Keep the note under %(n)d characters.", n=MAX_NOTE))
    if active_grant(person.id, badge.id, now) is not None:
        raise ServiceError(_("%(name)s already has the %(badge)s badge.", name=person.first_name,
                             badge=badge.display_name), field="badge_id")
    # Monthly limits keep everyday thanks rare; HR's grants are the audited exception, not bound by them.
    if badge.monthly_limit is not None and granter.role not in ORG_WIDE_ROLES \
            and grants_this_month(granter, badge, now) >= badge.monthly_limit:
        raise ServiceError(_("You have given all %(n)d %(badge)s badges you can this month.",
                             n=badge.monthly_limit, badge=badge.display_name), field="badge_id")
    result = grant(person, badge, granted_by=granter, note=note, now=now)
    if not result.created:  # a concurrent grant got there first
        raise ServiceError(_("%(name)s already has the %(badge)s badge.", name=person.first_name,
                             badge=badge.display_name), field="badge_id")
    return result.grant


def giveable_badges(granter: Person, person: Person) -> list[BadgeDefinition]:
    now = utcnow()
    manual = db.session.scalars(sa.select(BadgeDefinition).where(
        BadgeDefinition.criterion == Criterion.MANUAL, BadgeDefinition.active.is_(True))
        .order_by(BadgeDefinition.position, BadgeDefinition.id))
    if granter.id == person.id:
        return []
    return [badge for badge in manual if granter_roles(granter, person, badge, now)]
