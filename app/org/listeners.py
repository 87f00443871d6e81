"""Any change to a person, by whatever writer (the people form, an import, deactivation, a sign-in), forgets
the kept team of their store and of the store they left (queries.colleagues): hooked on the mapper so no
writer is missed. A bulk UPDATE bypasses it and shows within SHORT_CACHE_SECONDS."""

from sqlalchemy import event, inspect

from app.org.models import Person
from app.org.queries import forget_store_team

_CHANGES = ("after_insert", "after_update", "after_delete")


def _forget_team(_mapper, _connection, person: Person) -> None:
    for store_id in {person.store_id, *inspect(person).attrs.store_id.history.deleted}:
        forget_store_team(store_id)


def connect() -> None:
    for change in _CHANGES:
        if not event.contains(Person, change, _forget_team):
            event.listen(Person, change, _forget_team)
