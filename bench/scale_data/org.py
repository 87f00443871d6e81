"""The chain at scale: districts of about ten stores, a store manager per store, associates spread round
robin over the stores (staff1 in store 1), and the sign-ins the benchmarks use."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from app.org.demo import FIRST_NAMES, LAST_NAMES
from app.org.models import Role
from app.org.names import search_name_for

TIMEZONE = "Europe/Rome"
CITIES = ["Milano", "Roma", "Torino", "Napoli", "Bologna", "Firenze", "Verona", "Padova", "Genova", "Bari"]


@dataclass
class Chain:
    """Ids and the facts the history needs, without a query: every id is assigned here."""

    district_of_store: dict[int, int] = field(default_factory=dict)
    store_manager: dict[int, int] = field(default_factory=dict)  # store id -> its manager's person id
    district_manager: dict[int, int] = field(default_factory=dict)  # district id -> person id
    hr_id: int = 0
    staff: list[tuple[int, int]] = field(default_factory=list)  # (person id, store id)
    store_codes: dict[int, str] = field(default_factory=dict)
    people: int = 0


def default_districts(stores: int) -> int:
    """About ten stores a district (20 for 200 stores), and at least two when there are two stores."""
    return max(1, min(stores, max(2, stores // 10)))


def build(writer, rng: random.Random, *, stores: int, districts: int, people: int, password_hash: str,
          now: datetime) -> Chain:
    staff_count = people - 2 - districts - stores
    if staff_count < stores:
        raise ValueError(f"{people} people leave fewer than one associate per store "
                         f"({stores} stores, {districts} districts, 2 head-office accounts)")
    chain = Chain()
    for number in range(1, districts + 1):
        writer.add("districts", {"id": number, "code": f"SD{number:03d}", "name": f"Scale district {number}",
                                 "created_at": now})
    for number in range(1, stores + 1):
        district = (number - 1) * districts // stores + 1  # contiguous blocks: store 1 in district 1
        chain.district_of_store[number] = district
        chain.store_codes[number] = f"SS{number:04d}"
        writer.add("stores", {"id": number, "code": chain.store_codes[number],
                              "name": f"{CITIES[number % len(CITIES)]} {number}", "city": CITIES[number % len(CITIES)],
                              "timezone": TIMEZONE, "district_id": district, "created_at": now})
    names = _names(rng)
    today = now.date()
    next_id = iter(range(1, people + 1))

    def person(role: str, email: str, number: str, *, store=None, district=None, manager=None,
               name=None) -> int:
        person_id = next(next_id)
        full_name = name or next(names)
        writer.add("people", {
            "id": person_id, "employee_number": number, "email": email, "full_name": full_name,
            "search_name": search_name_for(full_name),
            "role": role, "store_id": store, "district_id": district, "manager_id": manager,
            # Hired before the year of history starts: their whole year counts.
            "hire_date": today - timedelta(days=rng.randint(400, 2400)), "locale": "en",
            "password_hash": password_hash, "active": True, "session_version": 1, "last_login_at": None,
            "updated_at": now, "created_at": now})
        return person_id

    admin = person(Role.ADMIN, "admin@scale.ascent", "SA0001", name="Ada Admin")
    hr = person(Role.HR, "hr@scale.ascent", "SH0001", manager=admin, name="Hana Resources")
    district_managers = {d: person(Role.DISTRICT_MANAGER, f"dm{d}@scale.ascent", f"SD{d:05d}", district=d,
                                   manager=hr) for d in range(1, districts + 1)}
    chain.district_manager, chain.hr_id = district_managers, hr
    for store in range(1, stores + 1):
        chain.store_manager[store] = person(Role.STORE_MANAGER, f"sm{store}@scale.ascent", f"SM{store:05d}",
                                            store=store, manager=district_managers[chain.district_of_store[store]])
    for n in range(1, staff_count + 1):
        store = (n - 1) % stores + 1
        person_id = person(Role.STAFF, f"staff{n}@scale.ascent", f"SE{n:07d}", store=store,
                           manager=chain.store_manager[store])
        chain.staff.append((person_id, store))
    chain.people = people
    return chain


def _names(rng: random.Random):
    pairs = [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]
    while True:
        rng.shuffle(pairs)
        yield from pairs


def year_days(today: date, days: int = 365) -> list[date]:
    """The local days of the history, oldest first, ending today."""
    return [today - timedelta(days=back) for back in range(days - 1, -1, -1)]
