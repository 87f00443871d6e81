"""Writing challenges: drafts, publishing, cancelling, and the date-driven start and close.

Every status change is one guarded `UPDATE challenges SET status = :new WHERE id = :id AND status = :old`:
only the caller whose update hit the row goes on to nudge or pay, so the periodic job may run twice,
or on two consumers at once, and a challenge still starts once and pays once. The prizes themselves carry
ledger idempotency keys (`challenge:{id}:winner:{person_id}`) as a second line of defence.

Plain arguments; flushes, the caller commits."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from app.badges import services as badges
from app.badges.models import BadgeDefinition, Criterion, Granter
from app.challenges import standings as standings_module
from app.challenges.models import (
    Audience,
    Challenge,
    ChallengeResult,
    Format,
    Kind,
    Metric,
    Status,
)
from app.core import audit, authz
from app.core.aftercommit import after_commit
from app.core.errors import ServiceError
from app.core.models import utcnow
from app.core.signals import challenge_closed
from app.extensions import db
from app.kpis.models import KpiDefinition
from app.org.models import ORG_WIDE_ROLES, Person, Role, Store
from app.points import ledger

PRIZE_SOURCE = standings_module.PRIZE_SOURCE
MAX_REWARD_POINTS = 1000
MAX_WINNERS = 50
ENDING_NOTICE = timedelta(hours=24)
AUTHORS = (Role.STORE_MANAGER, Role.DISTRICT_MANAGER, Role.HR, Role.ADMIN)


class DraftError(ServiceError):
    """Several problems with a challenge form at once: {field name: [messages]}."""

    def __init__(self, problems: dict[str, list[str]]):
        first = next(iter(problems.values()))[0]
        super().__init__(first, field=next(iter(problems)))
        self.problems = problems


@dataclass
class ChallengeDraft:
    title: str = ""
    description: str = ""
    kind: str = Kind.INDIVIDUAL
    metric: str = Metric.POINTS
    kpi_id: int | None = None
    format: str = Format.RANKING
    target: float | None = None
    winners_count: int | None = None
    reward_points: int | None = 0
    reward_badge_id: int | None = None
    audience: str = Audience.STORE
    store_id: int | None = None
    district_id: int | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    problems: dict[str, list[str]] = field(default_factory=dict)

    def refuse(self, name: str, message: str) -> None:
        self.problems.setdefault(name, []).append(message)


# Time ------------------------------------------------------------------------------------------------

def zone_named(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or current_app.config["DEFAULT_STORE_TIMEZONE"])
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def utc_bounds(starts_on: date, ends_on: date, timezone: str) -> tuple[datetime, datetime]:
    """00:00 on the first day and 23:59:59 on the last, in the stores' zone, as naive UTC."""
    zone = zone_named(timezone)
    start = datetime.combine(starts_on, time(0, 0), zone).astimezone(UTC).replace(tzinfo=None)
    end = datetime.combine(ends_on, time(23, 59, 59), zone).astimezone(UTC).replace(tzinfo=None)
    return start, end


def local_today(timezone: str) -> date:
    return datetime.now(zone_named(timezone)).date()


# Who may do what --------------------------------------------------------------------------------------

def can_manage(user: Person, challenge: Challenge) -> bool:
    """Authors manage a challenge whose every store lies in their scope (HR and admins: all)."""
    if user.role not in AUTHORS:
        return False
    scope = authz.store_ids_in_scope(user)
    if scope is None:
        return True
    stores = set(standings_module.store_ids(challenge))
    return bool(stores) and stores <= scope and (user.role != Role.STORE_MANAGER
                                                 or challenge.kind == Kind.INDIVIDUAL)


def badge_choices(user: Person) -> list[BadgeDefinition]:
    """Badges a challenge by `user` may hand out: the ones they could give by hand."""
    granter = Granter.HR if user.role in ORG_WIDE_ROLES else Granter.MANAGERS
    badges_ = db.session.scalars(sa.select(BadgeDefinition).where(
        BadgeDefinition.criterion == Criterion.MANUAL, BadgeDefinition.active.is_(True))
        .order_by(BadgeDefinition.position, BadgeDefinition.id))
    return [badge for badge in badges_ if granter in (badge.granters or ())]


