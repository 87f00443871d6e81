"""Read models of the chain's structure for the district and store screens: one grouped query each."""

from dataclasses import dataclass

import sqlalchemy as sa

from app.extensions import db
from app.org.models import District, Person, Store


@dataclass
class DistrictRow:
    district: District
    open_stores: int
    people: int


def district_rows() -> list[DistrictRow]:
    """Every district, open first, with its open stores and active people (one query)."""
    stores = (sa.select(Store.district_id, sa.func.count(Store.id).label("n"))
              .where(Store.closed_at.is_(None)).group_by(Store.district_id).subquery())
    people = (sa.select(Store.district_id, sa.func.count(Person.id).label("n"))
              .join(Person, Person.store_id == Store.id).where(Person.active.is_(True))
              .group_by(Store.district_id).subquery())
    query = (sa.select(District, sa.func.coalesce(stores.c.n, 0), sa.func.coalesce(people.c.n, 0))
             .outerjoin(stores, stores.c.district_id == District.id)
             .outerjoin(people, people.c.district_id == District.id)
             .order_by(District.closed_at.is_not(None), District.name, District.id))
    return [DistrictRow(district, open_stores, headcount) for district, open_stores, headcount
            in db.session.execute(query)]


def open_districts() -> list[District]:
    return list(db.session.scalars(sa.select(District).where(District.closed_at.is_(None))
                                   .order_by(District.name)))
