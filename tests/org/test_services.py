"""The rules for creating and changing people and stores, shared by the form, the import and the CLI."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.core.audit import AuditEntry
from app.core.errors import ServiceError
from app.extensions import db
from app.org import services, structure
from app.org.models import Person, Role, Store
from app.org.services import PersonDraft


def draft(**values) -> PersonDraft:
    values.setdefault("employee_number", "N1")
    values.setdefault("full_name", "Anna Nuova")
    return PersonDraft(**values)


def audit_actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))


def test_store_manager_creates_staff_in_their_store(org):
    person = services.create_person(org.sm, draft(full_name="  Anna   Nuova ", email="Anna@Example.com",
                                                  store_id=org.store.id, manager_id=org.sm.id))
    assert person.id is not None
    assert person.full_name == "Anna Nuova"
    assert person.email == "anna@example.com"
    assert (person.role, person.store_id, person.manager_id) == (Role.STAFF, org.store.id, org.sm.id)
    entry = db.session.scalar(sa.select(AuditEntry))
    assert (entry.action, entry.actor_id, entry.target_id) == ("person.created", org.sm.id, person.id)
    assert entry.details == {"employee_number": "N1", "role": "staff"}


@pytest.mark.parametrize(("actor", "values", "message"), [
    ("sm", {"role": Role.STORE_MANAGER, "store": "store"}, "You can't give the role store_manager."),
    ("sm", {"role": Role.STAFF, "store": "other_store"}, "That store is outside the stores you manage."),
    ("sm", {"role": Role.STAFF, "store": "sibling_store"}, "That store is outside the stores you manage."),
    ("dm", {"role": Role.STAFF, "store": "other_store"}, "That store is outside the stores you manage."),
    ("dm", {"role": Role.DISTRICT_MANAGER}, "You can't give the role district_manager."),
    ("hr", {"role": Role.ADMIN}, "You can't give the role admin."),
    ("hr", {"role": Role.STAFF}, "A store is needed for this role."),
    ("hr", {"role": Role.DISTRICT_MANAGER}, "A district is needed for a district manager."),
    ("hr", {"role": Role.STAFF, "store_id": 999_999}, "That store doesn't exist."),
    ("hr", {"role": Role.STAFF, "store": "store", "manager_id": 999_999},
     "Choose a manager from the people you can see."),
    ("hr", {"role": Role.STAFF, "store": "store", "employee_number": "E1001"},
     "Employee number E1001 is already in use."),
    ("hr", {"role": Role.STAFF, "store": "store", "employee_number": "N/1"},
     "Employee number must be letters, digits or dashes, at most 32."),
    ("hr", {"role": Role.STAFF, "store": "store", "employee_number": "N" * 33},
     "Employee number must be letters, digits or dashes, at most 32."),
    ("hr", {"role": Role.STAFF, "store": "store", "full_name": "   "}, "Name is missing."),
    ("hr", {"role": Role.STAFF, "store": "store", "full_name": "A" * 121},
     "Name is longer than 120 characters."),
    ("hr", {"role": Role.STAFF, "store": "store", "email": "not an e-mail"},
     "is not a valid e-mail address."),
    ("hr", {"role": Role.STAFF, "store": "store", "locale": "fr"}, "Language must be one of: en, it."),
    ("hr", {"role": Role.STAFF, "store": "store", "hire_date": date.today() + timedelta(days=400)},
     "Hire date is more than a year away."),
])
def test_create_person_refuses_with_a_reason(org, actor, values, message):
    values = dict(values)
    if "store" in values:
        values["store_id"] = getattr(org, values.pop("store")).id
    before = db.session.scalar(sa.select(sa.func.count(Person.id)))
    with pytest.raises(ServiceError) as refused:
        services.create_person(getattr(org, actor), draft(**values))
    assert message in refused.value.message
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Person.id))) == before
    assert audit_actions() == []


def test_an_e_mail_in_use_is_refused_whatever_its_case(org):
    org.staff.email = "sara@example.com"
    db.session.flush()
    with pytest.raises(ServiceError, match="E-mail sara@example.com is already in use."):
        services.create_person(org.hr, draft(email="SARA@example.com", store_id=org.store.id))


def test_district_manager_gets_a_district_and_no_store(org):
    person = services.create_person(org.hr, draft(role=Role.DISTRICT_MANAGER, district_id=org.district.id,
                                                  store_id=org.store.id))
    assert person.district_id == org.district.id and person.store_id is None


def test_org_wide_roles_get_neither_store_nor_district(org):
    person = services.create_person(org.admin, draft(role=Role.HR, district_id=org.district.id,
                                                     store_id=org.store.id))
    assert person.store_id is None and person.district_id is None


def test_update_person_records_before_and_after(org):
    services.update_person(org.dm, org.staff, draft(
        employee_number="E1001", full_name="Sara Spostata", store_id=org.sibling_store.id,
        manager_id=org.sibling_sm.id))
    assert org.staff.store_id == org.sibling_store.id and org.staff.full_name == "Sara Spostata"
    entry = db.session.scalar(sa.select(AuditEntry))
    assert entry.action == "person.updated"
    assert entry.details == {"before": {"role": "staff", "store_id": org.store.id},
                             "after": {"role": "staff", "store_id": org.sibling_store.id}}


def test_update_person_keeps_their_own_number_and_e_mail(org):
    org.staff.email = "sara@example.com"
    services.update_person(org.sm, org.staff, draft(employee_number="E1001", full_name="Sara Staff",
                                                    email="sara@example.com", store_id=org.store.id))
    assert org.staff.email == "sara@example.com"


def test_nobody_is_their_own_manager(org):
    with pytest.raises(ServiceError, match="Nobody can be their own manager."):
        services.update_person(org.sm, org.staff, draft(employee_number="E1001", store_id=org.store.id,
                                                        manager_id=org.staff.id))


def test_update_refuses_moving_someone_out_of_reach(org):
    with pytest.raises(ServiceError, match="outside the stores you manage"):
        services.update_person(org.sm, org.staff, draft(employee_number="E1001", store_id=org.other_store.id))


def test_deactivate_ends_sessions_and_is_audited(org):
    version = org.staff.session_version
    services.set_active(org.sm, org.staff, False)
    assert org.staff.active is False
    assert org.staff.session_version == version + 1
    services.set_active(org.sm, org.staff, True)
    assert org.staff.active is True
    assert audit_actions() == ["person.deactivated", "person.reactivated"]


def test_setting_the_same_state_again_changes_nothing(org):
    services.set_active(org.sm, org.staff, True)
    assert audit_actions() == []


def test_nobody_deactivates_themselves(org):
    with pytest.raises(ServiceError, match="You can't deactivate yourself."):
        services.set_active(org.hr, org.hr, False)
    assert org.hr.active is True


def test_create_store(org):
    store = structure.create_store(org.hr, code=" to01 ", name="Torino  Porta Nuova", city="Torino",
                                  district_id=org.district.id, timezone="Europe/Rome")
    assert (store.code, store.name) == ("TO01", "Torino Porta Nuova")
    assert audit_actions() == ["store.created"]


@pytest.mark.parametrize(("values", "message"), [
    ({"code": "MI01"}, "Store code MI01 is already in use."),
    ({"code": ""}, "Store code is needed"),
    ({"name": "  "}, "Store name is needed"),
    ({"district_id": None}, "Choose the store's district."),
    ({"timezone": "Mars/Olympus"}, "Mars/Olympus is not a known time zone."),
])
def test_create_store_refuses_with_a_reason(org, values, message):
    arguments = {"code": "TO01", "name": "Torino", "city": "", "district_id": org.district.id,
                 "timezone": "Europe/Rome", **values}
    with pytest.raises(ServiceError, match=message):
        structure.create_store(org.hr, **arguments)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Store.id))) == 3


def test_store_manager_cannot_name_a_manager_outside_their_reach(org):
    draft = PersonDraft(employee_number="N900", full_name="Nina Nuova", role=Role.STAFF,
                        store_id=org.store.id, manager_id=org.other_sm.id)
    with pytest.raises(ServiceError, match="Choose a manager"):
        services.create_person(org.sm, draft)
    assert db.session.scalar(sa.select(Person).where(Person.employee_number == "N900")) is None
