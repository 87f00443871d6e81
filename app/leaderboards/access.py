"""Which boards a person may open. Stores go through app.org.authz.visible_stores (staff and store
managers: their store; district managers: their district's stores; HR and admins: every store); the
district board follows the same rule one level up; the company board is open to everyone."""

from dataclasses import dataclass

import sqlalchemy as sa

from app.extensions import db
from app.org import authz
from app.org.models import ORG_WIDE_ROLES, District, Person, Role, Store

STORE, DISTRICT, COMPANY = "store", "district", "company"
SCOPES = (STORE, DISTRICT, COMPANY)


@dataclass(frozen=True)
class Scope:
    kind: str
    id: int | None  # None for the company board
    name: str | None  # the store's or district's name; None for the company board


def default_scope(viewer: Person) -> str:
    if viewer.store_id is not None:
        return STORE
    if viewer.district_id is not None:
        return DISTRICT
    return COMPANY


def _own_district_id(viewer: Person) -> int | None:
    if viewer.role == Role.DISTRICT_MANAGER:
        return viewer.district_id
    return viewer.store.district_id if viewer.store is not None else viewer.district_id


def store_choices(viewer: Person) -> list[tuple[int, str]]:
    return [tuple(row) for row in db.session.execute(
        authz.visible_stores(viewer).with_only_columns(Store.id, Store.name).order_by(Store.name))]


def district_choices(viewer: Person) -> list[tuple[int, str]]:
    query = sa.select(District.id, District.name).order_by(District.name)
    if viewer.role not in ORG_WIDE_ROLES:
        query = query.where(District.id == (_own_district_id(viewer) or -1))
    return [tuple(row) for row in db.session.execute(query)]


def resolve(viewer: Person, kind: str, scope_id: int | None = None) -> Scope | None:
    """The board `viewer` asked for (their own store or district when `scope_id` is None), or None when
    it isn't theirs to see or doesn't exist."""
    if kind == COMPANY:
        return Scope(COMPANY, None, None)
    if kind == STORE:
        query = authz.visible_stores(viewer).with_only_columns(Store.id, Store.name)
        if scope_id is None:
            scope_id = viewer.store_id
        query = query.where(Store.id == scope_id) if scope_id is not None else query.order_by(Store.name)
        row = db.session.execute(query.limit(1)).first()
        return Scope(STORE, row[0], row[1]) if row else None
    if kind == DISTRICT:
        own = _own_district_id(viewer)
        if scope_id is None:
            scope_id = own
        if viewer.role not in ORG_WIDE_ROLES and scope_id != own:
            return None
        query = sa.select(District.id, District.name)
        query = query.where(District.id == scope_id) if scope_id is not None else query.order_by(District.name)
        row = db.session.execute(query.limit(1)).first()
        return Scope(DISTRICT, row[0], row[1]) if row else None
    return None