def _resolve_stores(user: Person, draft: ChallengeDraft) -> list[Store]:
    scope = authz.store_ids_in_scope(user)
    if draft.audience == Audience.STORE:
        if draft.store_id is None:
            draft.refuse("store_id", _("Choose the store that takes part."))
            return []
        store = db.session.get(Store, draft.store_id)
        if store is None or not authz.can_manage_store(user, store.id):
            draft.refuse("store_id", _("You can only create challenges for the stores you manage."))
            return []
        return [store]
    if draft.audience == Audience.DISTRICT:
        if user.role == Role.STORE_MANAGER:
            draft.refuse("audience", _("Store managers run challenges inside their own store."))
            return []
        district_id = draft.district_id if user.role in ORG_WIDE_ROLES else user.district_id
        if district_id is None:
            draft.refuse("district_id", _("Choose the district whose stores take part."))
            return []
        stores = list(db.session.scalars(sa.select(Store).where(Store.district_id == district_id)
                                         .order_by(Store.name)))
        if scope is not None and any(store.id not in scope for store in stores):
            draft.refuse("district_id", _("You can only create challenges for the stores you manage."))
            return []
        draft.district_id = district_id
        return stores
    if draft.audience == Audience.ALL:
        if user.role not in ORG_WIDE_ROLES:
            draft.refuse("audience", _("Only HR can run a challenge across every store."))
            return []
        return list(db.session.scalars(sa.select(Store).order_by(Store.name)))
    draft.refuse("audience", _("Choose which stores take part."))
    return []


def _check(user: Person, draft: ChallengeDraft) -> list[Store]:
    draft.title = " ".join((draft.title or "").split())
    draft.description = (draft.description or "").strip()
    if not draft.title:
        draft.refuse("title", _("Give the challenge a name."))
    elif len(draft.title) > 120:
        draft.refuse("title", _("Keep the name under 120 characters."))
    if len(draft.description) > 1000:
        draft.refuse("description", _("Keep the description under 1,000 characters."))
    if draft.kind not in tuple(Kind):
        draft.refuse("kind", _("Choose who competes."))
    elif draft.kind == Kind.STORES and user.role == Role.STORE_MANAGER:
        draft.refuse("kind", _("Store managers run challenges between the people of their store."))
    if draft.metric not in tuple(Metric):
        draft.refuse("metric", _("Choose what counts."))
    if draft.format not in tuple(Format):
        draft.refuse("format", _("Choose how the challenge is won."))
    if draft.metric == Metric.KPI:
        kpi = db.session.get(KpiDefinition, draft.kpi_id) if draft.kpi_id else None
        if kpi is None or not kpi.active:
            draft.refuse("kpi_id", _("Choose the KPI that counts."))
        if draft.kind != Kind.STORES:
            draft.refuse("kind", _("A KPI challenge is between stores: KPIs are measured per store."))
        if draft.format == Format.RACE:
            draft.refuse("format", _("A KPI challenge is a ranking: KPIs are daily figures, not a running total."))
    else:
        draft.kpi_id = None
    if draft.format == Format.RACE:
        if draft.target is None or draft.target <= 0:
            draft.refuse("target", _("A race needs a target above zero."))
    else:
        draft.target = None
    if draft.winners_count is None:
        draft.winners_count = 1 if draft.format == Format.RACE else 3
    if not 1 <= draft.winners_count <= MAX_WINNERS:
        draft.refuse("winners_count", _("Between 1 and %(n)d winners.", n=MAX_WINNERS))
    draft.reward_points = draft.reward_points or 0
    if not 0 <= draft.reward_points <= MAX_REWARD_POINTS:
        draft.refuse("reward_points", _("A prize is between 0 and %(n)d points.", n=MAX_REWARD_POINTS))
    if draft.reward_badge_id is not None and draft.reward_badge_id not in {b.id for b in badge_choices(user)}:
        draft.refuse("reward_badge_id", _("Choose one of the badges offered."))
    stores = _resolve_stores(user, draft)
    if draft.kind == Kind.STORES and draft.audience == Audience.STORE:
        draft.refuse("audience", _("A store-against-store challenge needs at least two stores."))
    elif draft.kind == Kind.STORES and stores and len(stores) < 2:
        draft.refuse("audience", _("A store-against-store challenge needs at least two stores."))
    timezone = stores[0].timezone if stores else current_app.config["DEFAULT_STORE_TIMEZONE"]
    if draft.starts_on is None:
        draft.refuse("starts_on", _("Choose the first day."))
    if draft.ends_on is None:
        draft.refuse("ends_on", _("Choose the last day."))
    if draft.starts_on and draft.ends_on:
        if draft.ends_on < draft.starts_on:
            draft.refuse("ends_on", _("The last day can't be before the first day."))
        elif (draft.ends_on - draft.starts_on).days > 366:
            draft.refuse("ends_on", _("A challenge lasts a year at most."))
        if draft.starts_on < local_today(timezone):
            draft.refuse("starts_on", _("The first day can't be in the past."))
    if draft.problems:
        raise DraftError(draft.problems)
    return stores


