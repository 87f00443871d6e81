"""The set-up checklist on HR's and administrators' home: what a new chain still lacks, each item worked out
from the data (never ticked by hand, so it can't claim what isn't true) with a link to the screen that does
it. One query per item; the card disappears once everything is done."""

from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from app.auth.models import InviteToken
from app.core.models import utcnow
from app.extensions import db
from app.org.models import District, Person, Role, Store


@dataclass(frozen=True)
class SetupItem:
    key: str
    label: str
    hint: str
    done: bool
    endpoint: str | None = None  # None: done outside the app (the server's settings)
    values: tuple = ()

    @property
    def url_values(self) -> dict:
        return dict(self.values)


def _count(query) -> int:
    return db.session.scalar(query) or 0


def setup_checklist() -> list[SetupItem]:
    from app.kpis.models import KpiTarget
    from app.missions.models import OnboardingJourney
    from app.rewards.models import Reward

    open_stores = Store.closed_at.is_(None)
    districts = _count(sa.select(sa.func.count(District.id)).where(District.closed_at.is_(None)))
    stores = _count(sa.select(sa.func.count(Store.id)).where(open_stores))
    people = _count(sa.select(sa.func.count(Person.id)).where(
        Person.active.is_(True), Person.role.in_((Role.STAFF, Role.STORE_MANAGER))))
    # Open stores with no active store manager, and open districts with no active district manager.
    has_sm = sa.exists().where(Person.store_id == Store.id, Person.role == Role.STORE_MANAGER,
                               Person.active.is_(True))
    has_dm = sa.exists().where(Person.district_id == District.id, Person.role == Role.DISTRICT_MANAGER,
                               Person.active.is_(True))
    unmanaged = db.session.execute(sa.select(
        sa.select(sa.func.count(Store.id)).where(open_stores, ~has_sm).scalar_subquery(),
        sa.select(sa.func.count(District.id)).where(District.closed_at.is_(None), ~has_dm).scalar_subquery(),
    )).one()
    open_invite = sa.exists().where(InviteToken.person_id == Person.id, InviteToken.used_at.is_(None),
                                    InviteToken.revoked_at.is_(None), InviteToken.expires_at > utcnow())
    without_invite = _count(sa.select(sa.func.count(Person.id)).where(
        Person.active.is_(True), Person.password_hash.is_(None), ~open_invite))
    journeys = _count(sa.select(sa.func.count(OnboardingJourney.id)).where(OnboardingJourney.active.is_(True)))
    rewards = _count(sa.select(sa.func.count(Reward.id)).where(Reward.active.is_(True)))
    targets = _count(sa.select(sa.func.count(KpiTarget.id)))
    company_named = bool(current_app.config.get("COMPANY_NAME"))
    return [
        SetupItem("company", _l("Company name and language"),
                  _l("Set COMPANY_NAME and COMPANY_LANGUAGE in the server's settings (see the README). "
                     "After changing the language, run “flask org localize-defaults” so the built-in KPIs, "
                     "badges, values and stages read in it."),
                  company_named),
        SetupItem("districts", _l("Districts"), _l("Every store belongs to a district."), districts > 0,
                  "org.districts" if districts else "org.new_district"),
        SetupItem("stores", _l("Stores"), _l("Each with its code, city and time zone."), stores > 0,
                  "org.stores" if stores else "org.new_store"),
        SetupItem("people", _l("People"), _l("Import them from a CSV file or add them one by one."), people > 0,
                  "org.import_people_page"),
        SetupItem("managers", _l("Managers assigned"),
                  _l("Every store has a store manager and every district a district manager."),
                  stores > 0 and districts > 0 and unmanaged == (0, 0), "org.stores"),
        SetupItem("invites", _l("Invites printed"),
                  _l("Everyone who hasn't signed in yet has a working invite."),
                  people > 0 and without_invite == 0, "org.people", (("status", "pending"),)),
        SetupItem("journey", _l("Onboarding journey active"), _l("New starters' first missions."), journeys > 0,
                  "missions.journeys"),
        SetupItem("rewards", _l("Rewards catalogue"), _l("What points can be spent on."), rewards > 0,
                  "rewards.manage"),
        SetupItem("kpi_targets", _l("KPI targets"), _l("The stores' targets for this month or quarter."),
                  targets > 0, "kpis.targets_page"),
    ]
