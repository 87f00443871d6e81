"""Creating and editing leagues. HR and admins run company leagues (or one for any district); a district
manager may run one for their own district."""

from dataclasses import dataclass

from flask_babel import gettext as _

from app.core import audit
from app.core.errors import ServiceError
from app.core.text import required_text
from app.extensions import db
from app.kpis.models import KpiDefinition
from app.leagues import periods, seasons
from app.leagues.models import Basis, League
from app.org.models import ORG_WIDE_ROLES, District, Person, Role

MIN_DIVISION, MAX_DIVISION = 3, 30


@dataclass(frozen=True)
class LeagueDraft:
    name: str
    basis: str
    kpi_id: int | None
    division_size: int | None
    district_id: int | None  # None: every store (HR and admins only)
    active: bool = True


def can_run(actor: Person, league: League) -> bool:
    if actor.role in ORG_WIDE_ROLES:
        return True
    return (actor.role == Role.DISTRICT_MANAGER and league.district_id is not None
            and league.district_id == actor.district_id)


def may_create(actor: Person) -> bool:
    return actor.role in ORG_WIDE_ROLES or (actor.role == Role.DISTRICT_MANAGER and actor.district_id is not None)


def _validated(actor: Person, draft: LeagueDraft) -> tuple[str, KpiDefinition | None]:
    name = required_text(draft.name, max_length=80, field="name",
                         required_message=_("Give the league a name."),
                         too_long_message=_("Keep the name under 80 characters."))
    if draft.basis not in set(Basis):
        raise ServiceError(_("Choose how stores are compared."), field="basis")
    kpi = None
    if draft.basis == Basis.PERCENT_OF_TARGET:
        kpi = db.session.get(KpiDefinition, draft.kpi_id) if draft.kpi_id else None
        if kpi is None or not kpi.active:
            raise ServiceError(_("Choose the KPI whose target the stores chase."), field="kpi_id")
    if draft.division_size is None or not MIN_DIVISION <= draft.division_size <= MAX_DIVISION:
        raise ServiceError(_("A division holds between %(low)d and %(high)d stores.", low=MIN_DIVISION,
                             high=MAX_DIVISION), field="division_size")
    return name, kpi


def create_league(actor: Person, draft: LeagueDraft) -> League:
    """Create the league and open its first season (this month's divisions). Flushes."""
    if not may_create(actor):
        raise ServiceError(_("Only HR, administrators and district managers run leagues."))
    name, kpi = _validated(actor, draft)
    district_id = draft.district_id
    if actor.role == Role.DISTRICT_MANAGER:
        district_id = actor.district_id  # a district manager's league is always their district's
    elif district_id is not None and db.session.get(District, district_id) is None:
        raise ServiceError(_("That district doesn't exist."), field="district_id")
    league = League(name=name, basis=draft.basis, kpi_id=kpi.id if kpi else None,
                    division_size=draft.division_size, district_id=district_id, active=True,
                    created_by_id=actor.id)
    db.session.add(league)
    db.session.flush()
    seasons.ensure_season(league, periods.month_start(periods.today()))
    audit.record("league.created", actor_id=actor.id, target_type="league", target_id=league.id, name=name,
                 basis=league.basis, kpi=kpi.code if kpi else None, division_size=league.division_size,
                 district_id=district_id)
    return league


def update_league(actor: Person, league: League, draft: LeagueDraft) -> League:
    """Name, basis, KPI and division size; the scope stays. A new basis re-ranks the running month; closed
    months keep their frozen standings; a new division size applies when divisions are next drawn. Flushes."""
    if not can_run(actor, league):
        raise ServiceError(_("You can't change this league."))
    name, kpi = _validated(actor, draft)
    league.name = name
    league.basis = draft.basis
    league.kpi_id = kpi.id if kpi else None
    league.division_size = draft.division_size
    was_active, league.active = league.active, draft.active
    if league.active and not was_active:
        seasons.ensure_season(league, periods.month_start(periods.today()))
    audit.record("league.updated", actor_id=actor.id, target_type="league", target_id=league.id, name=name,
                 basis=league.basis, kpi=kpi.code if kpi else None, division_size=league.division_size,
                 active=league.active)
    db.session.flush()
    return league
