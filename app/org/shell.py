"""The chain's structure lines of a new chain's set-up checklist (declared in app/org/__init__.py): districts,
stores, people, managers and invites, each worked out from the data."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.auth.models import InviteToken
from app.core.models import utcnow
from app.extensions import db
from app.home.setup import SetupItem
from app.org.models import District, Person, Role, Store


def _count(query) -> int:
    return db.session.scalar(query) or 0


def setup_items() -> list[SetupItem]:
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
    return [
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
    ]
