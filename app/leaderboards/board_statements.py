"""The board statements (app/leaderboards/queries.py runs them), built once per board kind with bound
parameters and reused: building them per request cost most of a board request's CPU, and a reused
statement keeps its cache key, so SQLAlchemy's compiled cache answers at once. Plain table aliases (not
ORM entities): the rows are tuples, so the ORM has nothing to add per execution.

Every statement reads one board index as a range: who counts on a board is kept on the score rows
(`active`, `hidden_wide`), in the index before the points, in the board's order (points high first,
then who reached them first, then id)."""

import functools
from dataclasses import dataclass

import sqlalchemy as sa

from app.leaderboards.access import COMPANY, DISTRICT, STORE
from app.leaderboards.models import BoardPoints, BoardScore
from app.org.models import Person, Store

_PERIOD = sa.bindparam("period", type_=sa.String)
_START = sa.bindparam("start", type_=sa.Date)
_SCOPE = sa.bindparam("scope_id", type_=sa.Integer)
_VIEWER = sa.bindparam("viewer_id", type_=sa.Integer)
_POINTS = sa.bindparam("points", type_=sa.Integer)
_REACHED_AT = sa.bindparam("reached_at", type_=sa.DateTime)
_MARK = sa.bindparam("mark_id", type_=sa.Integer)  # the person whose place the window starts from
_LIMIT = sa.bindparam("limit", type_=sa.Integer)


@dataclass(frozen=True)
class Statements:
    top: sa.Select  # the best `limit` members
    above: sa.CompoundSelect  # the members just ahead of a viewer, the next one up, the counts placing them
    after: sa.Select  # the `limit` members just behind a place (points, reached_at, mark_id), nearest first
    next_up: sa.Select  # the nearest member with more than `points`


def _listed(score, kind: str) -> list:
    """Who the board counts, as equalities on the leading columns of the board's index (the points come
    next in it): active people of the scope, and on wide boards not those who hide from them. A viewer who
    hides is added back for themselves in Python (board), never in SQL: "or the viewer" would stop the
    index from being read as one range."""
    conditions = [score.c.period == _PERIOD, score.c.period_start == _START, score.c.active.is_(True)]
    if kind == STORE:
        conditions.append(score.c.store_id == _SCOPE)
    elif kind == DISTRICT:
        conditions.append(score.c.district_id == _SCOPE)
    if kind != STORE:
        conditions.append(score.c.hidden_wide.is_(False))
    return conditions


def _order(score, descending: bool = True) -> list:
    if descending:
        return [score.c.points.desc(), score.c.reached_at.asc(), score.c.person_id.asc()]
    return [score.c.points.asc(), score.c.reached_at.desc(), score.c.person_id.desc()]


def _ahead_of_mark(score):
    # `points >= :points` first, on its own: the range the index is read over.
    return sa.and_(score.c.points >= _POINTS, sa.or_(score.c.points > _POINTS, sa.or_(
        score.c.reached_at < _REACHED_AT, sa.and_(score.c.reached_at == _REACHED_AT, score.c.person_id < _MARK))))


def _behind_mark(score):
    return sa.and_(score.c.points > 0, score.c.points <= _POINTS, sa.or_(score.c.points < _POINTS, sa.or_(
        score.c.reached_at > _REACHED_AT, sa.and_(score.c.reached_at == _REACHED_AT, score.c.person_id > _MARK))))


_scores, _people, _stores = BoardScore.__table__, Person.__table__, Store.__table__


def _named(window: sa.Select, descending: bool = True) -> sa.Select:
    """The names of a window's rows, joined after its LIMIT: only the rows shown meet `people`."""
    rows = window.subquery("board_window")
    return (sa.select(rows.c.person_id, _people.c.full_name, _stores.c.name, rows.c.points, rows.c.reached_at)
            .select_from(rows.join(_people, _people.c.id == rows.c.person_id)
                         .outerjoin(_stores, _stores.c.id == rows.c.store_id))
            .order_by(*_order(rows, descending)))


