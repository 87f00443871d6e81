"""Password-reset routes in the authorization matrix (app/auth/resets.py)."""

from tests.core.access import ORG_ADMINS, Access, public

# Requests HR or an administrator may decide: never their own; HR never for HR or an administrator
# (build_org's other targets are associates, so HR and admins decide all of theirs).
RESET_DECIDABLE = "reset_decidable"


def _reset_id(_org, person) -> dict:
    """A pending reset asked for by `person` on their own phone."""
    from app.auth import resets
    from app.auth.models import PasswordReset
    from app.extensions import db

    resets.request_reset(person.employee_number, valid_minutes=30)
    db.session.commit()
    return {"reset_id": db.session.query(PasswordReset.id).filter_by(person_id=person.id).scalar()}


EXPECTATIONS = {
    # POST: an empty form is refused with its errors; signed-in people are sent to "Change password".
    "auth.forgot_password": public(GET=200, POST=422),
    # The asking browser's ticket in its session is the credential: without one, nothing to do (422).
    "auth.reset_password": public(GET=200, POST=422),
    "auth.approve_reset": Access(ORG_ADMINS, scope=RESET_DECIDABLE),
    "auth.refuse_reset": Access(ORG_ADMINS, scope=RESET_DECIDABLE),
}
IN_SCOPE = {
    RESET_DECIDABLE: {
        "staff": set(),
        "store_manager": set(),
        "district_manager": set(),
        "hr": {"own_store", "sibling_store", "other_district"},
        "admin": {"own_store", "sibling_store", "other_district"},
    },
}
PERSON_ARGUMENTS = frozenset({"reset_id"})
ARGUMENT_VALUES = {"reset_id": _reset_id}
