"""Writing challenges: drafts (every problem of a form at once), creating, editing, publishing and
cancelling. What happens after publishing follows the dates: app.challenges.lifecycle.

Plain arguments; flushes, the caller commits."""

from dataclasses import dataclass, field
from datetime import date, datetime, time

import sqlalchemy as sa
from flask_babel import gettext as _

from app.badges.models import BadgeDefinition, Criterion, Granter
from app.challenges import standings as standings_module
from app.challenges.lifecycle import announce, move, start_challenge
from app.challenges.models import Audience, Challenge, Format, Kind, Metric, Status
from app.core import audit
from app.core.errors import ServiceError
from app.core.models import utcnow
from app.core.text import squash_spaces
from app.core.timezones import default_zone_name, today_in, utc_of, zone_named
from app.extensions import db
from app.kpis.models import KpiDefinition
from app.org import authz
from app.org.models import ORG_WIDE_ROLES, Person, Role, Store
from app.points import ledger, limits

MAX_REWARD_POINTS = limits.PRIZE_CEILING  # the company's prize maximum is checked below
MAX_WINNERS = 50
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


def utc_bounds(starts_on: date, ends_on: date, timezone: str) -> tuple[datetime, datetime]:
    """00:00 on the first day and 23:59:59 on the last, in the stores' zone, as naive UTC."""
    zone = zone_named(timezone)
    start = utc_of(starts_on, time(0, 0), zone)
    end = utc_of(ends_on, time(23, 59, 59), zone)
    return start, end


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


def _check_prize(user: Person, draft: ChallengeDraft, existing: Challenge | None) -> None:
    """Within what the ledger would pay this author's winners (the company maximum; for a manager also
    the per-award maximum), so no challenge promises a prize it can't pay."""
    draft.reward_points = draft.reward_points or 0
    author = existing.created_by if existing is not None else user
    maximum = ledger.authored_maximum(standings_module.PRIZE_SOURCE, author)
    if not 0 <= draft.reward_points <= maximum:
        draft.refuse("reward_points", _("A prize is between 0 and %(n)d points.", n=maximum))
    elif (existing is not None and user.role not in ORG_WIDE_ROLES and author is not None
          and author.role in ORG_WIDE_ROLES and draft.reward_points != existing.reward_points):
        # The ledger bounds a prize by its author; a manager raising HR's would escape their cap.
        draft.refuse("reward_points", _("Only HR can change the prize of a challenge HR created."))


def _check(user: Person, draft: ChallengeDraft, existing: Challenge | None = None) -> list[Store]:
    draft.title = squash_spaces(draft.title)
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
    _check_prize(user, draft, existing)
    if draft.reward_badge_id is not None and draft.reward_badge_id not in {b.id for b in badge_choices(user)}:
        draft.refuse("reward_badge_id", _("Choose one of the badges offered."))
    stores = _resolve_stores(user, draft)
    if draft.kind == Kind.STORES and draft.audience == Audience.STORE:
        draft.refuse("audience", _("A store-against-store challenge needs at least two stores."))
    elif draft.kind == Kind.STORES and stores and len(stores) < 2:
        draft.refuse("audience", _("A store-against-store challenge needs at least two stores."))
    timezone = stores[0].timezone if stores else default_zone_name()
    if draft.starts_on is None:
        draft.refuse("starts_on", _("Choose the first day."))
    if draft.ends_on is None:
        draft.refuse("ends_on", _("Choose the last day."))
    if draft.starts_on and draft.ends_on:
        if draft.ends_on < draft.starts_on:
            draft.refuse("ends_on", _("The last day can't be before the first day."))
        elif (draft.ends_on - draft.starts_on).days > 366:
            draft.refuse("ends_on", _("A challenge lasts a year at most."))
        if draft.starts_on < today_in(zone_named(timezone)):
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
    challenge.timezone = stores[0].timezone or default_zone_name()
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
    stores = _check(user, draft, challenge)
    _apply(challenge, draft, stores)
    db.session.flush()
    audit.record("challenge.updated", actor_id=user.id, target_type="challenge", target_id=challenge.id)
    return challenge


def publish(user: Person, challenge: Challenge, now: datetime | None = None) -> Challenge:
    """Draft → scheduled; a challenge whose first day is today starts at once."""
    now = now or utcnow()
    if not can_manage(user, challenge):
        raise ServiceError(_("You can't change this challenge."))
    if challenge.status != Status.DRAFT:
        raise ServiceError(_("This challenge is already published."))
    if challenge.ends_at <= now:
        raise ServiceError(_("This challenge's last day has passed: change its dates first."))
    if not move(challenge.id, Status.DRAFT, Status.SCHEDULED, published_at=now):
        raise ServiceError(_("This challenge is already published."))
    audit.record("challenge.published", actor_id=user.id, target_type="challenge", target_id=challenge.id)
    if challenge.starts_at <= now:
        start_challenge(challenge.id, now)
    announce(challenge)
    return challenge


def cancel(user: Person, challenge: Challenge) -> Challenge:
    """Withdraw a draft or an upcoming challenge. A running one plays out; a finished one is final."""
    if not can_manage(user, challenge):
        raise ServiceError(_("You can't change this challenge."))
    if challenge.status not in (Status.DRAFT, Status.SCHEDULED) or not move(
            challenge.id, challenge.status, Status.CANCELLED):
        raise ServiceError(_("Only a draft or an upcoming challenge can be cancelled."))
    audit.record("challenge.cancelled", actor_id=user.id, target_type="challenge", target_id=challenge.id)
    announce(challenge)
    return challenge
