"""Taking the demo chain out again (`flask --app wsgi demo remove`), so an installation that started with
`make run` can become a real chain.

What the demo made is known by its marks (app/org/demo.py): the accounts on @demo.ascent, the district
and store codes of DISTRICTS, and the people it put in them. The removal refuses unless the database holds
nothing else: a real person, store or district beside the demo means someone started real work there, and
nothing here can tell which of their rows (points, kudos, reviews…) touch the demo. So it never guesses:
either everything is the demo's and it all goes, or nothing is deleted and the report says what is not the
demo's. The product's own defaults (journey stages, badges, the KPI library, company values) stay: they are
seeded by the migrations, not by the demo."""

from dataclasses import dataclass, field

import sqlalchemy as sa

from app.extensions import db
from app.org.demo import DISTRICTS
from app.org.models import District, Person, Store

DEMO_DOMAIN = "@demo.ascent"
DEMO_ADMIN = "admin@demo.ascent"
DEMO_DISTRICT_CODES = frozenset(code for code, _name, _stores in DISTRICTS)
DEMO_STORE_CODES = frozenset(code for _d, _n, stores in DISTRICTS for code, _s, _c in stores)
# Seeded by migrations and app defaults, not by the demo: a real chain starts with them too.
KEPT_TABLES = frozenset({"journey_stages", "badge_definitions", "kpi_definitions", "company_values"})


@dataclass
class DemoCensus:
    present: bool
    people: int = 0
    stores: int = 0
    districts: int = 0
    not_demo: list[str] = field(default_factory=list)  # what blocks the removal, as people read it

    @property
    def removable(self) -> bool:
        return self.present and not self.not_demo


def census(limit: int = 10) -> DemoCensus:
    """What the demo holds, and the first `limit` things in the database that are not the demo's."""
    if db.session.scalar(sa.select(Person.id).where(Person.email == DEMO_ADMIN)) is None:
        return DemoCensus(present=False)
    demo_districts = sa.select(District.id).where(District.code.in_(DEMO_DISTRICT_CODES))
    demo_stores = sa.select(Store.id).where(Store.code.in_(DEMO_STORE_CODES), Store.district_id.in_(demo_districts))
    # Each test spelled out NULL-safe: NOT (NULL OR …) is NULL, and would hide a real person without a store.
    is_demo_person = sa.or_(sa.and_(Person.email.is_not(None), Person.email.like(f"%{DEMO_DOMAIN}")),
                            sa.and_(Person.store_id.is_not(None), Person.store_id.in_(demo_stores)),
                            sa.and_(Person.district_id.is_not(None), Person.district_id.in_(demo_districts)))
    not_demo = [f"district {code} {name}" for code, name in db.session.execute(
        sa.select(District.code, District.name).where(District.id.not_in(demo_districts))
        .order_by(District.code).limit(limit))]
    not_demo += [f"store {code} {name}" for code, name in db.session.execute(
        sa.select(Store.code, Store.name).where(Store.id.not_in(demo_stores)).order_by(Store.code).limit(limit))]
    not_demo += [f"person {number} {name} <{email or '-'}>" for number, name, email in db.session.execute(
        sa.select(Person.employee_number, Person.full_name, Person.email).where(sa.not_(is_demo_person))
        .order_by(Person.id).limit(limit))]
    return DemoCensus(
        present=True,
        people=db.session.scalar(sa.select(sa.func.count(Person.id)).where(is_demo_person)),
        stores=db.session.scalar(sa.select(sa.func.count()).select_from(demo_stores.subquery())),
        districts=db.session.scalar(sa.select(sa.func.count()).select_from(demo_districts.subquery())),
        not_demo=not_demo,
    )


def remove_demo() -> dict[str, int]:
    """Delete every row of the demo installation, children before parents; returns rows deleted per table.
    The caller checks census().removable first and commits; a failure part-way rolls back whole."""
    found = census()
    if not found.removable:
        raise ValueError("The database holds more than the demo chain; nothing was deleted.")
    deleted = {}
    for table in reversed(db.metadata.sorted_tables):
        if table.name in KEPT_TABLES:
            continue
        count = db.session.execute(sa.delete(table)).rowcount
        if count:
            deleted[table.name] = count
    return deleted