def _apply(challenge: Challenge, draft: ChallengeDraft, stores: list[Store]) -> None:
    challenge.title, challenge.description = draft.title, draft.description
    challenge.kind, challenge.metric, challenge.kpi_id = draft.kind, draft.metric, draft.kpi_id
    challenge.format, challenge.target, challenge.winners_count = draft.format, draft.target, draft.winners_count
    challenge.reward_points, challenge.reward_badge_id = draft.reward_points, draft.reward_badge_id
    challenge.audience = draft.audience
    challenge.district_id = draft.district_id if draft.audience == Audience.DISTRICT else None
    challenge.starts_on, challenge.ends_on = draft.starts_on, draft.ends_on
    challenge.timezone = stores[0].timezone or current_app.config["DEFAULT_STORE_TIMEZONE"]
    challenge.starts_at, challenge.ends_at = utc_bounds(draft.starts_on, draft.ends_on, challenge.timezone)
    challenge.stores = stores


def create_challenge(user: Person, draft: ChallengeDraft) -> Challenge:
    """A new draft: nobody but its authors sees it until it is published."""
    if user.role not in AUTHORS:
        raise ServiceError(_("Only managers and HR create challenges."))
    stores = _check(user, draft)
    challenge = Challenge(status=Status.DRAFT, created_by_id=user.id)
    _apply(challenge, draft, stores)
    db.session.add(challenge)
    db.session.flush()
    audit.record("challenge.created", actor_id=user.id, target_type="challenge", target_id=challenge.id,
                 title=challenge.title)
    return challenge


def update_challenge(user: Person, challenge: Challenge, draft: ChallengeDraft) -> Challenge:
    if not can_manage(user, challenge):
        raise ServiceError(_("You can't change this challenge."))
    if not challenge.is_editable:
        raise ServiceError(_("A challenge can only be changed before it starts."))
    stores = _check(user, draft)
    _apply(challenge, draft, stores)
    db.session.flush()
    audit.record("challenge.updated", actor_id=user.id, target_type="challenge", target_id=challenge.id)
    return challenge


def _move(challenge_id: int, old: str, new: str, **values) -> bool:
    """The guarded transition: True only for the caller whose update changed the row."""
    moved = db.session.execute(
        sa.update(Challenge).where(Challenge.id == challenge_id, Challenge.status == old)
        .values(status=new, updated_at=utcnow(), **values),
        execution_options={"synchronize_session": False}).rowcount == 1
    if moved:
        challenge = db.session.get(Challenge, challenge_id)
        if challenge is not None:
            db.session.refresh(challenge)
    return moved


