"""Boards, read from the period score table with a few index-backed queries: the top rows, the viewer's
row, the rows just ahead of and behind the viewer, one range count. Never the whole board per request,
and never a join per person: who counts on a board (active people; on district and company boards, not
those who hide from them) is kept on the score rows (app/leaderboards/membership.py, scores.set_hidden),
so every count reads one board index alone; the company board, which grows with the chain, sums how
many have each score (BoardPoints) instead of counting the people above.

Order: points (high first), then who reached the score first, then id. Ties share a rank (1, 1, 3): the
competition rank of app/core/ranking.py. The rows a board shows come in runs of consecutive places (the
top; the viewer with two either side), so a run is ranked by app/core/ranking.py and placed on the board
by one count at its head: how many members have more points than its first row, and how many as many."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from app.core.ranking import competition_ranks
from app.core.timezones import zone_for, zone_named
from app.extensions import db
from app.leaderboards import periods
from app.leaderboards.access import COMPANY, DISTRICT, STORE, Scope, resolve
from app.leaderboards.board_statements import AHEAD, COUNTS, NEXT_UP, VIEWER_RANKED, VIEWER_ROW, statements
from app.leaderboards.models import BoardPrivacy
from app.org.models import Person, Store

TOP = 10
NEIGHBOURS = 2


@dataclass(frozen=True)
class BoardRow:
    rank: int
    person_id: int
    display_name: str
    first_name: str
    initials: str
    store_name: str | None
    points: int
    tied: bool  # someone else on this board has the same points (and rank)
    is_viewer: bool = False


@dataclass(frozen=True)
class Ahead:
    """The next one up: the nearest person with more points than the viewer."""
    points_behind: int
    first_name: str
    display_name: str


@dataclass(frozen=True)
class Board:
    scope: Scope
    period: str
    period_start: date
    period_end: date | None
    rows: list[BoardRow]  # the top of the board
    neighbourhood: list[BoardRow] = field(default_factory=list)  # around the viewer, below the top rows
    viewer: BoardRow | None = None
    viewer_hidden: bool = False  # the viewer hides from this (district or company) board
    ahead: Ahead | None = None

    @property
    def podium(self) -> list[BoardRow]:
        return self.rows[:3]

    @property
    def rest(self) -> list[BoardRow]:
        return self.rows[3:]

    @property
    def is_empty(self) -> bool:
        return not self.rows


@dataclass(frozen=True)
class Standing:
    rank: int | None  # None: no points yet this period
    points: int
    points_behind: int | None  # None at the top, or on an empty board
    ahead_name: str | None  # the next one up's first name
    tied: bool
    store_name: str | None = None


@dataclass(frozen=True)
class _Spec:
    kind: str
    scope_id: int | None
    period: str
    start: date
    viewer_id: int | None = None

    def parameters(self, **extra) -> dict:
        return {"period": self.period, "start": self.start, "scope_id": self.scope_id, "viewer_id": self.viewer_id,
                **extra}


@dataclass(frozen=True)
class _Found:
    """A score row with the names a board shows."""
    person_id: int
    full_name: str
    store_name: str | None
    points: int
    reached_at: object

    @property
    def place(self) -> tuple:
        return -self.points, self.reached_at, self.person_id


def shown_on_wide_board(person_id, viewer_id) -> sa.ColumnElement[bool]:
    """The privacy rule of district and company boards, for any list of people shown to `viewer_id`:
    whoever hides from wide boards is left out, except for themselves (they still see their own place).
    `viewer_id` may be a bound parameter, an id, or None (a TV: nobody is the viewer). Store boards
    don't apply it: colleagues of one store see each other anyway. Challenges across stores call it too,
    so the switch means the same everywhere (the boards themselves read the copy on their score rows)."""
    hidden = sa.select(BoardPrivacy.person_id).where(BoardPrivacy.hidden_wide.is_(True))
    return sa.or_(person_id.not_in(hidden), person_id == viewer_id)


def _display_name(full_name: str, parts: list[str]) -> str:
    return full_name if len(parts) < 2 else f"{parts[0]} {parts[-1][0]}."


def _row(found: _Found, rank: int, tied: bool, viewer_id: int | None) -> BoardRow:
    parts = found.full_name.split()
    return BoardRow(rank=rank, person_id=found.person_id, display_name=_display_name(found.full_name, parts),
                    first_name=parts[0] if parts else "", initials="".join(part[0] for part in parts[:2]).upper(),
                    store_name=found.store_name, points=found.points, tied=tied,
                    is_viewer=found.person_id == viewer_id)


def _ranked(run: list[_Found], viewer_id: int | None, *, more: int = 0, head_ties: int | None = None
            ) -> list[BoardRow]:
    """Rows for `run`, consecutive places on the board, best first. `more`: members with more points than
    its first row; `head_ties`: members with as many (None when the run starts at the top, so its first
    row's ties are all in it). The last row of a run is read only to tell whether the one before it ties."""
    if not run:
        return []
    head = run[0].points
    in_head = sum(1 for found in run if found.points == head)
    # Places in the run (1, 1, 3…) become places on the board: the head's group ranks after `more`, and
    # everyone after it after the members ahead of the run's first row.
    ahead_of_run = more + (head_ties if head_ties is not None else in_head) - in_head
    sizes = Counter(found.points for found in run)
    if head_ties is not None:
        sizes[head] = head_ties
    return [_row(found, more + 1 if found.points == head else place + ahead_of_run, sizes[found.points] > 1,
                 viewer_id)
            for place, found in competition_ranks(run, key=lambda found: -found.points)]


def _found(rows) -> list[_Found]:
    return [_Found(*row) for row in rows]


def _top(spec: _Spec, limit: int) -> list[_Found]:
    return _found(db.session.execute(statements(spec.kind).top, spec.parameters(limit=limit)))


def _mark(spec: _Spec, mark: _Found, **extra) -> dict:
    return spec.parameters(points=mark.points, reached_at=mark.reached_at, mark_id=mark.person_id, **extra)


def _after(spec: _Spec, mark: _Found, limit: int) -> list[_Found]:
    """The `limit` members just behind `mark`'s place, nearest first."""
    return _found(db.session.execute(statements(spec.kind).after, _mark(spec, mark, limit=limit)))


def _next_up(spec: _Spec, points: int) -> Ahead | None:
    """The nearest member with more points than `points` (the last of them, when several tie)."""
    found = db.session.execute(statements(spec.kind).next_up, spec.parameters(points=points)).first()
    return _ahead(_Found(*found), points) if found else None


def _ahead(found: _Found, points: int) -> Ahead:
    parts = found.full_name.split()
    return Ahead(found.points - points, parts[0] if parts else "", _display_name(found.full_name, parts))


def _on_board(spec: _Spec, row) -> bool:
    """Whether the viewer's score row puts them on this board (whatever their privacy setting)."""
    if spec.kind == STORE and row.store_id != spec.scope_id:
        return False
    if spec.kind == DISTRICT and row.district_id != spec.scope_id:
        return False
    return bool(row.active) and row.points > 0


def _spec(kind: str, scope_id: int | None, period: str, tz, viewer_id: int | None = None) -> _Spec:
    if period not in periods.PERIODS:
        raise ValueError(f"unknown period {period!r}")
    return _Spec(kind, scope_id, period, periods.current_start(period, tz), viewer_id)


# Public ------------------------------------------------------------------------------------------

def board(viewer: Person, scope: str, period: str, scope_id: int | None = None) -> Board | None:
    """The board `viewer` asked for: the top 10 and the viewer's neighbourhood (two above, two below),
    with the viewer's own rank even when they hide from wide boards. None when the board isn't theirs
    to see. Period boundaries follow the viewer's store time zone (the default zone without a store)."""
    if period not in periods.PERIODS:
        return None
    resolved = resolve(viewer, scope, scope_id)
    if resolved is None:
        return None
    spec = _spec(resolved.kind, resolved.id, period, zone_for(viewer), viewer.id)
    found = db.session.execute(VIEWER_ROW, spec.parameters()).first()
    hidden = False
    if resolved.kind != STORE:  # the score row carries the setting; without one, ask the setting itself
        hidden = bool(found.hidden_wide) if found is not None else bool(db.session.scalar(
            sa.select(BoardPrivacy.hidden_wide).where(BoardPrivacy.person_id == viewer.id)))
    mine = _Found(*found[:5]) if found is not None and _on_board(spec, found) else None
    top = _top(spec, TOP + 1)  # one more than shown: whether the tenth ties with the next
    if mine is not None and hidden:  # counted on the board for themselves only
        top = sorted([*top, mine], key=lambda each: each.place)[:TOP + 1]
    position = next((index for index, each in enumerate(top[:TOP]) if mine and each.person_id == mine.person_id),
                    None)
    if mine is None or position is not None:
        rows, neighbourhood = _top_run(spec, top, position)
        viewer_row = rows[position] if position is not None else None
        if mine is not None:  # everyone ahead of them is in the top rows
            ahead = next((_ahead(each, mine.points) for each in reversed(top[:position])
                          if each.points > mine.points), None)
        else:
            ahead = _next_up(spec, 0) if viewer.store_id is not None else None
    else:
        rows, neighbourhood, viewer_row, ahead = _viewer_run(spec, top, mine, hidden)
    return Board(scope=resolved, period=period, period_start=spec.start,
                 period_end=periods.period_end(period, spec.start), rows=rows, neighbourhood=neighbourhood,
                 viewer=viewer_row, viewer_hidden=hidden, ahead=ahead)


def _top_run(spec: _Spec, top: list[_Found], position: int | None) -> tuple[list[BoardRow], list[BoardRow]]:
    """(the top rows, the neighbourhood) when the viewer is in the top ten or not on the board: near the
    bottom of the ten, the two below are added, read on from the tenth (and one more, for its ties)."""
    below = 0 if position is None or len(top) <= TOP else max(0, position + NEIGHBOURS - (TOP - 1))
    run = [*top[:TOP], *_after(spec, top[TOP - 1], below + 1)] if below else top
    ranked = _ranked(run, spec.viewer_id)
    return ranked[:TOP], ranked[TOP:TOP + below]


def _viewer_run(spec: _Spec, top: list[_Found], mine: _Found, hidden: bool
                ) -> tuple[list[BoardRow], list[BoardRow], BoardRow, Ahead | None]:
    """(the top rows, the neighbourhood, the viewer's row, the next one up) for a viewer below the top
    ten: two either side (and one more below, for its ties), placed on the board by the count at the head
    of the run."""
    parts = db.session.execute(statements(spec.kind).above, _mark(spec, mine, limit=NEIGHBOURS)).all()
    more, same = next((row.more, row.same) for row in parts if row.part == COUNTS)
    up = sorted((_Found(*row[1:6]) for row in parts if row.part == AHEAD), key=lambda each: each.place,
                reverse=True)  # nearest first
    next_up = next((_Found(*row[1:6]) for row in parts if row.part == NEXT_UP), None)
    down = _after(spec, mine, NEIGHBOURS + 1)
    run = [*reversed(up), mine, *down]
    # The counts read the index, which leaves out a viewer who hides: they count for themselves.
    head_ties = same + (1 if hidden and mine.points == run[0].points else 0)
    around = _ranked(run, spec.viewer_id, more=more, head_ties=head_ties)[:len(up) + 1 + NEIGHBOURS]
    rows = _ranked(top, spec.viewer_id)[:TOP]
    shown = {row.person_id for row in rows}
    viewer_row = around[len(up)]
    ahead = _ahead(next_up, mine.points) if next_up is not None and viewer_row.rank > 1 else None
    return rows, [row for row in around if row.person_id not in shown], viewer_row, ahead


def store_top(store_id: int, period: str = periods.WEEK, limit: int = TOP) -> list[BoardRow]:
    """A store's top rows (rank, display name, points): what the store's TV screen shows. Display names
    only; the period follows the store's time zone."""
    timezone = db.session.scalar(sa.select(Store.timezone).where(Store.id == store_id))
    if timezone is None:
        return []
    spec = _spec(STORE, store_id, period, zone_named(timezone))
    return _ranked(_top(spec, limit + 1), None)[:limit]


def standing(person: Person, period: str = periods.WEEK) -> Standing | None:
    """Where `person` stands on their store's board ("2 points behind Giulia"); None without a store."""
    if person.store_id is None:
        return None
    spec = _spec(STORE, person.store_id, period, zone_for(person), person.id)
    found = db.session.execute(VIEWER_RANKED, spec.parameters()).first()
    if found is None or not _on_board(spec, found):
        ahead = _next_up(spec, 0)
        return Standing(rank=None, points=0, points_behind=ahead.points_behind if ahead else None,
                        ahead_name=ahead.first_name if ahead else None, tied=False,
                        store_name=person.store.name if person.store else None)
    more, same = found.more, found.same
    ahead = _next_up(spec, found.points) if more else None
    return Standing(rank=more + 1, points=found.points, points_behind=ahead.points_behind if ahead else None,
                    ahead_name=ahead.first_name if ahead else None, tied=same > 1,
                    store_name=person.store.name if person.store else None)


__all__ = ["COMPANY", "DISTRICT", "STORE", "Ahead", "Board", "BoardRow", "Standing", "board",
           "shown_on_wide_board", "standing", "store_top"]
