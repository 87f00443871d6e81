"""Competition ranking (1, 1, 3): equal scores share a rank, and the next rank skips the places they
took. A rank is 1 + how many rank strictly ahead. League divisions and challenge standings, which are in
memory whole, rank here; so do the leaderboards, whose boards never are: they rank the consecutive rows
they show here and place them on the board with one SQL count of those ahead (app/leaderboards/queries.py).

Who is listed first among equals is each board's own tie-break and never changes a rank: the boards list
who reached the score first, a league division the store name (its promotion and relegation zones need a
fixed order), a challenge the entrant's name."""

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

T = TypeVar("T")


def competition_ranks(items: Iterable[T], *, key: Callable[[T], Any],
                      tiebreak: Callable[[T], Any] = lambda _item: ()) -> list[tuple[int, T]]:
    """`items` best first, each with its rank: ordered by `key` as `sorted` orders (the smallest first;
    negate a score where more is better), then by `tiebreak`; items with equal keys share a rank."""
    ordered = sorted(((key(item), item) for item in items), key=lambda pair: (pair[0], tiebreak(pair[1])))
    ranked: list[tuple[int, T]] = []
    for position, (current, item) in enumerate(ordered, start=1):
        tied = position > 1 and current == ordered[position - 2][0]
        ranked.append((ranked[-1][0] if tied else position, item))
    return ranked
