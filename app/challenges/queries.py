"""Read models for challenges: what a person may see, the lists, a challenge's board, and the small public
summaries other features show (the staff home, the TV screen).

Scoping goes through app.org.authz: a person sees the challenges of the stores `authz.visible_stores`
gives them; drafts and cancelled ones only when they could manage them."""

from dataclasses import dataclass
from datetime import datetime
from functools import partial

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.challenges import standings as standings_module
from app.challenges.authoring import AUTHORS, can_manage
from app.challenges.models import Audience, Challenge, ChallengeResult, Kind, Status, challenge_stores
from app.core.database import plain_rows, prepared
from app.core.models import utcnow
from app.core.shortcache import ShortCache
from app.extensions import db
from app.leaderboards.queries import shown_on_wide_board
from app.org import authz
from app.org.models import Person, Store

LIST_SIZE = 50


def _stores_in_view(user: Person) -> sa.Select:
    return authz.visible_stores(user).with_only_columns(Store.id)


def visible_challenges(user: Person) -> sa.Select:
    """Challenges involving a store `user` can see; unpublished ones only for those who may manage them."""
    involved = sa.select(challenge_stores.c.challenge_id).where(
        challenge_stores.c.store_id.in_(_stores_in_view(user)))
    query = sa.select(Challenge).where(Challenge.id.in_(involved))
    hidden = (Status.DRAFT, Status.CANCELLED)
    if user.role not in AUTHORS:
        return query.where(Challenge.status.not_in(hidden))
    scope = authz.store_ids_in_scope(user)
    if scope is None:
        return sa.select(Challenge)
    outside = sa.exists().where(challenge_stores.c.challenge_id == Challenge.id,
                                challenge_stores.c.store_id.not_in(scope))
    return query.where(sa.or_(Challenge.status.not_in(hidden), ~outside))


def visible_or_none(user: Person, challenge_id: int) -> Challenge | None:
    return db.session.scalar(visible_challenges(user).where(Challenge.id == challenge_id)
                             .options(selectinload(Challenge.stores)))


def manageable_or_none(user: Person, challenge_id: int) -> Challenge | None:
    challenge = visible_or_none(user, challenge_id)
    return challenge if challenge is not None and can_manage(user, challenge) else None


SECTIONS = ("running", "upcoming", "past", "drafts")


def listing(user: Person, section: str) -> list[Challenge]:
    query = visible_challenges(user).options(selectinload(Challenge.stores), selectinload(Challenge.kpi))
    if section == "upcoming":
        query = query.where(Challenge.status == Status.SCHEDULED).order_by(Challenge.starts_at, Challenge.id)
    elif section == "past":
        query = query.where(Challenge.status.in_((Status.CLOSED, Status.CANCELLED))).order_by(
            Challenge.ends_at.desc(), Challenge.id.desc())
    elif section == "drafts":
        query = query.where(Challenge.status == Status.DRAFT).order_by(Challenge.updated_at.desc())
    else:
        query = query.where(Challenge.status == Status.RUNNING).order_by(Challenge.ends_at, Challenge.id)
    return list(db.session.scalars(query.limit(LIST_SIZE)))


def section_counts(user: Person) -> dict[str, int]:
    statuses = {"running": (Status.RUNNING,), "upcoming": (Status.SCHEDULED,),
                "past": (Status.CLOSED, Status.CANCELLED), "drafts": (Status.DRAFT,)}
    subquery = visible_challenges(user).subquery()
    counts = dict(db.session.execute(sa.select(subquery.c.status, sa.func.count()).group_by(subquery.c.status)).all())
    return {section: sum(counts.get(status, 0) for status in wanted) for section, wanted in statuses.items()}


@dataclass
class Board:
    """A challenge's standings as a person sees them, with their own line and the gap to the one ahead."""

    challenge: Challenge
    lines: list  # standings_module.Standing or ChallengeResult-backed lines
    mine: standings_module.Standing | None
    ahead: standings_module.Standing | None
    final: bool
    total: int = 0  # everyone competing, hidden people included ("place 3 of 12")

    @property
    def gap(self) -> float | None:
        if self.mine is None or self.ahead is None or self.mine.score is None or self.ahead.score is None:
            return None
        return round(abs(self.ahead.score - self.mine.score), 2)


def _final_lines(challenge: Challenge) -> list[standings_module.Standing]:
    rows = db.session.scalars(sa.select(ChallengeResult).where(ChallengeResult.challenge_id == challenge.id)
                              .options(selectinload(ChallengeResult.person), selectinload(ChallengeResult.store))
                              .order_by(ChallengeResult.rank, ChallengeResult.id))
    lines = []
    for row in rows:
        if row.store is not None:
            entrant, name = row.store_id, row.store.name
        elif row.person is not None:
            entrant, name = row.person_id, row.person.display_name
        else:
            continue
        lines.append(standings_module.Standing(row.rank, entrant, name, row.score, row.reached_at, row.winner))
    return lines


