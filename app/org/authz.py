"""The one authorization layer. Every query that returns org data goes through a scope here.

- staff: themselves, and their store's public data (colleagues' names)
- store_manager: the store they manage
- district_manager: every store in their district
- hr, admin: everything
"""

from collections.abc import Callable
from functools import wraps

import sqlalchemy as sa
from flask import abort
from flask_login import current_user, login_required

from app.extensions import db
from app.org.models import ORG_WIDE_ROLES, Person, Role, Store


def store_ids_in_scope(user: Person) -> set[int] | None:
    """Stores whose people and data `user` may manage; None means all stores."""
    if user.role in ORG_WIDE_ROLES:
        return None
    if user.role == Role.DISTRICT_MANAGER:
        if user.district_id is None:
            return set()
        return set(db.session.scalars(sa.select(Store.id).where(Store.district_id == user.district_id)))
    if user.role == Role.STORE_MANAGER and user.store_id is not None:
        return {user.store_id}
    return set()


def in_store_scope(query: sa.Select, user: Person, store_column) -> sa.Select:
    """`query` narrowed to the rows whose `store_column` names a store `user` manages: every row for HR and
    admins, none for someone who manages no store."""
    scope = store_ids_in_scope(user)
    if scope is None:
        return query
    return query.where(store_column.in_(scope)) if scope else query.where(sa.false())


def visible_stores(user: Person) -> sa.Select:
    """Stores a person can see: managers their scope, staff their own store."""
    query = sa.select(Store)
    if user.role in ORG_WIDE_ROLES:
        return query
    if user.role == Role.DISTRICT_MANAGER:
        return query.where(Store.district_id == (user.district_id or -1))
    return query.where(Store.id == (user.store_id or -1))


def managed_people(user: Person) -> sa.Select:
    """People whose records `user` may change (invite, edit, deactivate). Never `user`: HR and admins
    rank among their own juniors, and must not sign off their own evidence or decide their own requests."""
    query = sa.select(Person).where(Person.id != user.id)
    scope = store_ids_in_scope(user)
    if scope is None:
        return query.where(Person.role.in_(_junior_roles(user)))
    conditions = [Person.store_id.in_(scope)] if scope else []
    if user.role == Role.DISTRICT_MANAGER and user.district_id is not None:
        # Their store managers may sit in a store, or be reported as direct reports.
        conditions.append(Person.manager_id == user.id)
    if not conditions:
        return query.where(sa.false())
    # Nobody manages someone more senior through the store scope.
    return query.where(sa.or_(*conditions), Person.role.in_(_junior_roles(user)))


def visible_people(user: Person) -> sa.Select:
    """People whose public profile `user` may see: managed people, plus own-store colleagues."""
    if user.role in ORG_WIDE_ROLES:
        return sa.select(Person)
    managed_ids = managed_people(user).with_only_columns(Person.id)
    conditions = [Person.id == user.id, Person.id.in_(managed_ids)]
    if user.store_id is not None:
        conditions.append(Person.store_id == user.store_id)
    return sa.select(Person).where(sa.or_(*conditions))


def _junior_roles(user: Person) -> tuple[str, ...]:
    if user.role == Role.ADMIN:
        return tuple(Role)
    if user.role == Role.HR:
        return (Role.STAFF, Role.STORE_MANAGER, Role.DISTRICT_MANAGER, Role.HR)
    if user.role == Role.DISTRICT_MANAGER:
        return (Role.STAFF, Role.STORE_MANAGER)
    if user.role == Role.STORE_MANAGER:
        return (Role.STAFF,)
    return ()


def can_manage_person(user: Person, person: Person) -> bool:
    if person.id == user.id:
        return False  # your own record is changed through "Me", never through management screens
    return db.session.scalar(
        managed_people(user).where(Person.id == person.id).with_only_columns(sa.func.count())
    ) == 1


def can_manage_store(user: Person, store_id: int) -> bool:
    scope = store_ids_in_scope(user)
    return scope is None or store_id in scope


def assignable_roles(user: Person) -> tuple[str, ...]:
    """Roles `user` may give to people they create or edit."""
    return tuple(role for role in _junior_roles(user) if role != Role.ADMIN or user.role == Role.ADMIN)


def managed_person_or_404(user: Person, person_id: int) -> Person:
    """Someone else's id outside your scope is a 404: we don't confirm that it exists."""
    person = db.session.scalar(managed_people(user).where(Person.id == person_id))
    if person is None or person.id == user.id:
        abort(404)
    return person


def visible_person_or_404(user: Person, person_id: int) -> Person:
    person = db.session.scalar(visible_people(user).where(Person.id == person_id))
    if person is None:
        abort(404)
    return person


def visible_store_or_404(user: Person, store_id: int) -> Store:
    store = db.session.scalar(visible_stores(user).where(Store.id == store_id))
    if store is None:
        abort(404)
    return store


def roles_required(*roles: str) -> Callable:
    """Route decorator: logged in, and one of `roles`, or 403."""
    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapper(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)
        wrapper.allowed_roles = frozenset(roles)
        return wrapper
    return decorator


PEOPLE_MANAGERS = (Role.STORE_MANAGER, Role.DISTRICT_MANAGER, Role.HR, Role.ADMIN)
ORG_ADMINS = (Role.HR, Role.ADMIN)
