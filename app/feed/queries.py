"""Reading the store feed: newest first, keyset-paginated by (created_at, id), with reaction counts.
A page costs the same few queries whatever its length."""

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.core import params
from app.extensions import db
from app.feed.models import REACTIONS, FeedItem, FeedReaction
from app.org.authz import visible_stores
from app.org.models import Person, Store

PAGE_SIZE = 20


@dataclass
class Reactions:
    counts: dict[str, int] = field(default_factory=dict)
    mine: set[str] = field(default_factory=set)


@dataclass
class FeedEntry:
    item: FeedItem
    reactions: Reactions


@dataclass
class FeedPage:
    entries: list[FeedEntry]
    next_cursor: str | None


def stores_for(viewer: Person) -> list[Store]:
    return list(db.session.scalars(visible_stores(viewer).order_by(Store.name, Store.id)))


def store_or_none(viewer: Person, store_id: int | None) -> Store | None:
    """The store whose feed to show: the one asked for if visible, else the viewer's own (or, for
    someone without a store, the first they can see)."""
    if store_id:
        return db.session.scalar(visible_stores(viewer).where(Store.id == store_id))
    if viewer.store_id:
        return db.session.scalar(visible_stores(viewer).where(Store.id == viewer.store_id))
    return db.session.scalar(visible_stores(viewer).order_by(Store.name, Store.id).limit(1))


def visible_item_or_none(viewer: Person, item_id: int) -> FeedItem | None:
    store_ids = visible_stores(viewer).with_only_columns(Store.id)
    return db.session.scalar(sa.select(FeedItem).where(FeedItem.id == item_id, FeedItem.store_id.in_(store_ids)))


def encode_cursor(item: FeedItem) -> str:
    return f"{item.created_at.isoformat()}_{item.id}"


def decode_cursor(cursor: str | None) -> tuple[datetime, int] | None:
    if not cursor:
        return None
    try:
        moment, item_id = cursor.rsplit("_", 1)
        found = datetime.fromisoformat(moment), params.parse_id(item_id)
    except ValueError:
        return None
    return found if found[1] is not None else None


def page(viewer: Person, store: Store, cursor: str | None = None, size: int | None = None) -> FeedPage:
    size = size or PAGE_SIZE
    query = (sa.select(FeedItem).where(FeedItem.store_id == store.id)
             .options(selectinload(FeedItem.actor), selectinload(FeedItem.subject))
             .order_by(FeedItem.created_at.desc(), FeedItem.id.desc()).limit(size + 1))
    after = decode_cursor(cursor)
    if after is not None:
        moment, item_id = after
        query = query.where(sa.or_(FeedItem.created_at < moment,
                                   sa.and_(FeedItem.created_at == moment, FeedItem.id < item_id)))
    items = list(db.session.scalars(query))
    more = len(items) > size
    items = items[:size]
    reactions = reactions_for(viewer, [item.id for item in items])
    return FeedPage([FeedEntry(item, reactions.get(item.id, Reactions())) for item in items],
                    encode_cursor(items[-1]) if more else None)


def reactions_for(viewer: Person, item_ids: list[int]) -> dict[int, Reactions]:
    """Counts per kind and the viewer's own, for many items in one query."""
    if not item_ids:
        return {}
    mine = sa.func.max(sa.case((FeedReaction.person_id == viewer.id, 1), else_=0))
    rows = db.session.execute(sa.select(FeedReaction.item_id, FeedReaction.kind, sa.func.count(), mine)
                              .where(FeedReaction.item_id.in_(item_ids))
                              .group_by(FeedReaction.item_id, FeedReaction.kind))
    result: dict[int, Reactions] = {}
    for item_id, kind, count, is_mine in rows:
        if kind not in REACTIONS:
            continue
        entry = result.setdefault(item_id, Reactions())
        entry.counts[kind] = count
        if is_mine:
            entry.mine.add(kind)
    return result
