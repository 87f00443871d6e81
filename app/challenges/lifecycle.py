"""The date-driven life of a challenge, run by the periodic job (`flask challenges tick`): start,
the "ends tomorrow" nudge, close and pay.

Every status change is one guarded `UPDATE challenges SET status = :new WHERE id = :id AND status = :old`:
only the caller whose update hit the row goes on to nudge or pay, so the periodic job may run twice,
or on two consumers at once, and a challenge still starts once and pays once. The prizes themselves carry
ledger idempotency keys (`challenge:{id}:winner:{person_id}`) as a second line of defence.

Plain arguments; flushes, except `tick`, which commits each challenge on its own."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

import sqlalchemy as sa
from flask_babel import gettext as _

from app.badges import services as badges
from app.challenges import standings as standings_module
from app.challenges.models import Challenge, ChallengeResult, Kind, Status
from app.core import audit
from app.core.aftercommit import after_commit
from app.core.models import utcnow
from app.core.signals import ChallengeClosed, ChallengeWinner, challenge_closed
from app.extensions import db
from app.org.models import Person, Store
from app.points import ledger

PRIZE_SOURCE = standings_module.PRIZE_SOURCE
ENDING_NOTICE = timedelta(hours=24)


def move(challenge_id: int, old: str, new: str, **values) -> bool:
    """The guarded transition: True only for the caller whose update changed the row."""
    moved = db.session.execute(
        sa.update(Challenge).where(Challenge.id == challenge_id, Challenge.status == old)
        .values(status=new, updated_at=utcnow(), **values),
        execution_options={"synchronize_session": False}).rowcount == 1
    if moved:
        from app.challenges.queries import forget_running_stores  # it imports authoring, which imports this

        forget_running_stores()  # a bulk UPDATE: the mapper's events don't see it
        challenge = db.session.get(Challenge, challenge_id)
        if challenge is not None:
            db.session.refresh(challenge)
    return moved


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
    if not move(challenge_id, Status.SCHEDULED, Status.RUNNING):
        return False
    from app.challenges import nudging

    nudging.started(challenge, audience_people(challenge))
    announce(challenge)
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
    if not move(challenge_id, Status.RUNNING, Status.CLOSED, closed_at=now):
        return False
    final = standings_module.compute(challenge, challenge.ends_at)
    winners = _write_results_and_pay(challenge, final)
    audit.record("challenge.closed", actor_id=None, target_type="challenge", target_id=challenge.id,
                 winners=[standing.entrant_id for standing in final if standing.winner],
                 kind=challenge.kind, reward_points=challenge.reward_points)
    challenge_closed.send(None, event=ChallengeClosed(challenge=challenge, winners=winners))
    from app.challenges import nudging

    nudging.results(challenge, final, audience_people(challenge))
    announce(challenge)
    return True


def _write_results_and_pay(challenge: Challenge, final: list) -> tuple[ChallengeWinner, ...]:
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
            winners.append(ChallengeWinner(id=store.id, name=store.name, store_id=store.id))
            people = list(db.session.scalars(sa.select(Person).where(
                Person.store_id == store.id, Person.active.is_(True)).order_by(Person.id)))
            for person in people:
                _pay(challenge, person, f"challenge:{challenge.id}:store:{store.id}:person:{person.id}")
        else:
            person = db.session.get(Person, standing.entrant_id)
            winners.append(ChallengeWinner(id=person.id, name=person.display_name, store_id=person.store_id))
            _pay(challenge, person, f"challenge:{challenge.id}:winner:{person.id}")
        result.paid = True
    db.session.flush()
    return tuple(winners)


def _pay(challenge: Challenge, person: Person, key: str) -> None:
    """The prize, as far as the ledger's rules allow: never to the challenge's author (a store challenge's
    winning store may hold them), at most the company's prize maximum, and a manager's prize within the
    winner's daily cap. The badge follows the same first rule: the author wins nothing of their own."""
    if not person.active or person.id == challenge.created_by_id:
        return
    if challenge.reward_points:
        ledger.pay_authored(person, challenge.reward_points, author=challenge.created_by,
                            source_type=PRIZE_SOURCE, source_id=challenge.id,
                            reason=_("Won the challenge “%(title)s”", title=challenge.title)[:280],
                            idempotency_key=key)
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


def announce(challenge: Challenge) -> None:
    """Tell open pages of its stores that the challenge changed (a hint; HTML comes over HTTP)."""
    store_ids = standings_module.store_ids(challenge)
    after_commit(partial(_notify_stores, challenge.id, store_ids))


def _notify_stores(challenge_id: int, store_ids: list[int]) -> None:
    from app.core.realtime import notify, store_room

    for store_id in store_ids:
        notify(store_room(store_id), "challenge-changed", {"challenge": challenge_id})
