"""Districts and stores (app/org/structure.py): every bad input is refused with its reason and changes
nothing; every change is audited; closing never deletes and never strands anyone."""

import pytest
import sqlalchemy as sa

from app.core.audit import AuditEntry
from app.core.errors import ServiceError
from app.extensions import db
from app.org import structure
from app.org.models import District, Store
from tests import factories


def audit_actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))


def counts() -> tuple[int, int]:
    return (db.session.scalar(sa.select(sa.func.count(District.id))),
            db.session.scalar(sa.select(sa.func.count(Store.id))))


def refused(message: str, change) -> None:
    before = counts()
    with pytest.raises(ServiceError, match=message):
        change()
    db.session.rollback()
    assert counts() == before
    assert audit_actions() == []


def test_districts_create_rename_and_close(org):
    district = structure.create_district(org.admin, code=" nord ", name="  Nord   Italia ")
    assert (district.code, district.name) == ("NORD", "Nord Italia")
    structure.rename_district(org.admin, district, name="Nord")
    structure.close_district(org.admin, district)
    assert district.closed_at is not None
    assert audit_actions() == ["district.created", "district.renamed", "district.closed"]
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "district.renamed"))
    assert (entry.actor_id, entry.details) == (org.admin.id, {"before": "Nord Italia", "after": "Nord"})


@pytest.mark.parametrize(("values", "message"), [
    ({"code": "lom"}, "District code LOM is already in use."),  # LOM exists: the other case is the same code
    ({"code": ""}, "District code is needed"),
    ({"code": "A B"}, "District code is needed"),
    ({"name": "   "}, "District name is needed"),
])
def test_districts_bad_input_changes_nothing(org, values, message):
    refused(message, lambda: structure.create_district(org.admin, **{"code": "NORD", "name": "Nord", **values}))


def test_districts_closing_with_open_stores_is_refused(org):
    refused("still has 2 open store", lambda: structure.close_district(org.admin, org.district))
    assert org.district.closed_at is None


def test_districts_closing_with_an_active_district_manager_is_refused(org):
    for store in (org.store, org.sibling_store):
        store.closed_at = store.created_at
    db.session.commit()
    refused("district manager", lambda: structure.close_district(org.admin, org.district))


def test_stores_create_with_the_default_time_zone(org):
    store = structure.create_store(org.hr, code="to01", name="Torino", city=" Torino ", district_id=org.district.id)
    assert (store.code, store.city, store.timezone) == ("TO01", "Torino", "Europe/Rome")
    assert audit_actions() == ["store.created"]


@pytest.mark.parametrize(("values", "message"), [
    ({"code": "mi01"}, "Store code MI01 is already in use."),  # another case of an existing code
    ({"code": ""}, "Store code is needed"),
    ({"name": ""}, "Store name is needed"),
    ({"timezone": "Europe/Atlantis"}, "Europe/Atlantis is not a known time zone."),
    ({"district_id": None}, "Choose the store's district."),
    ({"district_id": 987654}, "Choose the store's district."),  # an id that isn't a district
])
def test_stores_bad_input_changes_nothing(org, values, message):
    arguments = {"code": "TO01", "name": "Torino", "city": "", "district_id": org.district.id,
                 "timezone": "Europe/Rome", **values}
    refused(message, lambda: structure.create_store(org.hr, **arguments))


def test_stores_are_not_created_in_a_closed_district(org):
    closed = factories.make_district("Vecchio", "OLD")
    closed.closed_at = closed.created_at
    db.session.commit()
    refused("District Vecchio is closed", lambda: structure.create_store(
        org.hr, code="TO01", name="Torino", district_id=closed.id, timezone="Europe/Rome"))


def test_stores_update_changes_only_what_is_given_and_audits_it(org):
    structure.update_store(org.hr, org.store, name="Milano  Centro", timezone="Europe/London")
    assert (org.store.code, org.store.name, org.store.timezone) == ("MI01", "Milano Centro", "Europe/London")
    entry = db.session.scalar(sa.select(AuditEntry))
    assert entry.action == "store.updated"
    assert entry.details["after"] == {"name": "Milano Centro", "timezone": "Europe/London"}


def test_stores_update_refuses_a_code_another_store_has_in_other_case(org):
    with pytest.raises(ServiceError, match="Store code MB01 is already in use."):
        structure.update_store(org.hr, org.store, code="mb01")
    db.session.rollback()
    assert db.session.get(Store, org.store.id).code == "MI01"


def test_stores_move_to_another_district(org):
    structure.move_store(org.hr, org.store, district_id=org.other_district.id)
    assert org.store.district_id == org.other_district.id
    assert audit_actions() == ["store.moved"]


def test_stores_edit_is_all_or_nothing(org):
    """A move to a bad district undoes the rename made in the same save."""
    with pytest.raises(ServiceError):
        structure.edit_store(org.hr, org.store, code="MI01", name="Renamed", city="", timezone="Europe/Rome",
                             district_id=987654)
    db.session.rollback()
    store = db.session.get(Store, org.store.id)
    assert (store.name, store.district_id) == ("Milano Duomo", org.district.id)


def test_stores_closing_with_active_people_says_how_many(org):
    refused("3 active people still work at Milano Duomo", lambda: structure.close_store(org.hr, org.store))


def test_stores_close_an_empty_store(org):
    store = factories.make_store(org.district, "Bergamo", "BG01")
    structure.close_store(org.hr, store)
    assert store.closed_at is not None
    assert audit_actions() == ["store.closed"]
    with pytest.raises(ServiceError, match="already closed"):
        structure.close_store(org.hr, store)


def test_stores_closed_ones_are_no_longer_offered(org):
    from app.org.queries import district_choices, store_choices

    store = factories.make_store(org.district, "Bergamo", "BG01")
    structure.close_store(org.hr, store)
    assert store not in store_choices(org.hr)
    assert org.store in store_choices(org.hr)
    assert all(district.closed_at is None for district in district_choices())


def test_time_zones_are_grouped_with_europe_first(app):
    groups = structure.timezone_groups()
    assert next(iter(groups)) == "Europe"
    assert ("Europe/Rome", "Europe/Rome") in groups["Europe"]
    assert ("America/New_York", "America/New York") in groups["America"]
    assert not any(name.startswith("Etc/") for zones in groups.values() for name, _label in zones)


@pytest.mark.parametrize("code", ["ＭＩ０１", "МI01", "MI0¹", "MI٠1", "ⅯI01"])
def test_stores_codes_with_lookalike_unicode_are_refused(org, code):
    """Fullwidth, Cyrillic, superscript, Arabic-Indic and Roman-numeral look-alikes of MI01 would be a
    second "MI01" to a person reading an import file: codes are ASCII letters, digits and hyphens."""
    refused("Store code is needed", lambda: structure.create_store(
        org.hr, code=code, name="Look-alike", district_id=org.district.id, timezone="Europe/Rome"))


@pytest.mark.parametrize("code", ["ＮＯＲＤ", "НОРД"])
def test_districts_codes_with_lookalike_unicode_are_refused(org, code):
    refused("District code is needed", lambda: structure.create_district(org.admin, code=code, name="Nord"))
