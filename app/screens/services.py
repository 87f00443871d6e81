"""Screen tokens: create (the link is shown once), revoke, and recognise a TV by its token.

Only the SHA-256 of a token is stored, as for API tokens: a leaked database gives nobody a screen."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

import sqlalchemy as sa
from flask import g
from flask_babel import gettext as _

from app.core import audit, realtime
from app.core.aftercommit import after_commit
from app.core.errors import ServiceError
from app.core.models import utcnow
from app.core.text import required_text
from app.extensions import db
from app.org import authz
from app.org.models import Person, Store
from app.screens.models import ScreenToken

TOKEN_PREFIX = "tv_"  # noqa: S105 - marks our screen links (secret scanners can spot leaks)
SEEN_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class CreatedScreen:
    screen: ScreenToken
    token: str  # show it once (as a URL), then forget it


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_screen(actor: Person, store_id: int | None, name: str) -> CreatedScreen:
    """A new screen link for a store the actor manages. Flushes."""
    name = required_text(name, max_length=80, field="name",
                         required_message=_("Name the screen, e.g. “Back office TV”."),
                         too_long_message=_("Keep the name under 80 characters."))
    if store_id is None or db.session.get(Store, store_id) is None or not authz.can_manage_store(actor, store_id):
        raise ServiceError(_("Choose one of your stores."), field="store_id")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    screen = ScreenToken(store_id=store_id, name=name, token_hash=hash_token(token), created_by_id=actor.id)
    db.session.add(screen)
    db.session.flush()
    audit.record("screen.created", actor_id=actor.id, target_type="screen", target_id=screen.id, name=name,
                 store_id=store_id)
    return CreatedScreen(screen, token)


def revoke_screen(actor: Person, screen: ScreenToken) -> bool:
    """False when it was already revoked. The TV shows "link no longer works" at its next refresh; its
    open sockets are disconnected once the revocation commits."""
    if not authz.can_manage_store(actor, screen.store_id):
        raise ServiceError(_("You can only revoke screens of stores you manage."))
    if screen.revoked_at is not None:
        return False
    screen.revoked_at = utcnow()
    audit.record("screen.revoked", actor_id=actor.id, target_type="screen", target_id=screen.id, name=screen.name,
                 store_id=screen.store_id)
    db.session.flush()
    after_commit(partial(realtime.end_screen_sockets, screen.id))
    return True


def authenticate(token: object) -> ScreenToken | None:
    """The live screen with this token, or None (unknown, malformed or revoked)."""
    if not isinstance(token, str) or not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    screen = db.session.scalar(sa.select(ScreenToken).where(ScreenToken.token_hash == hash_token(token)))
    if screen is None or screen.revoked_at is not None:
        return None
    return screen


def socket_rooms(auth: dict) -> list[str] | None:
    """Socket.IO authenticator (app.core.realtime): a TV joins its store's room, nothing else, plus its
    own room through which revocation disconnects it. Asked again at every join."""
    screen = authenticate(auth.get("screen")) if isinstance(auth, dict) else None
    if screen is None:
        return None
    return [realtime.store_room(screen.store_id), realtime.screen_room(screen.id)]


def mark_seen(screen: ScreenToken) -> None:
    """Record that the screen is on, at most once a minute (a TV polls every minute or more often).
    In a transaction of its own that takes SQLite's write lock up front: this runs inside a GET."""
    now = utcnow()
    if screen.last_seen_at is not None and now - screen.last_seen_at < SEEN_EVERY:
        return
    screen_id = screen.id
    db.session.commit()  # end the read transaction
    g.ascent_write_tx = True
    try:
        db.session.execute(sa.update(ScreenToken)
                           .where(ScreenToken.id == screen_id,
                                  sa.or_(ScreenToken.last_seen_at.is_(None),
                                         ScreenToken.last_seen_at < now - SEEN_EVERY))
                           .values(last_seen_at=now))
        db.session.commit()
    finally:
        g.ascent_write_tx = False