def publish(user: Person, challenge: Challenge, now: datetime | None = None) -> Challenge:
    """Draft → scheduled; a challenge whose first day is today starts at once."""
    now = now or utcnow()
    if not can_manage(user, challenge):
        raise ServiceError(_("You can't change this challenge."))
    if challenge.status != Status.DRAFT:
        raise ServiceError(_("This challenge is already published."))
    if challenge.ends_at <= now:
        raise ServiceError(_("This challenge's last day has passed: change its dates first."))
    if not _move(challenge.id, Status.DRAFT, Status.SCHEDULED, published_at=now):
        raise ServiceError(_("This challenge is already published."))
    audit.record("challenge.published", actor_id=user.id, target_type="challenge", target_id=challenge.id)
    if challenge.starts_at <= now:
        start_challenge(challenge.id, now)
    _announce(challenge)
    return challenge


def cancel(user: Person, challenge: Challenge) -> Challenge:
    """Withdraw a draft or an upcoming challenge. A running one plays out; a finished one is final."""
    if not can_manage(user, challenge):
        raise ServiceError(_("You can't change this challenge."))
    if challenge.status not in (Status.DRAFT, Status.SCHEDULED) or not _move(
            challenge.id, challenge.status, Status.CANCELLED):
        raise ServiceError(_("Only a draft or an upcoming challenge can be cancelled."))
    audit.record("challenge.cancelled", actor_id=user.id, target_type="challenge", target_id=challenge.id)
    _announce(challenge)
    return challenge


# Date-driven transitions -------------------------------------------------------------------------------

def audience_people(challenge: Challenge) -> list[int]:
    """Who hears about a challenge: its competitors, or everyone competing for a store."""
    if challenge.kind == Kind.INDIVIDUAL:
        return [person_id for person_id, _name, _store in standings_module.participants(challenge)]
    stores = standings_module.store_ids(challenge)
    return list(db.session.scalars(sa.select(Person.id).where(
        Person.store_id.in_(stores), Person.active.is_(True),
        Person.role.in_(standings_module.COMPETING_ROLES))))


def start_challenge(challenge_id: int, now: datetime | None = None) -> bool:
    """Scheduled → running once its first day has come; nudges everyone taking part."""
    now = now or utcnow()
    challenge = db.session.get(Challenge, challenge_id)
    if challenge is None or challenge.starts_at > now:
        return False
    if not _move(challenge_id, Status.SCHEDULED, Status.RUNNING):
        return False
    from app.challenges import nudging

    nudging.started(challenge, audience_people(challenge))
    _announce(challenge)
    return True


def nudge_ending(challenge_id: int, now: datetime | None = None) -> bool:
    """Once, a day before the end: "ends tomorrow — you're 3rd"."""
    now = now or utcnow()
    moved = db.session.execute(
        sa.update(Challenge).where(Challenge.id == challenge_id, Challenge.status == Status.RUNNING,
                                   Challenge.ending_nudged_at.is_(None), Challenge.ends_at <= now + ENDING_NOTICE,
                                   Challenge.ends_at > now)
        .values(ending_nudged_at=now), execution_options={"synchronize_session": False}).rowcount == 1
    if not moved:
        return False
    from app.challenges import nudging

    challenge = db.session.get(Challenge, challenge_id)
    nudging.ending(challenge, standings_module.compute(challenge, now), audience_people(challenge))
    return True


def close_challenge(challenge_id: int, now: datetime | None = None) -> bool:
    """Running → closed: final standings written, winners paid, everyone told. False (and nothing done)
    when another run closed it first, or it isn't running."""
    now = now or utcnow()
    challenge = db.session.get(Challenge, challenge_id)
    if challenge is None:
        return False
    if not _move(challenge_id, Status.RUNNING, Status.CLOSED, closed_at=now):
        return False
    final = standings_module.compute(challenge, challenge.ends_at)
    winners = _write_results_and_pay(challenge, final)
    audit.record("challenge.closed", actor_id=None, target_type="challenge", target_id=challenge.id,
                 winners=[standing.entrant_id for standing in final if standing.winner],
                 kind=challenge.kind, reward_points=challenge.reward_points)
    challenge_closed.send(None, challenge=challenge, winners=winners)
    from app.challenges import nudging

    nudging.results(challenge, final, audience_people(challenge))
    _announce(challenge)
    return True


