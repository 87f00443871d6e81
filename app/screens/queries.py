"""What a TV shows, and the screens a manager looks after.

The board's sections come from other features (leaderboards, challenges, KPIs). Each is looked up by
name when the board is drawn, so a feature that isn't installed (or not yet built) leaves its section
out instead of breaking the screen."""

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.core.models import utcnow
from app.core.timezones import local_time, zone_named
from app.extensions import db
from app.org import authz
from app.org.models import Person, Store
from app.screens.models import ScreenToken

LEADERBOARD_LIMIT = 10
KPI_TILES = 6  # what fits at TV size; measured ones first
SECTIONS = {
    "leaderboard": ("app.leaderboards.queries", "store_top"),
    "challenges": ("app.challenges.queries", "running_for_store"),
    "kpis": ("app.kpis.queries", "today_tiles"),
}


def screens_for(person: Person) -> list[ScreenToken]:
    """Screens of the stores `person` manages, live ones first."""
    query = authz.in_store_scope(
        sa.select(ScreenToken).options(selectinload(ScreenToken.store), selectinload(ScreenToken.created_by)),
        person, ScreenToken.store_id)
    return list(db.session.scalars(query.order_by(ScreenToken.revoked_at.is_not(None),
                                                  ScreenToken.created_at.desc(), ScreenToken.id.desc())))


def manageable_screen_or_none(person: Person, screen_id: int) -> ScreenToken | None:
    screen = db.session.get(ScreenToken, screen_id)
    if screen is None or not authz.can_manage_store(person, screen.store_id):
        return None
    return screen


def _provider(section: str) -> Callable | None:
    module_name, function_name = SECTIONS[section]
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return None
    return getattr(module, function_name, None)


@dataclass(frozen=True)
class ChallengeLeader:
    name: str
    score: object


@dataclass(frozen=True)
class ChallengeCard:
    title: str
    ends_at: object
    leaders: list[ChallengeLeader]


def _first(item, *names, default=None):
    for name in names:
        value = item.get(name) if isinstance(item, dict) else getattr(item, name, None)
        if value is not None:
            return value
    return default


def _challenge_card(item) -> ChallengeCard:
    """Only a display name and a score per leader reach the screen, whatever the challenge row holds."""
    leaders = _first(item, "top", "leaders", "top3", default=[]) or []
    return ChallengeCard(
        title=_first(item, "title", default=""), ends_at=_first(item, "ends_at"),
        leaders=[ChallengeLeader(_first(leader, "display_name", "name", default=""),
                                 _first(leader, "score", "points", default=""))
                 for leader in list(leaders)[:3]])


@dataclass
class TvBoard:
    store: Store
    updated_at: datetime
    leaderboard: list | None = None  # None: the section is not available
    challenges: list[ChallengeCard] | None = None
    kpis: list | None = None
    sections: list[str] = field(default_factory=list)


def _store_now(store: Store) -> datetime:
    return local_time(utcnow(), zone_named(store.timezone))


def board(store: Store) -> TvBoard:
    result = TvBoard(store=store, updated_at=_store_now(store))
    if (store_top := _provider("leaderboard")) is not None:
        result.leaderboard = list(store_top(store.id, period="week", limit=LEADERBOARD_LIMIT))
    if (running := _provider("challenges")) is not None:
        result.challenges = [_challenge_card(item) for item in running(store.id)]
    if (tiles := _provider("kpis")) is not None:
        found = list(tiles(store.id))
        result.kpis = sorted(found, key=lambda tile: getattr(tile, "status", None) is None)[:KPI_TILES]
    result.sections = [name for name in ("leaderboard", "challenges", "kpis") if getattr(result, name) is not None]
    return result
