"""Read models for the league pages: which leagues a person sees, and which of their divisions."""

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.leagues import periods, seasons
from app.leagues.headcounts import Headcount, active_people, headcounts
from app.leagues.models import League, LeagueSeason
from app.leagues.services import can_run
from app.leagues.standings import Division, season_standings
from app.org import authz
from app.org.models import ORG_WIDE_ROLES, Person, Role, Store


def _home_district_id(person: Person) -> int | None:
    if person.role == Role.DISTRICT_MANAGER:
        return person.district_id
    return person.store.district_id if person.store is not None else None


def visible_leagues(person: Person) -> list[League]:
    """Company leagues for everyone; district leagues for that district's people (and HR, admins)."""
    query = sa.select(League).where(League.active.is_(True)).options(selectinload(League.kpi))
    if person.role not in ORG_WIDE_ROLES:
        district_id = _home_district_id(person)
        query = query.where(sa.or_(League.district_id.is_(None), League.district_id == (district_id or -1)))
    return list(db.session.scalars(query.order_by(League.district_id.is_not(None), League.name, League.id)))


def manageable_leagues(person: Person) -> list[League]:
    query = sa.select(League).options(selectinload(League.kpi), selectinload(League.district))
    if person.role not in ORG_WIDE_ROLES:
        query = query.where(League.district_id == (person.district_id or -1), League.district_id.is_not(None))
    return list(db.session.scalars(query.order_by(League.active.desc(), League.name, League.id)))


def manageable_league_or_none(person: Person, league_id: int) -> League | None:
    league = db.session.get(League, league_id)
    return league if league is not None and can_run(person, league) else None


@dataclass
class LeaguePage:
    leagues: list[League]
    league: League | None = None
    season: LeagueSeason | None = None
    divisions: list[Division] = field(default_factory=list)
    division_count: int = 0
    my_store_id: int | None = None
    my_store_outside: bool = False  # the person's store isn't in this season (joined mid-month)
    may_manage: bool = False


def _visible_divisions(person: Person, divisions: list[Division]) -> list[Division]:
    """Associates and store managers: their store's division. District managers: the divisions holding a
    store of theirs. HR and admins: all."""
    scope = authz.store_ids_in_scope(person)
    if scope is None:
        return divisions
    if person.role == Role.DISTRICT_MANAGER:
        return [division for division in divisions if any(row.store_id in scope for row in division.rows)]
    return [division for division in divisions if division.has_store(person.store_id)]


def league_page(person: Person, league_id: int | None) -> LeaguePage:
    leagues = visible_leagues(person)
    page = LeaguePage(leagues=leagues, my_store_id=person.store_id)
    if not leagues:
        return page
    league = next((league for league in leagues if league.id == league_id), leagues[0])
    page.league = league
    page.may_manage = can_run(person, league)
    page.season = seasons.latest_season(league.id)
    if page.season is None:
        return page
    page.season.league = league  # already loaded: no second query for it
    divisions = season_standings(page.season)
    page.division_count = len(divisions)
    page.divisions = _visible_divisions(person, divisions)
    if person.store_id is not None and person.role in (Role.STAFF, Role.STORE_MANAGER):
        page.my_store_outside = not page.divisions
    return page


@dataclass(frozen=True)
class HeadcountRow:
    store: Store
    headcount: Headcount
    active_people: int


def headcount_rows(person: Person, month: date) -> list[HeadcountRow]:
    """The stores a manager may set headcounts for, with this month's figure and the default."""
    stores = list(db.session.scalars(authz.visible_stores(person).order_by(Store.name)))
    ids = [store.id for store in stores]
    found = headcounts(ids, month)
    counted = active_people(ids)
    return [HeadcountRow(store, found[store.id], counted.get(store.id, 0)) for store in stores]


def headcount_months() -> list[date]:
    """This month and the next: a schedule is made ahead."""
    this_month = periods.month_start(periods.today())
    return [this_month, periods.next_month(this_month)]
