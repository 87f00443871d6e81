"""Points earned in a window of time: the one definition the boards (their rebuild), the leagues, the
challenges and the ledger check share. Nobody else sums point entries to say what someone earned.

The rule for reversals is the one the live boards apply (app/leaderboards/listeners.py): points are earned
at the moment their earn entry is made, and a reversal takes them back out of that same moment, whenever
the reversal is made. An award made on 31 March and reversed on 2 April lowers March — on the board, in
the league and in a challenge alike — and April never sees it; a finished window can still go down when
a wrong award in it is corrected later. Spends, and the refunds that reverse them, are not earning.

So what someone earned in [start, end) is the earn entries made in [start, end), each less its reversal
(a reversal undoes a whole entry, so a reversed earn counts 0)."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from app.extensions import db
from app.points.models import EntryKind, PointEntry

PERSON, STORE = "person", "store"  # whose points: the earner's, or the store they were in when they earned


def earned_entries(*, by: str = PERSON, start: datetime | None = None, end: datetime | None = None,
                   among=None, excluding_source: str | None = None) -> sa.Select:
    """One row per earn entry made in [start, end) (naive UTC; no bound: from or until any time):
    `owner` (person id, or store id with by=STORE), `points` (what it still counts after its reversal),
    `earned_at`, `entry_id` and `reversed_at` (None: not reversed). `among`: only these owners (ids or a
    subquery); `excluding_source`: leave out one source type (a challenge's prizes)."""
    reversal = aliased(PointEntry)
    owner = PointEntry.store_id if by == STORE else PointEntry.person_id
    query = (sa.select(owner.label("owner"),
                       (PointEntry.amount + sa.func.coalesce(reversal.amount, 0)).label("points"),
                       PointEntry.created_at.label("earned_at"), PointEntry.id.label("entry_id"),
                       reversal.created_at.label("reversed_at"))
             .select_from(PointEntry)
             .outerjoin(reversal, reversal.reverses_id == PointEntry.id)
             .where(PointEntry.kind == EntryKind.EARN))
    if start is not None:
        query = query.where(PointEntry.created_at >= start)
    if end is not None:
        query = query.where(PointEntry.created_at < end)
    if among is not None:
        query = query.where(owner.in_(among))
    if excluding_source is not None:
        query = query.where(PointEntry.source_type != excluding_source)
    return query


def earned_totals(*, by: str = PERSON, start: datetime | None = None, end: datetime | None = None,
                  among=None, excluding_source: str | None = None) -> dict[int, int]:
    """{owner: points earned in [start, end)} in one grouped query; owners who earned nothing there are
    absent (one whose earnings were all reversed is there with 0)."""
    rows = earned_entries(by=by, start=start, end=end, among=among, excluding_source=excluding_source).subquery()
    return {owner: int(points) for owner, points in db.session.execute(
        sa.select(rows.c.owner, sa.func.sum(rows.c.points)).group_by(rows.c.owner))}
