"""Districts and stores (app/org/structure_routes.py) in the authorization matrix: HR and administrators
only. A district URL names the other district (it has open stores, so closing it is refused: 303 with a
reason); a store URL names the target's store (kpis' store_id maker), whose active people refuse a close."""

from tests.core.access import ORG_ADMINS, Access

EXPECTATIONS = {
    "org.districts": Access(ORG_ADMINS),
    "org.new_district": Access(ORG_ADMINS),  # POST: an empty form is refused with its errors (422)
    "org.edit_district": Access(ORG_ADMINS),
    "org.close_district": Access(ORG_ADMINS),
    "org.edit_store": Access(ORG_ADMINS),
    "org.close_store": Access(ORG_ADMINS),
}


def _district_id(org, _person) -> dict:
    return {"district_id": org.other_district.id}


ARGUMENT_VALUES = {"district_id": _district_id}


def _store_id(org, person) -> dict:
    """The target's store (the other district's for someone without one): open, with active people."""
    return {"store_id": (person.store or org.other_store).id}


ENDPOINT_ARGUMENT_VALUES = {("org.edit_store", "store_id"): _store_id, ("org.close_store", "store_id"): _store_id}