def _write_results_and_pay(challenge: Challenge, final: list) -> list:
    winners = []
    for standing in final:
        result = ChallengeResult(challenge_id=challenge.id, rank=standing.rank, score=standing.score or 0.0,
                                 reached_at=standing.reached_at, winner=standing.winner)
        if challenge.for_stores:
            result.store_id = standing.entrant_id
        else:
            result.person_id = standing.entrant_id
        db.session.add(result)
        if not standing.winner:
            continue
        if challenge.for_stores:
            store = db.session.get(Store, standing.entrant_id)
            winners.append(store)
            people = list(db.session.scalars(sa.select(Person).where(
                Person.store_id == store.id, Person.active.is_(True)).order_by(Person.id)))
            for person in people:
                _pay(challenge, person, f"challenge:{challenge.id}:store:{store.id}:person:{person.id}")
        else:
            person = db.session.get(Person, standing.entrant_id)
            winners.append(person)
            _pay(challenge, person, f"challenge:{challenge.id}:winner:{person.id}")
        result.paid = True
    db.session.flush()
    return winners


def _pay(challenge: Challenge, person: Person, key: str) -> None:
    if not person.active:
        return
    if challenge.reward_points:
        ledger.award(person, challenge.reward_points, source_type=PRIZE_SOURCE, source_id=challenge.id,
                     reason=_("Won the challenge “%(title)s”", title=challenge.title)[:280], idempotency_key=key)
    if challenge.reward_badge is not None:
        badges.grant(person, challenge.reward_badge, note=challenge.title[:280])


@dataclass
class TickResult:
    started: list[int] = field(default_factory=list)
    ending: list[int] = field(default_factory=list)
    closed: list[int] = field(default_factory=list)


def due(now: datetime) -> tuple[list[int], list[int], list[int]]:
    """(to start, to warn, to close) as of `now`."""
    to_start = list(db.session.scalars(sa.select(Challenge.id).where(
        Challenge.status == Status.SCHEDULED, Challenge.starts_at <= now).order_by(Challenge.id)))
    to_warn = list(db.session.scalars(sa.select(Challenge.id).where(
        Challenge.status == Status.RUNNING, Challenge.ending_nudged_at.is_(None),
        Challenge.ends_at <= now + ENDING_NOTICE, Challenge.ends_at > now).order_by(Challenge.id)))
    to_close = list(db.session.scalars(sa.select(Challenge.id).where(
        Challenge.status.in_((Status.SCHEDULED, Status.RUNNING)), Challenge.ends_at <= now)
        .order_by(Challenge.id)))
    return to_start, to_warn, to_close


def tick(now: datetime | None = None) -> TickResult:
    """Start, warn and close what the dates say, each challenge in its own transaction (this commits:
    it is the job's and the CLI's body). Safe to run twice, even at the same time."""
    now = now or utcnow()
    result = TickResult()
    to_start, to_warn, to_close = due(now)
    db.session.commit()  # the reads above must not hold a snapshot across the writes below
    for challenge_id in to_start:
        if start_challenge(challenge_id, now):
            result.started.append(challenge_id)
        db.session.commit()
    for challenge_id in to_warn:
        if nudge_ending(challenge_id, now):
            result.ending.append(challenge_id)
        db.session.commit()
    for challenge_id in to_close:
        # A challenge whose whole window passed while the queue was down starts and closes in one tick.
        start_challenge(challenge_id, now)
        if close_challenge(challenge_id, now):
            result.closed.append(challenge_id)
        db.session.commit()
    return result


def _announce(challenge: Challenge) -> None:
    """Tell open pages of its stores that the challenge changed (a hint; HTML comes over HTTP)."""
    store_ids = standings_module.store_ids(challenge)
    after_commit(partial(_notify_stores, challenge.id, store_ids))


def _notify_stores(challenge_id: int, store_ids: list[int]) -> None:
    from app.core.realtime import notify, store_room

    for store_id in store_ids:
        notify(store_room(store_id), "challenge-changed", {"challenge": challenge_id})

