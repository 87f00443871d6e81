"""Writing to the store feed, and reactions. Flushes; the caller commits."""

from datetime import datetime
from functools import partial

import sqlalchemy as sa
from flask_babel import gettext as _

from app.core.aftercommit import after_commit
from app.core.database import dialect_insert
from app.core.errors import ServiceError
from app.core.models import utcnow
from app.extensions import db
from app.feed.models import REACTIONS, FeedItem, FeedReaction
from app.org.models import Person

FEED_CHANGED = "feed-changed"


def add_item(store_id: int | None, kind: str, source_ref: str, *, actor_id: int | None = None,
             subject_id: int | None = None, params: dict | None = None,
             created_at: datetime | None = None) -> int | None:
    """Post to a store's feed once per `source_ref`: the new item's id, or None (already posted, or no
    store). The store's open feeds are told after commit."""
    if store_id is None:
        return None
    item_id = db.session.execute(
        dialect_insert(FeedItem).values(store_id=store_id, kind=kind, source_ref=source_ref[:120], actor_id=actor_id,
                                        subject_id=subject_id, params=params or {}, created_at=created_at or utcnow())
        .on_conflict_do_nothing(index_elements=["source_ref"]).returning(FeedItem.id)).scalar()
    if item_id is not None:
        after_commit(partial(_announce, store_id))
    return item_id


def remove_item(source_ref: str) -> None:
    item = db.session.scalar(sa.select(FeedItem).where(FeedItem.source_ref == source_ref))
    if item is not None:
        db.session.delete(item)
        db.session.flush()
        after_commit(partial(_announce, item.store_id))


def _announce(store_id: int) -> None:
    from app.core.realtime import notify, store_room

    notify(store_room(store_id), FEED_CHANGED, {"store": store_id})


def toggle_reaction(person: Person, item: FeedItem, kind: str) -> bool:
    """Add the person's reaction of this kind, or take it back: True when it is now on."""
    if kind not in REACTIONS:
        raise ServiceError(_("Pick one of the reactions shown."))
    removed = db.session.execute(sa.delete(FeedReaction).where(
        FeedReaction.item_id == item.id, FeedReaction.person_id == person.id, FeedReaction.kind == kind),
        execution_options={"synchronize_session": False}).rowcount
    if removed:
        return False
    db.session.execute(dialect_insert(FeedReaction).values(item_id=item.id, person_id=person.id, kind=kind,
                                                           created_at=utcnow())
                       .on_conflict_do_nothing(index_elements=["item_id", "person_id", "kind"]))
    return True
