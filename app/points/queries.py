"""Read models for the points screens (a person's provenance feed, the dispute queue) and the managers'
weekly digest."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.org.authz import managed_people
from app.org.models import Person
from app.points.models import DisputeStatus, EntryKind, PointDispute, PointEntry

FEED_PAGE = 20


def feed_page(person_id: int, *, before_id: int | None = None, limit: int = FEED_PAGE):
    """Newest first, keyset-paginated by id so the feed stays fast however long it grows."""
    query = (sa.select(PointEntry).where(PointEntry.person_id == person_id)
             .options(selectinload(PointEntry.awarded_by))
             .order_by(PointEntry.id.desc()).limit(limit + 1))
    if before_id:
        query = query.where(PointEntry.id < before_id)
    entries = list(db.session.scalars(query))
    has_more = len(entries) > limit
    entries = entries[:limit]
    ids = [entry.id for entry in entries]
    reversed_ids = set(db.session.scalars(sa.select(PointEntry.reverses_id).where(
        PointEntry.reverses_id.in_(ids)))) if ids else set()
    open_disputes = set(db.session.scalars(sa.select(PointDispute.entry_id).where(
        PointDispute.entry_id.in_(ids), PointDispute.status == DisputeStatus.OPEN))) if ids else set()
    return {"entries": entries, "has_more": has_more, "next_before": entries[-1].id if has_more else None,
            "reversed_ids": reversed_ids, "open_disputes": open_disputes}


def _open_disputes_in_scope(actor: Person):
    in_scope = managed_people(actor).with_only_columns(Person.id)
    return sa.and_(PointDispute.status == DisputeStatus.OPEN, PointDispute.person_id.in_(in_scope))


def dispute_queue(actor: Person) -> list[PointDispute]:
    return list(db.session.scalars(
        sa.select(PointDispute).where(_open_disputes_in_scope(actor))
        .options(selectinload(PointDispute.entry), selectinload(PointDispute.person))
        .order_by(PointDispute.created_at)
    ))


def disputable_entry_or_none(person_id: int, entry_id: int) -> PointEntry | None:
    return db.session.scalar(sa.select(PointEntry).where(PointEntry.id == entry_id,
                                                         PointEntry.person_id == person_id))


def open_dispute_count(actor: Person) -> int:
    """Open questions about points from the people `actor` manages: the badge on the manager's home."""
    return db.session.scalar(sa.select(sa.func.count(PointDispute.id)).where(_open_disputes_in_scope(actor)))


def earned_by_store(store_ids: set[int], start: datetime, end: datetime) -> dict[int, int]:
    """{store id: points awarded there in [start, end)}: earn entries as made, a later reversal not taken
    off; stores where nothing was earned are absent."""
    return {store_id: int(points) for store_id, points in db.session.execute(
        sa.select(PointEntry.store_id, sa.func.sum(PointEntry.amount))
        .where(PointEntry.store_id.in_(store_ids), PointEntry.kind == EntryKind.EARN,
               PointEntry.created_at >= start, PointEntry.created_at < end)
        .group_by(PointEntry.store_id))}
