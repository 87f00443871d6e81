"""Read models for the org screens, always built on the authorization scopes."""

from dataclasses import dataclass
from functools import partial

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.auth.models import InviteToken
from app.config import SUPPORTED_LOCALES
from app.core.database import plain_rows, prepared
from app.core.i18n import reader_locale
from app.core.models import utcnow
from app.core.numbers import whole_percent
from app.core.shortcache import ShortCache
from app.core.templating import id_url_builder
from app.extensions import db
from app.org.authz import managed_people, visible_people, visible_stores
from app.org.models import MANAGER_ROLES, ROLE_LABELS, District, Person, Store
from app.org.names import initials_of
from app.org.search import person_matches

PEOPLE_STATUSES = ("active", "pending", "inactive")


def people_query(actor: Person, *, search: str = "", store_id: int | None = None, role: str = "",
                 status: str = "", managed_only: bool = False) -> sa.Select:
    """The people list with its filters; `managed_only` narrows it to whom `actor` may change (invite)."""
    scope = managed_people(actor) if managed_only else visible_people(actor)
    query = scope.options(selectinload(Person.store), selectinload(Person.manager))
    if search.strip():
        query = query.where(person_matches(search))
    if store_id:
        query = query.where(Person.store_id == store_id)
    if role:
        query = query.where(Person.role == role)
    if status == "active":
        query = query.where(Person.active.is_(True), Person.password_hash.is_not(None))
    elif status == "pending":
        query = query.where(Person.active.is_(True), Person.password_hash.is_(None))
    elif status == "inactive":
        query = query.where(Person.active.is_(False))
    return query.order_by(Person.full_name, Person.id)


def manager_choices(actor: Person) -> list[Person]:
    return list(db.session.scalars(
        visible_people(actor).where(Person.role.in_(MANAGER_ROLES), Person.active.is_(True))
        .order_by(Person.full_name)
    ))


def store_choices(actor: Person) -> list[Store]:
    """Stores to pick for something new: open ones only (a closed store keeps its history, no newcomers)."""
    return list(db.session.scalars(visible_stores(actor).where(Store.closed_at.is_(None)).order_by(Store.name)))


def district_choices() -> list[District]:
    return list(db.session.scalars(sa.select(District).where(District.closed_at.is_(None))
                                   .order_by(District.name)))


@dataclass
class StoreRow:
    store: Store
    headcount: int
    activated: int

    @property
    def activation_percent(self) -> int:
        return whole_percent(self.activated, self.headcount)


def store_rows(actor: Person, *, district_id: int | None = None, include_closed: bool = False) -> list[StoreRow]:
    """Stores in scope with headcount and how many have signed in: one grouped query. Closed stores only
    when asked (HR's store list shows them, greyed, so their codes stay known)."""
    counts = (
        sa.select(Person.store_id,
                  sa.func.count(Person.id).label("headcount"),
                  sa.func.count(Person.password_hash).label("activated"))
        .where(Person.active.is_(True), Person.store_id.is_not(None))
        .group_by(Person.store_id).subquery()
    )
    query = (visible_stores(actor)
             .add_columns(sa.func.coalesce(counts.c.headcount, 0), sa.func.coalesce(counts.c.activated, 0))
             .outerjoin(counts, counts.c.store_id == Store.id)
             .options(selectinload(Store.district))
             .order_by(Store.closed_at.is_not(None), Store.name))
    if district_id is not None:
        query = query.where(Store.district_id == district_id)
    if not include_closed:
        query = query.where(Store.closed_at.is_(None))
    return [StoreRow(store, headcount, activated) for store, headcount, activated in db.session.execute(query)]


def pending_invites(actor: Person, limit: int = 8) -> list[Person]:
    """Active people in scope who have not set a password yet: who still needs their invite sheet."""
    return list(db.session.scalars(
        managed_people(actor).where(Person.active.is_(True), Person.password_hash.is_(None))
        .options(selectinload(Person.store)).order_by(Person.created_at.desc(), Person.id).limit(limit)
    ))


def open_invite_expiry(person_id: int):
    return db.session.scalar(
        sa.select(sa.func.max(InviteToken.expires_at)).where(
            InviteToken.person_id == person_id, InviteToken.used_at.is_(None),
            InviteToken.revoked_at.is_(None), InviteToken.expires_at > utcnow())
    )


@dataclass(frozen=True)
class Colleague:
    """A store colleague as the homes list them: plain values, kept a few seconds for the whole store."""

    id: int
    full_name: str
    role: str
    initials: str
    role_name: str  # in the reader's language
    url: str


def _store_team() -> sa.Select:
    return (sa.select(Person.id, Person.full_name, Person.role)
            .where(Person.store_id == sa.bindparam("store_id"), Person.active.is_(True)).order_by(Person.full_name))


# A store's team is on every associate's and store manager's home and rarely changes: each process keeps
# it a few seconds per store and language. Any change to a person in this process forgets their store's
# (app/org/listeners.py), so a manager sees the colleague they just added; a change made by another
# process shows within SHORT_CACHE_SECONDS.
_TEAMS = ShortCache("org.store_team")


def _load_team(store_id: int) -> tuple[Colleague, ...]:
    person_url = id_url_builder("org.person", "person_id")
    return tuple(Colleague(id, name, role, initials_of(name), str(ROLE_LABELS.get(role, role)), person_url(id))
                 for id, name, role in plain_rows(prepared("org.store_team", _store_team), {"store_id": store_id}))


def forget_store_team(store_id: int | None) -> None:
    if store_id is not None:
        for locale in SUPPORTED_LOCALES:
            _TEAMS.forget_after_commit((store_id, locale))


def colleagues(person: Person) -> list[Colleague]:
    """The person's store colleagues (everyone active in their store but them), by name."""
    if person.store_id is None:
        return []
    team = _TEAMS.get((person.store_id, reader_locale()), partial(_load_team, person.store_id))
    me = person.id
    return [colleague for colleague in team if colleague.id != me]


