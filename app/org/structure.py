"""The chain's structure: districts and the stores in them. Created, renamed, moved and closed here, so the
screens and `flask org district|store …` refuse the same things with the same words, and every change is
audited. Closing never deletes: people's points, boards and reviews of the past still name the place.

Codes are what the CSV import names stores and districts by: stored upper-case and unique whatever the
case they are typed in (MI01 and mi01 are one store to a person reading an import file)."""

import re
from functools import cache
from zoneinfo import available_timezones

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from app.config import SUPPORTED_LOCALES
from app.core import audit
from app.core.errors import ServiceError
from app.core.models import utcnow
from app.core.text import squash_spaces
from app.core.timezones import default_zone_name
from app.extensions import db
from app.org.models import District, Person, Store

CODE_MAX = 20
# ASCII only: str.isalnum() also takes "ＭＩ０１", "МI01" (Cyrillic) or "MI0¹", a second "MI01" to whoever
# reads an import file or a board.
_CODE = re.compile(rf"[A-Z0-9-]{{1,{CODE_MAX}}}", re.ASCII)
NAME_MAX = 120


def company_language() -> str:
    """The language people created from the shell speak unless told otherwise (COMPANY_LANGUAGE)."""
    language = current_app.config.get("COMPANY_LANGUAGE") or "it"
    return language if language in SUPPORTED_LOCALES else "it"


@cache
def _zone_names() -> tuple[str, ...]:
    # Only Area/City names: the legacy aliases (EST, Etc/GMT+3, US/Pacific) read as typos in a list.
    names = {name for name in available_timezones()
             if "/" in name and not name.startswith(("Etc/", "SystemV/", "US/", "posix/", "right/"))}
    return tuple(sorted(names))


