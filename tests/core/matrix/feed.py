"""Store feed routes in the authorization matrix."""

from tests.core.access import EVERYONE, Access

FEED_STORE = "feed_store"  # an item of the person's store feed (HR's and admins' land in another district)


def _item_id(org, person) -> dict:
    from app.extensions import db
    from app.feed.services import add_item

    store_id = person.store_id or org.other_store.id
    item_id = add_item(store_id, "mission", f"matrix:{person.id}:{store_id}", subject_id=person.id,
                       params={"mission": "Window display", "points": 10})
    db.session.commit()
    return {"feed_item_id": item_id}


EXPECTATIONS = {
    "feed.index": Access(EVERYONE),
    "feed.react": Access(EVERYONE, scope=FEED_STORE),
}
IN_SCOPE = {
    FEED_STORE: {
        "staff": {"self", "own_store"},
        "store_manager": {"self", "own_store"},
        "district_manager": {"own_store", "sibling_store"},
        "hr": {"self", "own_store", "sibling_store", "other_district"},
        "admin": {"self", "own_store", "sibling_store", "other_district"},
    },
}
FORM_DATA = {"feed.react": {"kind": "clap"}}
PERSON_ARGUMENTS = frozenset({"feed_item_id"})
ARGUMENT_VALUES = {"feed_item_id": _item_id}
