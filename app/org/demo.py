"""The demo chain: districts, stores and people with plausible Italian names."""

import random
from datetime import date, timedelta

import sqlalchemy as sa

from app.auth.passwords import hash_password
from app.demo import DEMO_TIMEZONE
from app.extensions import db
from app.org.models import District, Person, Role, Store

DEMO_PASSWORD = "ascent-demo"  # noqa: S105 - the documented demo password

DISTRICTS = [
    ("LOMN", "Lombardia Nord", [("MI01", "Milano Duomo", "Milano"), ("MI02", "Milano Centrale", "Milano"),
                                ("MB01", "Monza", "Monza"), ("CO01", "Como", "Como")]),
    ("VENE", "Veneto", [("VR01", "Verona Arena", "Verona"), ("VE01", "Venezia Mestre", "Venezia"),
                        ("PD01", "Padova", "Padova"), ("TV01", "Treviso", "Treviso")]),
    ("CENT", "Centro", [("RM01", "Roma Termini", "Roma"), ("RM02", "Roma EUR", "Roma"),
                        ("FI01", "Firenze", "Firenze"), ("BO01", "Bologna", "Bologna")]),
]
FIRST_NAMES = ["Giulia", "Marco", "Sara", "Luca", "Chiara", "Matteo", "Francesca", "Alessandro", "Elena",
               "Davide", "Martina", "Andrea", "Valentina", "Simone", "Federica", "Lorenzo", "Alice",
               "Gabriele", "Beatrice", "Riccardo", "Elisa", "Tommaso", "Giorgia", "Nicola", "Silvia",
               "Stefano", "Irene", "Filippo", "Anna", "Pietro", "Marta", "Emanuele", "Laura", "Samuele"]
LAST_NAMES = ["Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino",
              "Greco", "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo",
              "Lombardi", "Moretti", "Barbieri", "Fontana", "Santoro", "Mariani", "Rinaldi", "Caruso",
              "Ferrara", "Galli", "Martini", "Leone", "Longo", "Gentile", "Martinelli", "Vitale"]


def load_org(*, skip_if_populated: bool = False) -> int:
    """Create the chain; returns how many people were added (0 when it was already there)."""
    if skip_if_populated and db.session.scalar(sa.select(sa.func.count(Person.id))):
        return 0
    if db.session.scalar(sa.select(Person.id).where(Person.email == "admin@demo.ascent")):
        return 0
    demo_codes = [code for _d, _n, stores in DISTRICTS for code, _s, _c in stores]
    taken = db.session.scalars(sa.select(Store.code).where(Store.code.in_(demo_codes))).all()
    if taken:
        raise ValueError(f"Stores {', '.join(sorted(taken))} already exist: the demo chain goes into "
                         "an empty database (or one it loaded itself).")
    rng = random.Random(20261127)
    password_hash = hash_password(DEMO_PASSWORD)  # one hash for everyone: same password, fast load
    today = date.today()
    names = _name_pool(rng)

    def person(number: str, role: str, *, email=None, store=None, district=None, manager=None,
               name=None, hired_days_ago=None, locale="it", activated=True) -> Person:
        created = Person(
            employee_number=number, full_name=name or next(names), email=email, role=role,
            store_id=store.id if store else None, district_id=district.id if district else None,
            manager_id=manager.id if manager else None, locale=locale,
            hire_date=today - timedelta(days=hired_days_ago if hired_days_ago is not None
                                        else rng.randint(30, 2400)),
            password_hash=password_hash if activated else None,
        )
        db.session.add(created)
        db.session.flush()
        return created

    admin = person("A0001", Role.ADMIN, email="admin@demo.ascent", name="Paolo Amministratore", locale="en")
    hr = person("H0001", Role.HR, email="hr@demo.ascent", name="Roberta Conti", manager=admin)
    person("H0002", Role.HR, email="people@demo.ascent", manager=hr)
    count, sequence = 3, 1000
    for d_index, (d_code, d_name, stores) in enumerate(DISTRICTS):
        district = District(code=d_code, name=d_name)
        db.session.add(district)
        db.session.flush()
        dm = person(f"D{d_index + 1:04d}", Role.DISTRICT_MANAGER, district=district, manager=hr,
                    email="dm@demo.ascent" if d_index == 0 else None,
                    name="Davide Marchetti" if d_index == 0 else None)
        count += 1
        for s_index, (s_code, s_name, city) in enumerate(stores):
            store = Store(code=s_code, name=s_name, city=city, district_id=district.id, timezone=DEMO_TIMEZONE)
            db.session.add(store)
            db.session.flush()
            first_store = d_index == 0 and s_index == 0
            sm = person(f"S{d_index + 1}{s_index + 1:03d}", Role.STORE_MANAGER, store=store, manager=dm,
                        email="sm@demo.ascent" if first_store else None,
                        name="Sofia Moretti" if first_store else None)
            count += 1
            for n in range(rng.randint(9, 13)):
                sequence += 1
                is_demo_staff = first_store and n == 0
                new_hire = n in (1, 2)
                person(f"E{sequence}", Role.STAFF, store=store, manager=sm,
                       email="staff@demo.ascent" if is_demo_staff else None,
                       name="Sara Bianchi" if is_demo_staff else None,
                       hired_days_ago=rng.randint(2, 20) if new_hire else None,
                       activated=is_demo_staff or rng.random() > 0.12)
                count += 1
    return count


def _name_pool(rng: random.Random):
    combos = [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]
    rng.shuffle(combos)
    reserved = {"Sara Bianchi", "Sofia Moretti", "Davide Marchetti", "Roberta Conti"}
    return iter(name for name in combos if name not in reserved)
