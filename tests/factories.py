"""Test data factories (after CTFd's gen_* helpers): small functions with sensible defaults."""

import itertools
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from app.auth.passwords import hash_password
from app.extensions import db
from app.org.models import District, Person, Role, Store

DEFAULT_PASSWORD = "correct horse battery"
_sequence = itertools.count(1)


@cache
def _default_hash() -> str:
    return hash_password(DEFAULT_PASSWORD)  # argon2 is slow by design: hash once per run


def make_district(name: str | None = None, code: str | None = None) -> District:
    n = next(_sequence)
    district = District(code=code or f"D{n}", name=name or f"District {n}")
    db.session.add(district)
    db.session.flush()
    return district


def make_store(district: District | None = None, name: str | None = None, code: str | None = None,
               timezone: str = "Europe/Rome") -> Store:
    n = next(_sequence)
    district = district or make_district()
    store = Store(code=code or f"ST{n}", name=name or f"Store {n}", city="Milano",
                  district_id=district.id, timezone=timezone)
    db.session.add(store)
    db.session.flush()
    return store


def make_person(role: str = Role.STAFF, *, store: Store | None = None, district: District | None = None,
                manager: Person | None = None, name: str | None = None, email: str | None = "auto",
                employee_number: str | None = None, password: str | None = DEFAULT_PASSWORD,
                active: bool = True, locale: str = "en", hired_days_ago: int = 400) -> Person:
    n = next(_sequence)
    if role in (Role.STAFF, Role.STORE_MANAGER) and store is None:
        store = make_store()
    if role == Role.DISTRICT_MANAGER and district is None:
        district = make_district()
    person = Person(
        employee_number=employee_number or f"E{n:05d}",
        full_name=name or f"Person {n} Tester",
        email=f"person{n}@example.test" if email == "auto" else email,
        role=role, store_id=store.id if store else None, district_id=district.id if district else None,
        manager_id=manager.id if manager else None, locale=locale, active=active,
        hire_date=date.today() - timedelta(days=hired_days_ago),
        password_hash=(_default_hash() if password == DEFAULT_PASSWORD else hash_password(password))
        if password else None,
    )
    db.session.add(person)
    db.session.flush()
    return person


@dataclass
class Org:
    """Two districts; district one has stores A and B, district two has store C.
    Every role exists; `other_*` are people outside the first manager's scope."""

    district: District
    other_district: District
    store: Store
    sibling_store: Store
    other_store: Store
    admin: Person
    hr: Person
    dm: Person
    other_dm: Person
    sm: Person
    sibling_sm: Person
    other_sm: Person
    staff: Person
    colleague: Person
    sibling_staff: Person
    other_staff: Person

    def by_role(self, role: str) -> Person:
        return {"staff": self.staff, "store_manager": self.sm, "district_manager": self.dm,
                "hr": self.hr, "admin": self.admin}[role]


def build_org() -> Org:
    district = make_district("Lombardia", "LOM")
    other_district = make_district("Lazio", "LAZ")
    store = make_store(district, "Milano Duomo", "MI01")
    sibling_store = make_store(district, "Monza", "MB01")
    other_store = make_store(other_district, "Roma Termini", "RM01")
    admin = make_person(Role.ADMIN, name="Ada Admin", email="admin@example.test")
    hr = make_person(Role.HR, name="Hanna Hr", email="hr@example.test", manager=admin)
    dm = make_person(Role.DISTRICT_MANAGER, district=district, name="Dario Distretto", email="dm@example.test",
                     manager=hr)
    other_dm = make_person(Role.DISTRICT_MANAGER, district=other_district, name="Olga Altro", manager=hr)
    sm = make_person(Role.STORE_MANAGER, store=store, manager=dm, name="Sofia Manager", email="sm@example.test")
    sibling_sm = make_person(Role.STORE_MANAGER, store=sibling_store, manager=dm, name="Bruno Fratello")
    other_sm = make_person(Role.STORE_MANAGER, store=other_store, manager=other_dm, name="Carla Lontana")
    staff = make_person(Role.STAFF, store=store, manager=sm, name="Sara Staff", email="staff@example.test",
                        employee_number="E1001")
    colleague = make_person(Role.STAFF, store=store, manager=sm, name="Cosimo Collega")
    sibling_staff = make_person(Role.STAFF, store=sibling_store, manager=sibling_sm, name="Marta Vicina")
    other_staff = make_person(Role.STAFF, store=other_store, manager=other_sm, name="Rita Remota")
    db.session.commit()
    return Org(district, other_district, store, sibling_store, other_store, admin, hr, dm, other_dm, sm,
               sibling_sm, other_sm, staff, colleague, sibling_staff, other_staff)
