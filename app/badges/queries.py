"""Read models for badges: what a person holds, the badge wall with progress, the latest earned."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.badges.models import BadgeDefinition, BadgeEvent, BadgeGrant, Criterion
from app.core.database import prepared
from app.core.models import utcnow
from app.extensions import db
from app.org.models import Person


def _live(now: datetime):
    return sa.or_(BadgeGrant.expires_at.is_(None), BadgeGrant.expires_at > now)


def badge_names(keys: list[str]) -> dict[str, BadgeDefinition]:
    if not keys:
        return {}
    return {badge.key: badge for badge in db.session.scalars(
        sa.select(BadgeDefinition).where(BadgeDefinition.key.in_(keys)))}


def latest_badges(person_id: int, limit: int = 4) -> list[BadgeGrant]:
    return list(db.session.scalars(
        sa.select(BadgeGrant).options(joinedload(BadgeGrant.badge))
        .where(BadgeGrant.person_id == person_id, _live(utcnow()))
        .order_by(BadgeGrant.created_at.desc(), BadgeGrant.id.desc()).limit(limit)))


def badge_count(person_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count(BadgeGrant.id)).where(
        BadgeGrant.person_id == person_id, _live(utcnow())))


@dataclass(frozen=True)
class Held:
    """A live grant, as a badge strip shows it."""

    badge: BadgeDefinition
    granted_at: datetime


@dataclass(frozen=True)
class HeldBadges:
    grants: list[Held]  # live grants, newest first
    named: dict[str, BadgeDefinition]  # by key: every held badge, and every badge asked for by name

    @property
    def keys(self) -> set[str]:
        return {held.badge.key for held in self.grants}


def _held() -> sa.Select:
    grant = sa.and_(BadgeGrant.badge_id == BadgeDefinition.id, BadgeGrant.person_id == sa.bindparam("person_id"),
                    _live(sa.bindparam("now")))
    return (sa.select(BadgeDefinition, BadgeGrant.id, BadgeGrant.created_at).outerjoin(BadgeGrant, grant)
            .where(sa.or_(BadgeGrant.id.is_not(None), BadgeDefinition.key.in_(sa.bindparam("named", expanding=True))))
            .order_by(BadgeGrant.created_at.desc(), BadgeGrant.id.desc()))


def held_badges(person_id: int, also_named: Iterable[str] = ()) -> HeldBadges:
    """The person's live grants with their badges, and the badges `also_named` (a stage's requirements,
    held or not): one statement for what `latest_badges`, `badge_count`, `held_badge_keys` and
    `badge_names` read apart."""
    rows = db.session.execute(prepared("badges.held", _held), {
        "person_id": person_id, "now": utcnow(), "named": list(also_named)}).all()
    return HeldBadges([Held(badge, granted_at) for badge, grant_id, granted_at in rows if grant_id is not None],
                      {badge.key: badge for badge, _grant_id, _granted_at in rows})


def unseen_grants(person_id: int) -> list[BadgeGrant]:
    return list(db.session.scalars(
        sa.select(BadgeGrant).options(joinedload(BadgeGrant.badge))
        .where(BadgeGrant.person_id == person_id, BadgeGrant.seen_at.is_(None), _live(utcnow()))
        .order_by(BadgeGrant.id)))


@dataclass(frozen=True)
class WallItem:
    badge: BadgeDefinition
    grant: BadgeGrant | None  # the live grant, when earned
    expired: BadgeGrant | None  # the last grant, when it has expired
    value: int | None = None  # progress so far, where it can be computed
    target: int | None = None

    @property
    def status(self) -> str:
        if self.grant is not None:
            return "earned"
        if self.value:
            return "progress"
        return "locked"

    @property
    def percent(self) -> int:
        if not self.target or self.value is None:
            return 0
        return max(0, min(100, round(100 * self.value / self.target)))


def badge_wall(person: Person) -> list[WallItem]:
    """Every active badge for `person`: earned first, then in progress (closest first), then locked.
    A fixed number of queries, whatever the number of badges or grants."""
    from app.points.ledger import balances
    from app.streaks.queries import streak_status

    now = utcnow()
    badges = list(db.session.scalars(sa.select(BadgeDefinition).where(BadgeDefinition.active.is_(True))
                                     .order_by(BadgeDefinition.position, BadgeDefinition.id)))
    grants: dict[int, BadgeGrant] = {}
    for grant in db.session.scalars(sa.select(BadgeGrant).where(BadgeGrant.person_id == person.id)
                                    .order_by(BadgeGrant.generation)):
        grants[grant.badge_id] = grant  # the latest generation wins
    counts = dict(db.session.execute(sa.select(BadgeEvent.event_type, sa.func.count(BadgeEvent.id))
                                     .where(BadgeEvent.person_id == person.id)
                                     .group_by(BadgeEvent.event_type)).all())
    lifetime = balances(person.id)[0]
    streak = streak_status(person)
    items = []
    for badge in badges:
        latest = grants.get(badge.id)
        is_live = latest is not None and (latest.expires_at is None or latest.expires_at > now)
        live = latest if is_live else None
        expired = latest if latest is not None and live is None else None
        value = {Criterion.LIFETIME_POINTS: lifetime, Criterion.STREAK: max(streak.current, streak.best),
                 Criterion.EVENT_COUNT: counts.get(badge.event_type, 0)}.get(badge.criterion)
        target = badge.threshold if value is not None else None
        items.append(WallItem(badge, live, expired, value if live is None else None, target))
    order = {"earned": 0, "progress": 1, "locked": 2}
    return sorted(items, key=lambda item: (order[item.status],
                                           -item.percent if item.status == "progress" else 0))