@functools.cache
def statements(kind: str) -> Statements:
    score = _scores.alias("score")
    members = sa.select(score.c.person_id, score.c.store_id, score.c.points, score.c.reached_at).where(
        *_listed(score, kind))
    next_up = members.where(score.c.points > _POINTS).order_by(*_order(score, descending=False)).limit(1)
    return Statements(
        top=_named(members.where(score.c.points > 0).order_by(*_order(score)).limit(_LIMIT)),
        above=_above(kind, members.where(_ahead_of_mark(score)).order_by(*_order(score, descending=False))
                     .limit(_LIMIT), next_up),
        after=_named(members.where(_behind_mark(score)).order_by(*_order(score)).limit(_LIMIT)),
        next_up=_named(next_up))


def _above(kind: str, ahead: sa.Select, next_up: sa.Select) -> sa.CompoundSelect:
    """One statement for a viewer below the top ten, in three parts: the `limit` members just ahead of them
    (AHEAD), the next one up (NEXT_UP: further up when those ahead tie with the viewer), and one row of
    counts (COUNTS) at the farthest of those ahead: how many members have more points (`more`), and as
    many (`same`), which places the viewer's run on the board."""
    other = _scores.alias("other")
    head = sa.select(sa.func.max(ahead.subquery("ahead_head").c.points)).scalar_subquery()
    nothing = sa.cast(sa.null(), sa.Integer)

    def named(window: sa.Select, part: int) -> sa.Select:
        rows = window.subquery()
        return (sa.select(sa.literal_column(str(part)).label("part"), rows.c.person_id, _people.c.full_name,
                          _stores.c.name.label("store_name"), rows.c.points, rows.c.reached_at,
                          nothing.label("more"), nothing.label("same"))
                .select_from(rows.join(_people, _people.c.id == rows.c.person_id)
                             .outerjoin(_stores, _stores.c.id == rows.c.store_id)))

    if kind == COMPANY:  # the company board keeps how many have each score: the sum of a few hundred rows
        histogram = BoardPoints.__table__

        def count_where(condition):
            return sa.select(sa.func.coalesce(sa.func.sum(histogram.c.members), 0)).where(
                histogram.c.period == _PERIOD, histogram.c.period_start == _START,
                condition(histogram.c.points)).scalar_subquery()
    else:  # a district or a store: a range of the board's index, a few hundred entries at most

        def count_where(condition):
            # A bare count(*): a CASE per entry, counting both in one pass, cost more than a second pass
            # over the few entries that tie. No "more than 0 points": the bound implies it, and given both
            # SQLite ranged the index on the constant and counted the whole board.
            return sa.select(sa.func.count()).where(*_listed(other, kind), condition(other.c.points)
                                                    ).scalar_subquery()

    counts = sa.select(sa.literal_column(str(COUNTS)), nothing, sa.cast(sa.null(), sa.String),
                       sa.cast(sa.null(), sa.String), nothing, sa.cast(sa.null(), sa.DateTime),
                       count_where(lambda points: points > head), count_where(lambda points: points == head))
    return sa.union_all(named(ahead, AHEAD), named(next_up, NEXT_UP), counts)


AHEAD, NEXT_UP, COUNTS = 0, 1, 2  # the parts of _above


def _viewer_statement(ranked: bool) -> sa.Select:
    """The viewer's own score row, on whichever board (the caller checks it belongs), with who it counts
    for; `ranked` adds how many on their store board have more points and as many (the home card's rank)."""
    score = _scores.alias("mine")
    columns = [score.c.person_id, _people.c.full_name, _stores.c.name.label("store_name"), score.c.points,
               score.c.reached_at, score.c.store_id, score.c.district_id, score.c.active, score.c.hidden_wide]
    if ranked:
        other = _scores.alias("other")

        def count_where(condition):
            return (sa.select(sa.func.count()).where(*_listed(other, STORE), condition)
                    .correlate(score).scalar_subquery())
        columns += [count_where(other.c.points > score.c.points).label("more"),
                    count_where(other.c.points == score.c.points).label("same")]
    return (sa.select(*columns)
            .select_from(score.join(_people, _people.c.id == score.c.person_id)
                         .outerjoin(_stores, _stores.c.id == score.c.store_id))
            .where(score.c.person_id == _VIEWER, score.c.period == _PERIOD, score.c.period_start == _START))


VIEWER_ROW = _viewer_statement(ranked=False)
VIEWER_RANKED = _viewer_statement(ranked=True)