def shown_lines(challenge: Challenge, lines: list, viewer_id: int | None) -> list:
    """The lines `viewer_id` may see (None: a TV, nobody's own line). A challenge across stores is a wide
    board: people who hide from district and company boards are left out for everyone but themselves,
    by the leaderboards' own rule. Ranks stay as computed (a hidden winner still wins), so a place may
    seem skipped; no name, score or gap points to the person."""
    if challenge.for_stores or challenge.audience == Audience.STORE or not lines:
        return lines
    entrants = [line.entrant_id for line in lines]
    shown = set(db.session.scalars(sa.select(Person.id).where(
        Person.id.in_(entrants), shown_on_wide_board(Person.id, viewer_id))))
    return [line for line in lines if line.entrant_id in shown]


def board(user: Person, challenge: Challenge, now: datetime | None = None) -> Board:
    if challenge.status == Status.CLOSED:
        lines, final = _final_lines(challenge), True
    elif challenge.status == Status.RUNNING:
        lines, final = standings_module.compute(challenge, now or utcnow()), False
    else:
        lines, final = [], False
    total = len(lines)
    lines = shown_lines(challenge, lines, user.id)
    entrant = user.store_id if challenge.kind == Kind.STORES else user.id
    mine, ahead = standings_module.position_of(lines, entrant) if entrant is not None else (None, None)
    return Board(challenge, lines, mine, ahead, final, total)


# Public summaries for other features ------------------------------------------------------------------------

@dataclass(frozen=True)
class Leader:
    rank: int
    name: str  # a display name ("Giulia R.") or a store's name: nothing more personal
    score: float


@dataclass(frozen=True)
class ChallengeSummary:
    id: int
    title: str
    ends_at: datetime  # naive UTC
    metric_label: str
    kind: str
    is_race: bool
    target: float | None
    top: tuple[Leader, ...]  # the top 3
    my_rank: int | None = None
    my_score: float | None = None
    gap: float | None = None  # to the one just ahead


def _running_in_store() -> sa.Select:
    """The running challenges a store (`store_id`) takes part in, soonest ending first: built once, as every
    associate's home asks."""
    involved = sa.select(challenge_stores.c.challenge_id).where(challenge_stores.c.store_id == sa.bindparam("store_id"))
    return (sa.select(Challenge).where(Challenge.id.in_(involved), Challenge.status == Status.RUNNING)
            .options(selectinload(Challenge.kpi)).order_by(Challenge.ends_at, Challenge.id))


# Most stores run no challenge most of the time, and every associate's home asks: whether a store has a
# running one is kept a few seconds per process (app/core/shortcache.py). Any challenge written in this
# process (created, started, closed, its stores changed) forgets them all (listeners.py); one the job
# starts in another process shows within SHORT_CACHE_SECONDS. Only "none" is trusted: when a store has
# one, its challenges are read as they are.
_STORE_HAS_RUNNING = ShortCache("challenges.store_has_running")


def _has_running() -> sa.Select:
    return sa.select(sa.exists().where(
        challenge_stores.c.store_id == sa.bindparam("store_id"), challenge_stores.c.challenge_id == Challenge.id,
        Challenge.status == Status.RUNNING))


def _store_has_running(store_id: int) -> bool:
    return bool(plain_rows(prepared("challenges.store_has_running", _has_running), {"store_id": store_id}).scalar())


def forget_running_stores() -> None:
    """A challenge changed in this transaction: every store's "none running" is read again after it."""
    _STORE_HAS_RUNNING.clear_after_commit()


def _summaries(store_id: int, entrant_for=None, viewer_id: int | None = None) -> list[ChallengeSummary]:
    if not _STORE_HAS_RUNNING.get(store_id, partial(_store_has_running, store_id)):
        return []
    challenges = db.session.scalars(prepared("challenges.running_in_store", _running_in_store),
                                    {"store_id": store_id})
    now = utcnow()
    found = []
    for challenge in challenges:
        lines = shown_lines(challenge, standings_module.compute(challenge, now), viewer_id)
        top = tuple(Leader(line.rank, line.name, line.score) for line in lines[:3])
        mine = ahead = None
        if entrant_for is not None:
            mine, ahead = standings_module.position_of(lines, entrant_for(challenge))
        gap = round(ahead.score - mine.score, 2) if mine and ahead and mine.score is not None \
            and ahead.score is not None else None
        found.append(ChallengeSummary(challenge.id, challenge.title, challenge.ends_at, challenge.metric_label,
                                      challenge.kind, challenge.is_race, challenge.target, top,
                                      mine.rank if mine else None, mine.score if mine else None,
                                      abs(gap) if gap is not None else None))
    return found


def running_for_store(store_id: int) -> list[ChallengeSummary]:
    """Running challenges a store takes part in, with their top 3 (the TV screen: display names only)."""
    return _summaries(store_id)


def running_for_person(person: Person) -> list[ChallengeSummary]:
    """Running challenges `person` competes in (or competes for, through their store), with their rank and
    the gap to the one ahead: the staff home and board card (templates/challenges/_running_card.html)."""
    if person.store_id is None:
        return []
    return _summaries(person.store_id,
                      lambda challenge: person.store_id if challenge.kind == Kind.STORES else person.id,
                      viewer_id=person.id)
