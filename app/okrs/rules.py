"""Who may see, create, change and check in on which objectives. Built on app.org.authz scopes.

- Everyone sees the company's objectives, their district's, their store's and their own; managers also
  see the stores in their scope and their people's personal objectives. HR and admins see everything.
- HR and admins create anything; only they create company objectives.
- A district manager creates their district's objectives, and store and personal objectives in its stores.
- A store manager creates their store's objectives and their people's personal objectives.
- Anyone may create personal objectives for themselves.
- Checking in is for whoever may change the objective, and for its owner (a store objective owned by an
  associate, their own personal objective)."""

import sqlalchemy as sa

from app.extensions import db
from app.okrs.models import Level, Objective
from app.org import authz
from app.org.models import ORG_WIDE_ROLES, District, Person, Role, Store


def visible_objectives(viewer: Person) -> sa.Select:
    query = sa.select(Objective)
    if viewer.role in ORG_WIDE_ROLES:
        return query
    district_ids, store_ids = _district_and_stores(viewer)
    managed_ids = authz.managed_people(viewer).with_only_columns(Person.id)
    conditions = [
        Objective.level == Level.COMPANY,
        Objective.person_id == viewer.id,
        Objective.owner_id == viewer.id,
        sa.and_(Objective.level == Level.PERSON, Objective.person_id.in_(managed_ids)),
    ]
    if district_ids:
        conditions.append(sa.and_(Objective.level == Level.DISTRICT, Objective.district_id.in_(district_ids)))
    if store_ids:
        conditions.append(sa.and_(Objective.level == Level.STORE, Objective.store_id.in_(store_ids)))
    return query.where(sa.or_(*conditions))


def _district_and_stores(viewer: Person) -> tuple[set[int], set[int]]:
    if viewer.role == Role.DISTRICT_MANAGER:
        scope = authz.store_ids_in_scope(viewer) or set()
        return ({viewer.district_id} if viewer.district_id else set()), scope
    if viewer.store_id is None:
        return set(), set()
    district_id = viewer.store.district_id if viewer.store else None
    return ({district_id} if district_id else set()), {viewer.store_id}


def can_see(viewer: Person, objective_id: int) -> bool:
    return db.session.scalar(visible_objectives(viewer).where(Objective.id == objective_id)
                             .with_only_columns(Objective.id)) is not None


def creatable_levels(actor: Person) -> list[str]:
    if actor.role in ORG_WIDE_ROLES:
        return [Level.COMPANY, Level.DISTRICT, Level.STORE, Level.PERSON]
    if actor.role == Role.DISTRICT_MANAGER:
        return [Level.DISTRICT, Level.STORE, Level.PERSON]
    if actor.role == Role.STORE_MANAGER:
        return [Level.STORE, Level.PERSON]
    return [Level.PERSON]


def can_create(actor: Person, level: str, *, district_id: int | None = None, store_id: int | None = None,
               person_id: int | None = None) -> bool:
    """May `actor` add an objective at `level` for that district, store or person?"""
    if level not in creatable_levels(actor):
        return False
    if actor.role in ORG_WIDE_ROLES and level == Level.COMPANY:
        return True
    if level == Level.DISTRICT:
        if district_id is None:
            return False
        return actor.role in ORG_WIDE_ROLES or (actor.role == Role.DISTRICT_MANAGER
                                                and actor.district_id == district_id)
    if level == Level.STORE:
        return store_id is not None and authz.can_manage_store(actor, store_id)
    if level == Level.PERSON:
        if person_id is None:
            return False
        if person_id == actor.id:
            return True
        person = db.session.get(Person, person_id)
        return person is not None and authz.can_manage_person(actor, person)
    return False


def can_change(actor: Person, objective: Objective) -> bool:
    return can_create(actor, objective.level, district_id=objective.district_id, store_id=objective.store_id,
                      person_id=objective.person_id)


def can_check_in(actor: Person, objective: Objective) -> bool:
    if objective.owner_id == actor.id or (objective.level == Level.PERSON and objective.person_id == actor.id):
        return True
    return can_change(actor, objective)


# Choices for the forms ----------------------------------------------------------------------------

def district_choices(actor: Person) -> list[District]:
    query = sa.select(District).order_by(District.name)
    if actor.role not in ORG_WIDE_ROLES:
        query = query.where(District.id == (actor.district_id if actor.role == Role.DISTRICT_MANAGER else -1))
    return list(db.session.scalars(query))


def store_choices(actor: Person) -> list[Store]:
    return list(db.session.scalars(authz.in_store_scope(sa.select(Store).order_by(Store.name), actor, Store.id)))


def people_choices(actor: Person) -> list[Person]:
    """People `actor` may give personal objectives to, themselves first."""
    others = list(db.session.scalars(authz.managed_people(actor).where(Person.active.is_(True))
                                     .order_by(Person.full_name, Person.id)))
    return [actor, *others]


def owner_choices(actor: Person) -> list[Person]:
    return people_choices(actor)


def parent_choices(actor: Person, level: str, period_start=None, period_end=None) -> list[Objective]:
    """Objectives one level above `level` that `actor` can see (active, overlapping the period)."""
    from app.okrs.models import PARENT_LEVEL

    parent_level = PARENT_LEVEL.get(level)
    if parent_level is None:
        return []
    query = visible_objectives(actor).where(Objective.level == parent_level, Objective.status == "active")
    if period_start and period_end:
        query = query.where(Objective.period_start <= period_end, Objective.period_end >= period_start)
    return list(db.session.scalars(query.order_by(Objective.period_start.desc(), Objective.title)))
