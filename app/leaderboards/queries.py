"""Boards, read from the period score table with one index-backed query per part: the top rows, the
viewer's row, their neighbours, the next one up. Never the whole window per request: a rank is 1 + how
many members have more points, an index range count.

Order: points (high first), then who reached the score first, then id. Ties share a rank (1, 1, 3): the
competition rank of app/core/ranking.py, counted here in SQL."""

import functools
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from app.core.timezones import zone_for, zone_named
from app.extensions import db
from app.leaderboards import periods
from app.leaderboards.access import COMPANY, DISTRICT, STORE, Scope, resolve
from app.leaderboards.models import BoardPrivacy, BoardScore
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


# The board statements are built once per board kind, with bound parameters, and reused: building them
# per request (fresh aliases, two correlated counts) cost most of a board request's CPU, and a reused
# statement keeps its cache key, so SQLAlchemy's compiled cache answers at once. Plain table aliases (not
# ORM entities): the rows are tuples, so the ORM has nothing to add per execution.
_PERIOD = sa.bindparam("period", type_=sa.String)
_START = sa.bindparam("start", type_=sa.Date)
_SCOPE = sa.bindparam("scope_id", type_=sa.Integer)
_VIEWER = sa.bindparam("viewer_id", type_=sa.Integer)
_POINTS = sa.bindparam("points", type_=sa.Integer)
_REACHED_AT = sa.bindparam("reached_at", type_=sa.DateTime)
_LIMIT = sa.bindparam("limit", type_=sa.Integer)


@dataclass(frozen=True)
class _Statements:
    top: sa.Select  # the best `limit` rows
    viewer: sa.Select  # the viewer's row
    above: sa.Select  # the `limit` rows just ahead of (points, reached_at, viewer), nearest first
    below: sa.Select  # the `limit` rows just behind it, nearest first
    next_up: sa.Select  # the nearest member with more than `points`


def _members(score, person, kind: str, positive: bool = True) -> list:
    """Who is on the board, for an alias pair of board_scores and people. A viewer who hides from wide
    boards still sees their own rank (with no viewer, `person_id = NULL` matches nobody). `positive=False`
    leaves out "more than 0 points" for the rank counts, whose own bound (more than, or as many as, a
    member's points) implies it: given both, SQLite ranged its index on the constant and counted the
    whole board for every row."""
    conditions = [score.c.period == _PERIOD, score.c.period_start == _START,
                  person.c.id == score.c.person_id, person.c.active.is_(True)]
    if positive:
        conditions.append(score.c.points > 0)
    if kind == STORE:
        conditions.append(score.c.store_id == _SCOPE)
    elif kind == DISTRICT:
        conditions.append(score.c.district_id == _SCOPE)
    if kind != STORE:
        conditions.append(shown_on_wide_board(score.c.person_id, _VIEWER))
    return conditions


def shown_on_wide_board(person_id, viewer_id) -> sa.ColumnElement[bool]:
    """The privacy rule of district and company boards, for any list of people shown to `viewer_id`:
    whoever hides from wide boards is left out, except for themselves (they still see their own place).
    `viewer_id` may be a bound parameter, an id, or None (a TV: nobody is the viewer). Store boards
    don't apply it: colleagues of one store see each other anyway. Challenges across stores call it too,
    so the switch means the same everywhere."""
    hidden = sa.select(BoardPrivacy.person_id).where(BoardPrivacy.hidden_wide.is_(True))
    return sa.or_(person_id.not_in(hidden), person_id == viewer_id)


def _order(score, descending: bool = True) -> list:
    if descending:
        return [score.c.points.desc(), score.c.reached_at.asc(), score.c.person_id.asc()]
    return [score.c.points.asc(), score.c.reached_at.desc(), score.c.person_id.desc()]


def _ahead_of_mark(score):
    return sa.or_(score.c.points > _POINTS, sa.and_(score.c.points == _POINTS, sa.or_(
        score.c.reached_at < _REACHED_AT, sa.and_(score.c.reached_at == _REACHED_AT, score.c.person_id < _VIEWER))))


def _behind_mark(score):
    return sa.or_(score.c.points < _POINTS, sa.and_(score.c.points == _POINTS, sa.or_(
        score.c.reached_at > _REACHED_AT, sa.and_(score.c.reached_at == _REACHED_AT, score.c.person_id > _VIEWER))))


@functools.cache
def _statements(kind: str) -> _Statements:
    scores, people = BoardScore.__table__, Person.__table__
    score, person = scores.alias("score"), people.alias("person")
    other, other_person = scores.alias("other"), people.alias("other_person")

    def count_where(condition):
        return (sa.select(sa.func.count()).select_from(other.join(other_person, other_person.c.id == other.c.person_id))
                .where(*_members(other, other_person, kind, positive=False), condition).scalar_subquery())

    stores = Store.__table__
    members = (sa.select(score.c.person_id, person.c.full_name, stores.c.name.label("store_name"), score.c.points,
                         score.c.reached_at)
               .select_from(score.join(person, person.c.id == score.c.person_id)
                            .outerjoin(stores, stores.c.id == score.c.store_id))
               .where(*_members(score, person, kind)))

    def ranked(window: sa.Select, descending: bool = True) -> sa.Select:
        """Rank and ties for the rows of `window` only. Counted in the outer query, after the window's
        LIMIT: in the same query as the ORDER BY, SQLite counted for every member before sorting, so a
        company board of 10,000 cost 10,000 × 10,000 (43 s at 10k people)."""
        rows = window.subquery("board_window")
        return (sa.select(rows.c.person_id, rows.c.full_name, rows.c.store_name, rows.c.points, rows.c.reached_at,
                          (count_where(other.c.points > rows.c.points) + 1).label("rank"),
                          count_where(other.c.points == rows.c.points).label("same"))
                .order_by(*_order(rows, descending)))

    next_up = (sa.select(score.c.points, person.c.full_name)
               .select_from(score.join(person, person.c.id == score.c.person_id))
               .where(*_members(score, person, kind), score.c.points > _POINTS)
               .order_by(*_order(score, descending=False)).limit(1))
    return _Statements(
        top=ranked(members.order_by(*_order(score)).limit(_LIMIT)),
        viewer=ranked(members.where(score.c.person_id == _VIEWER)),
        above=ranked(members.where(_ahead_of_mark(score)).order_by(*_order(score, descending=False)).limit(_LIMIT),
                     descending=False),
        below=ranked(members.where(_behind_mark(score)).order_by(*_order(score)).limit(_LIMIT)),
        next_up=next_up)


