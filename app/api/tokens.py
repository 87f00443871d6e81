"""Creating, revoking and checking API tokens. The secret is returned once, by `create_token`, and
never stored: only its SHA-256 is."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from app.api.models import ApiToken, api_token_stores
from app.core import audit
from app.core.definitions import UNCHANGED, Definitions
from app.core.errors import ServiceError
from app.core.models import utcnow
from app.core.text import required_text
from app.extensions import db
from app.org.models import Person, Store

SECRET_PREFIX = "asc_"  # noqa: S105 - marks our tokens (secret scanners can spot leaks)
PREFIX_LENGTH = 12  # "asc_" and 8 characters of the secret: enough to tell tokens apart, useless alone


@dataclass(frozen=True)
class CreatedToken:
    token: ApiToken
    secret: str  # show it once, then forget it


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(actor: Person | None, name: str, *, all_stores: bool, store_ids: list[int]) -> CreatedToken:
    """`actor` None: the CLI. A token sees either every store or the stores listed. Flushes."""
    name = required_text(name, max_length=80, field="name",
                         required_message=_("Name the token after the system that will use it."),
                         too_long_message=_("Keep the name under 80 characters."))
    store_ids = sorted(set(store_ids))
    stores = list(db.session.scalars(sa.select(Store).where(Store.id.in_(store_ids)))) if store_ids else []
    if not all_stores and not stores:
        raise ServiceError(_("Choose the stores this token may reach, or all stores."), field="store_ids")
    if len(stores) != len(store_ids):
        raise ServiceError(_("One of the chosen stores doesn't exist."), field="store_ids")
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(name=name, token_hash=hash_secret(secret), prefix=secret[:PREFIX_LENGTH],
                     all_stores=all_stores, stores=[] if all_stores else stores,
                     created_by_id=actor.id if actor else None)
    db.session.add(token)
    db.session.flush()
    audit.record("api_token.created", actor_id=actor.id if actor else None, target_type="api_token",
                 target_id=token.id, name=name, prefix=token.prefix,
                 stores="all" if all_stores else [store.code for store in stores])
    return CreatedToken(token, secret)


def revoke_token(actor: Person | None, token: ApiToken) -> bool:
    """False when it was already revoked. Takes effect on the next request that presents it."""
    if token.revoked_at is not None:
        return False
    token.revoked_at = utcnow()
    audit.record("api_token.revoked", actor_id=actor.id if actor else None, target_type="api_token",
                 target_id=token.id, name=token.name, prefix=token.prefix)
    return True


@dataclass(frozen=True)
class LiveToken:
    """A token that may be used, as requests see it: plain values the process keeps between requests
    (app/core/definitions.py), so authenticating costs no query of its own."""
    id: int
    name: str
    prefix: str
    all_stores: bool
    store_ids: frozenset[int]  # empty for an all-stores token
    last_used_at: datetime | None  # as loaded; this process's own touches are in `_touched`


def _load_live() -> dict[str, LiveToken]:
    """Every unrevoked token by the hash of its secret (a company has a handful)."""
    links: dict[int, set[int]] = {}
    for token_id, store_id in db.session.execute(sa.select(api_token_stores.c.token_id, api_token_stores.c.store_id)):
        links.setdefault(token_id, set()).add(store_id)
    rows = db.session.execute(sa.select(ApiToken.id, ApiToken.token_hash, ApiToken.name, ApiToken.prefix,
                                        ApiToken.all_stores, ApiToken.last_used_at)
                              .where(ApiToken.revoked_at.is_(None)))
    return {token_hash: LiveToken(token_id, name, prefix, all_stores, frozenset(links.get(token_id, ())), last_used)
            for token_id, token_hash, name, prefix, all_stores, last_used in rows}


LIVE = Definitions("api_tokens", _load_live, tables=("api_tokens", "api_token_stores"))


def authenticate(secret: str) -> LiveToken | None:
    """The live token with this secret, or None (unknown, malformed or revoked)."""
    if not secret.startswith(SECRET_PREFIX) or len(secret) > 200:
        return None
    return LIVE.get().get(hash_secret(secret))


def covers(token: LiveToken, person: Person) -> bool:
    """May this token read or award `person`? A person with no store is reached by all-store tokens only."""
    if token.all_stores:
        return True
    return person.store_id is not None and person.store_id in token.store_ids


def store_ids(token: LiveToken) -> set[int] | None:
    """The stores this token may write to; None for an all-stores token."""
    if token.all_stores:
        return None
    return set(token.store_ids)


def tokens() -> list[ApiToken]:
    return list(db.session.scalars(sa.select(ApiToken).options(
        selectinload(ApiToken.stores), selectinload(ApiToken.created_by))
        .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id.desc())))


LAST_USED_RESOLUTION_SECONDS = 60


def _touched() -> dict[int, datetime]:
    """Token id -> when this process (this app) last recorded its use."""
    return current_app.extensions.setdefault("ascent.api_token_touches", {})


def needs_touch(token: LiveToken) -> bool:
    last = max(filter(None, (token.last_used_at, _touched().get(token.id))), default=None)
    return last is None or (utcnow() - last).total_seconds() >= LAST_USED_RESOLUTION_SECONDS


def touch(token_id: int) -> None:
    """Record use, at most once a minute per token: a conditional UPDATE, so a busy integration costs
    one small write a minute, not one per request. The time of use is no definition: the processes'
    token caches stay as they are."""
    now = utcnow()
    cutoff = now - timedelta(seconds=LAST_USED_RESOLUTION_SECONDS)
    db.session.execute(
        sa.update(ApiToken).where(ApiToken.id == token_id, sa.or_(ApiToken.last_used_at.is_(None),
                                                                 ApiToken.last_used_at < cutoff))
        .values(last_used_at=now), execution_options={"synchronize_session": False, **UNCHANGED})
    _touched()[token_id] = now
