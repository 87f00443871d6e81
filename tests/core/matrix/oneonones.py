"""1:1 check-ins and the coaching view in the authorization matrix.

A 1:1 is seen and changed only by its two participants. The URL maker books one for the target person
with their own manager (an admin, who has none, with HR), so:
- "self" is the person of the 1:1 for every role (staff with sm, sm with dm, dm with hr, hr and admin);
- "own_store" (the colleague) is in a 1:1 the store manager runs; nobody else in the org chart is in it;
- sibling and other-district targets are in 1:1s of managers outside every signed-in role but their own."""

from datetime import timedelta

from tests.core.access import EVERYONE, MANAGED, OWN, PEOPLE_MANAGERS, ROLES, Access

ONE_ON_ONE = "one_on_one"  # a participant: the person, or the manager who runs it
ONE_ON_ONE_MANAGER = "one_on_one_manager"  # the manager who runs it

IN_SCOPE = {
    ONE_ON_ONE: {role: {"self"} for role in ROLES} | {"store_manager": {"self", "own_store"}},
    ONE_ON_ONE_MANAGER: {role: set() for role in ROLES} | {"store_manager": {"own_store"}},
}

EXPECTATIONS = {
    "oneonones.index": Access(EVERYONE),
    "oneonones.coaching": Access(PEOPLE_MANAGERS),
    "oneonones.schedule": Access(PEOPLE_MANAGERS),
    # The person is named in the form; someone outside your scope is a 404.
    "oneonones.create": Access(PEOPLE_MANAGERS, scope=MANAGED, target_field="person_id"),
    "oneonones.detail": Access(EVERYONE, scope=ONE_ON_ONE),
    "oneonones.add_agenda_item": Access(EVERYONE, scope=ONE_ON_ONE),
    "oneonones.toggle_agenda_item": Access(EVERYONE, scope=ONE_ON_ONE),
    "oneonones.add_action_item": Access(EVERYONE, scope=ONE_ON_ONE),
    "oneonones.toggle_action_item": Access(EVERYONE, scope=ONE_ON_ONE),
    "oneonones.answer_pulse": Access(EVERYONE, scope=OWN),
    "oneonones.save_notes": Access(EVERYONE, scope=ONE_ON_ONE_MANAGER),
    "oneonones.save_private_note": Access(EVERYONE, scope=ONE_ON_ONE_MANAGER),
    "oneonones.complete": Access(EVERYONE, scope=ONE_ON_ONE_MANAGER),
    "oneonones.cancel": Access(EVERYONE, scope=ONE_ON_ONE_MANAGER),
    "oneonones.reschedule": Access(EVERYONE, scope=ONE_ON_ONE_MANAGER),
}

PERSON_ARGUMENTS = frozenset({"one_on_one_id", "agenda_item_id", "action_item_id"})


def _one_on_one(org, person) -> dict:
    """A 1:1 in two days of `person` with their manager, with an agenda point and an action they own."""
    from app.core.models import utcnow
    from app.extensions import db
    from app.oneonones.models import ActionItem, AgendaItem, OneOnOne

    manager_id = person.manager_id or org.hr.id
    one = OneOnOne(manager_id=manager_id, person_id=person.id, scheduled_at=utcnow() + timedelta(days=2),
                   status="scheduled", notes="")
    db.session.add(one)
    db.session.flush()
    item = AgendaItem(one_on_one_id=one.id, author_id=person.id, text="Weekend shifts")
    action = ActionItem(manager_id=manager_id, person_id=person.id, one_on_one_id=one.id, owner_id=person.id,
                        text="Learn the till", created_by_id=manager_id)
    db.session.add_all([item, action])
    db.session.commit()
    return {"one_on_one_id": one.id, "agenda_item_id": item.id, "action_item_id": action.id}


ARGUMENT_VALUES = {"one_on_one_id": _one_on_one, "agenda_item_id": _one_on_one, "action_item_id": _one_on_one}