def _display_name(full_name: str, parts: list[str]) -> str:
    return full_name if len(parts) < 2 else f"{parts[0]} {parts[-1][0]}."


def _row(found, viewer_id: int | None) -> BoardRow:
    person_id, full_name, store_name, points, _reached_at, rank, same = found
    parts = full_name.split()
    return BoardRow(rank=rank, person_id=person_id, display_name=_display_name(full_name, parts),
                    first_name=parts[0] if parts else "", initials="".join(part[0] for part in parts[:2]).upper(),
                    store_name=store_name, points=points, tied=same > 1, is_viewer=person_id == viewer_id)


def _top(spec: _Spec, limit: int) -> list:
    return list(db.session.execute(_statements(spec.kind).top, spec.parameters(limit=limit)))


def _viewer_row(spec: _Spec):
    return db.session.execute(_statements(spec.kind).viewer, spec.parameters()).first()


def _neighbours(spec: _Spec, mine, above: int, below: int) -> tuple[list, list]:
    _person_id, _name, _store, points, reached_at, _rank, _same = mine
    statements = _statements(spec.kind)
    mark = spec.parameters(points=points, reached_at=reached_at)
    up = list(db.session.execute(statements.above, {**mark, "limit": above})) if above else []
    down = list(db.session.execute(statements.below, {**mark, "limit": below})) if below else []
    return list(reversed(up)), down


def _next_up(spec: _Spec, points: int) -> Ahead | None:
    """The nearest member with more points than `points` (the last of them, when several tie)."""
    found = db.session.execute(_statements(spec.kind).next_up, spec.parameters(points=points)).first()
    if found is None:
        return None
    parts = found[1].split()
    return Ahead(found[0] - points, parts[0] if parts else "", _display_name(found[1], parts))


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
    top = [_row(found, viewer.id) for found in _top(spec, TOP)]
    mine = _viewer_row(spec)
    neighbourhood: list[BoardRow] = []
    viewer_row = _row(mine, viewer.id) if mine else None
    if mine is not None:
        shown = {row.person_id for row in top}
        in_top = viewer_row.person_id in shown
        position = next((index for index, row in enumerate(top) if row.is_viewer), None)
        # Only what the top rows don't already show: the viewer and up to two either side.
        below_needed = NEIGHBOURS if not in_top else max(0, position + NEIGHBOURS - (len(top) - 1))
        up, down = _neighbours(spec, mine, 0 if in_top else NEIGHBOURS, below_needed if len(top) == TOP else 0)
        for found in up + ([mine] if not in_top else []) + down:
            row = _row(found, viewer.id)
            if row.person_id not in shown:
                neighbourhood.append(row)
                shown.add(row.person_id)
    ahead = None
    if (viewer_row is None and viewer.store_id is not None) or (viewer_row is not None and viewer_row.rank > 1):
        ahead = _next_up(spec, viewer_row.points if viewer_row else 0)
    hidden = False
    if resolved.kind != STORE:
        hidden = bool(db.session.scalar(sa.select(BoardPrivacy.hidden_wide)
                                        .where(BoardPrivacy.person_id == viewer.id)))
    return Board(scope=resolved, period=period, period_start=spec.start,
                 period_end=periods.period_end(period, spec.start), rows=top, neighbourhood=neighbourhood,
                 viewer=viewer_row, viewer_hidden=hidden, ahead=ahead)


def store_top(store_id: int, period: str = periods.WEEK, limit: int = TOP) -> list[BoardRow]:
    """A store's top rows (rank, display name, points): what the store's TV screen shows. Display names
    only; the period follows the store's time zone."""
    timezone = db.session.scalar(sa.select(Store.timezone).where(Store.id == store_id))
    if timezone is None:
        return []
    spec = _spec(STORE, store_id, period, zone_named(timezone))
    return [_row(found, None) for found in _top(spec, limit)]


def standing(person: Person, period: str = periods.WEEK) -> Standing | None:
    """Where `person` stands on their store's board ("2 points behind Giulia"); None without a store."""
    if person.store_id is None:
        return None
    spec = _spec(STORE, person.store_id, period, zone_for(person), person.id)
    mine = _viewer_row(spec)
    row = _row(mine, person.id) if mine else None
    ahead = _next_up(spec, row.points if row else 0) if row is None or row.rank > 1 else None
    return Standing(rank=row.rank if row else None, points=row.points if row else 0,
                    points_behind=ahead.points_behind if ahead else None,
                    ahead_name=ahead.first_name if ahead else None, tied=row.tied if row else False,
                    store_name=person.store.name if person.store else None)


__all__ = ["COMPANY", "DISTRICT", "STORE", "Ahead", "Board", "BoardRow", "Standing", "board",
           "shown_on_wide_board", "standing", "store_top"]
