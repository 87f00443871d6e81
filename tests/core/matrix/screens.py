"""TV mode in the authorization matrix: managers look after their stores' screens; the TV itself opens
with its token and no session."""

from tests.core.access import PEOPLE_MANAGERS, STORE, Access, public

EXPECTATIONS = {
    "screens.manage": Access(PEOPLE_MANAGERS),
    "screens.create": Access(PEOPLE_MANAGERS),  # POST: an empty form is refused with its errors (422)
    "screens.confirm_revoke": Access(PEOPLE_MANAGERS, scope=STORE),
    "screens.revoke": Access(PEOPLE_MANAGERS, scope=STORE),
    "screens.tv": public(GET=200),  # the token in the URL is the credential
    "screens.tv_board": public(GET=200),
}
# A screen belongs to a store: it runs once per target, made for the target's store.
PERSON_ARGUMENTS = frozenset({"screen_id"})


def _screen_id(org, person) -> dict:
    """A screen of `person`'s store; for someone without a store, one in the other district's store."""
    from app.extensions import db
    from app.screens import services

    store = person.store or org.other_store
    created = services.create_screen(org.admin, store.id, "Back office TV")
    db.session.commit()
    return {"screen_id": created.screen.id}


def _screen_token(org, _person) -> dict:
    """A live screen link of store A."""
    from app.extensions import db
    from app.screens import services

    created = services.create_screen(org.admin, org.store.id, "Back office TV")
    db.session.commit()
    return {"screen_token": created.token}


ARGUMENT_VALUES = {"screen_id": _screen_id, "screen_token": _screen_token}