def timezone_groups() -> dict[str, list[tuple[str, str]]]:
    """Time zones for a select, by continent, Europe first (the chain's stores are European)."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for name in sorted(_zone_names(), key=lambda zone: (not zone.startswith("Europe/"), zone)):
        groups.setdefault(name.split("/", 1)[0], []).append((name, name.replace("_", " ")))
    return groups


def is_known_timezone(name: str) -> bool:
    return name in available_timezones()


def default_timezone() -> str:
    return default_zone_name()


def _clean_code(code: str | None) -> str:
    return (code or "").strip().upper()


def _clean_name(name: str | None) -> str:
    return squash_spaces(name)


def _code_problem(model, code: str, existing_id: int | None = None) -> str | None:
    is_store = model is Store
    if not _CODE.fullmatch(code) or not code.replace("-", ""):
        return (_("Store code is needed: at most 20 letters A–Z, digits 0–9 or hyphens.") if is_store
                else _("District code is needed: at most 20 letters A–Z, digits 0–9 or hyphens."))
    query = sa.select(model.id).where(sa.func.upper(model.code) == code)
    if existing_id is not None:
        query = query.where(model.id != existing_id)
    if db.session.scalar(query) is not None:
        return (_("Store code %(code)s is already in use.", code=code) if is_store
                else _("District code %(code)s is already in use.", code=code))
    return None


def _name_problem(model, name: str) -> str | None:
    if not name or len(name) > NAME_MAX:
        return (_("Store name is needed (at most 120 characters).") if model is Store
                else _("District name is needed (at most 120 characters)."))
    return None


def _city_problem(city: str) -> str | None:
    return _("The city is longer than 120 characters.") if len(city) > NAME_MAX else None


def _refuse_if(problems: list[str | None]) -> None:
    found = [problem for problem in problems if problem]
    if found:
        raise ServiceError(" ".join(found))


def _record(action: str, actor: Person | None, place: District | Store, **details) -> None:
    """Audit a change to a district or a store: "district.closed" targets a district. No actor: the CLI."""
    audit.record(action, actor_id=actor.id if actor else None, target_type=action.split(".")[0],
                 target_id=place.id, **details)


def _mark_closed(action: str, actor: Person | None, place: District | Store):
    """Close a district or store once nothing is left in it: never deleted, its history still names it."""
    place.closed_at = utcnow()
    _record(action, actor, place, code=place.code)
    return place


# Districts ----------------------------------------------------------------------------------------------

def district_or_none(district_id: int | None) -> District | None:
    return db.session.get(District, district_id) if district_id is not None else None


def district_by_code(code: str) -> District | None:
    return db.session.scalar(sa.select(District).where(sa.func.upper(District.code) == _clean_code(code)))


def create_district(actor: Person | None, *, code: str, name: str) -> District:
    code, name = _clean_code(code), _clean_name(name)
    _refuse_if([_code_problem(District, code), _name_problem(District, name)])
    district = District(code=code, name=name)
    db.session.add(district)
    db.session.flush()
    _record("district.created", actor, district, code=code, name=name)
    return district


def rename_district(actor: Person | None, district: District, *, name: str) -> District:
    name = _clean_name(name)
    _refuse_if([_name_problem(District, name)])
    if name != district.name:
        before, district.name = district.name, name
        _record("district.renamed", actor, district, before=before, after=name)
    return district


def open_store_count(district: District) -> int:
    return db.session.scalar(sa.select(sa.func.count(Store.id)).where(
        Store.district_id == district.id, Store.closed_at.is_(None)))


def close_district(actor: Person | None, district: District) -> District:
    if district.closed_at is not None:
        raise ServiceError(_("District %(name)s is already closed.", name=district.name))
    stores = open_store_count(district)
    if stores:
        raise ServiceError(_("District %(name)s still has %(n)d open store(s): move or close them first.",
                             name=district.name, n=stores))
    managers = db.session.scalar(sa.select(sa.func.count(Person.id)).where(
        Person.district_id == district.id, Person.active.is_(True)))
    if managers:
        raise ServiceError(_("%(n)d active district manager(s) still look after %(name)s: give them another "
                             "district first.", n=managers, name=district.name))
    return _mark_closed("district.closed", actor, district)


# Stores -------------------------------------------------------------------------------------------------

def store_or_none(store_id: int | None) -> Store | None:
    return db.session.get(Store, store_id) if store_id is not None else None


def store_by_code(code: str) -> Store | None:
    return db.session.scalar(sa.select(Store).where(sa.func.upper(Store.code) == _clean_code(code)))


def _open_district_problem(district_id: int | None) -> str | None:
    district = district_or_none(district_id)
    if district is None:
        return _("Choose the store's district.")
    if district.closed_at is not None:
        return _("District %(name)s is closed: choose an open one.", name=district.name)
    return None


def _timezone_problem(timezone: str) -> str | None:
    if not is_known_timezone(timezone):
        return _("%(tz)s is not a known time zone.", tz=timezone or "—")
    return None


def create_store(actor: Person | None, *, code: str, name: str, city: str = "", district_id: int | None,
                 timezone: str | None = None) -> Store:
    code, name, city = _clean_code(code), _clean_name(name), _clean_name(city)
    timezone = (timezone or "").strip() or default_timezone()
    _refuse_if([_code_problem(Store, code), _name_problem(Store, name), _city_problem(city),
                _open_district_problem(district_id), _timezone_problem(timezone)])
    store = Store(code=code, name=name, city=city, district_id=district_id, timezone=timezone)
    db.session.add(store)
    db.session.flush()
    _record("store.created", actor, store, code=code, district_id=district_id)
    return store


def update_store(actor: Person | None, store: Store, *, code: str | None = None, name: str | None = None,
                 city: str | None = None, timezone: str | None = None) -> Store:
    """Change what is given (None keeps the current value). The district changes with move_store."""
    changes = {
        "code": store.code if code is None else _clean_code(code),
        "name": store.name if name is None else _clean_name(name),
        "city": store.city if city is None else _clean_name(city),
        "timezone": store.timezone if timezone is None else timezone.strip(),
    }
    _refuse_if([_code_problem(Store, changes["code"], existing_id=store.id),
                _name_problem(Store, changes["name"]), _city_problem(changes["city"]),
                _timezone_problem(changes["timezone"])])
    before = {key: getattr(store, key) for key in changes if getattr(store, key) != changes[key]}
    if before:
        for key, value in changes.items():
            setattr(store, key, value)
        _record("store.updated", actor, store, before=before, after={key: changes[key] for key in before})
    return store


def move_store(actor: Person | None, store: Store, *, district_id: int | None) -> Store:
    """The store, its people and its history go to another district (its boards follow from now on)."""
    if store.closed_at is not None:
        raise ServiceError(_("Store %(name)s is closed.", name=store.name))
    _refuse_if([_open_district_problem(district_id)])
    if district_id != store.district_id:
        before, store.district_id = store.district_id, district_id
        _record("store.moved", actor, store, before=before, after=district_id)
    return store


def edit_store(actor: Person | None, store: Store, *, code: str, name: str, city: str, timezone: str,
               district_id: int | None) -> Store:
    """The store form: its details, and a move when another district is chosen. All or nothing."""
    update_store(actor, store, code=code, name=name, city=city, timezone=timezone)
    if district_id != store.district_id:
        move_store(actor, store, district_id=district_id)
    return store


def active_people_count(store: Store) -> int:
    return db.session.scalar(sa.select(sa.func.count(Person.id)).where(
        Person.store_id == store.id, Person.active.is_(True)))


def close_store(actor: Person | None, store: Store) -> Store:
    """Refused while active people work there: closing must not leave anyone without a store."""
    if store.closed_at is not None:
        raise ServiceError(_("Store %(name)s is already closed.", name=store.name))
    people = active_people_count(store)
    if people:
        raise ServiceError(_("%(n)d active people still work at %(name)s: move them to another store (or "
                             "deactivate them) first.", n=people, name=store.name))
    return _mark_closed("store.closed", actor, store)
