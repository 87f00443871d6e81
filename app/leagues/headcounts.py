"""Scheduled headcount per store and month: what "per head" divides by. Without a figure set by a
manager, the store's active people (associates and its manager) count."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from app.core import audit
from app.core.errors import ServiceError
from app.extensions import db
from app.leagues.models import StoreHeadcount
from app.org import authz
from app.org.models import Person, Role

MAX_HEADCOUNT = 1000
COUNTED_ROLES = (Role.STAFF, Role.STORE_MANAGER)


@dataclass(frozen=True)
class Headcount:
    value: int
    is_default: bool  # counted from active people, not set by a manager


def active_people(store_ids: Iterable[int]) -> dict[int, int]:
    store_ids = list(store_ids)
    if not store_ids:
        return {}
    rows = db.session.execute(
        sa.select(Person.store_id, sa.func.count())
        .where(Person.store_id.in_(store_ids), Person.active.is_(True), Person.role.in_(COUNTED_ROLES))
        .group_by(Person.store_id))
    return {store_id: count for store_id, count in rows}


def headcounts(store_ids: Iterable[int], month: date) -> dict[int, Headcount]:
    """{store_id: Headcount} for every store asked for, in two queries."""
    store_ids = list(store_ids)
    if not store_ids:
        return {}
    scheduled = dict(db.session.execute(
        sa.select(StoreHeadcount.store_id, StoreHeadcount.headcount)
        .where(StoreHeadcount.store_id.in_(store_ids), StoreHeadcount.month == month)).all())
    missing = [store_id for store_id in store_ids if store_id not in scheduled]
    counted = active_people(missing)
    return {store_id: Headcount(scheduled[store_id], False) if store_id in scheduled
            else Headcount(counted.get(store_id, 0), True) for store_id in store_ids}


def set_headcount(actor: Person, store_id: int, month: date, headcount: int | None) -> StoreHeadcount | None:
    """Set (or, with None, clear back to the default) a store's scheduled headcount. Flushes."""
    if not authz.can_manage_store(actor, store_id):
        raise ServiceError(_("You can only set the headcount of stores you manage."))
    if month.day != 1:
        raise ServiceError(_("Choose a month."), field="month")
    row = db.session.scalar(sa.select(StoreHeadcount).where(StoreHeadcount.store_id == store_id,
                                                            StoreHeadcount.month == month))
    if headcount is None:
        if row is not None:
            db.session.delete(row)
            audit.record("league.headcount_cleared", actor_id=actor.id, target_type="store", target_id=store_id,
                         month=month.isoformat())
        db.session.flush()
        return None
    if headcount < 1 or headcount > MAX_HEADCOUNT:
        raise ServiceError(_("Enter a headcount between 1 and %(max)d.", max=MAX_HEADCOUNT), field="headcount")
    if row is None:
        row = StoreHeadcount(store_id=store_id, month=month, headcount=headcount)
        db.session.add(row)
    row.headcount = headcount
    row.set_by_id = actor.id
    audit.record("league.headcount_set", actor_id=actor.id, target_type="store", target_id=store_id,
                 month=month.isoformat(), headcount=headcount)
    db.session.flush()
    return row
