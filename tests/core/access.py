"""The vocabulary of the authorization matrix (tests/core/test_authorization_matrix.py): roles, scopes
and what a route allows. Feature modules in tests/core/matrix/ use it to add their routes."""

from dataclasses import dataclass, field

ANONYMOUS = "anonymous"
ROLES = ("staff", "store_manager", "district_manager", "hr", "admin")
EVERYONE = frozenset(ROLES)
PEOPLE_MANAGERS = frozenset({"store_manager", "district_manager", "hr", "admin"})
ORG_ADMINS = frozenset({"hr", "admin"})
REWARD_APPROVERS = frozenset({"store_manager", "hr", "admin"})  # district managers don't hand out rewards

# Scopes: whose things a role may reach, relative to the person the request names (see IN_SCOPE).
VISIBLE = "visible"  # their public profile
MANAGED = "managed"  # changing them or their things: their record, points, evidence, redemptions
OWN = "own"  # only the person themselves (their points entry, assignment, redemption)
OWN_OR_MANAGED = "own_or_managed"  # the person and their managers (a photo they took)
STORE = "store"  # something of their store (a store mission) that the role's stores include
OFFERED = "offered"  # a reward offered only in their store: seen by people of that store


@dataclass(frozen=True)
class Access:
    roles: frozenset[str]
    scope: str | None = None  # the person named by the request must be in this scope for the role
    # For anonymous visitors of public endpoints: the exact status expected per method.
    public: dict[str, int] = field(default_factory=dict)
    target_field: str | None = None  # the person is named in this form field, not in the URL
    signs_out: bool = False
    # The JSON API authenticates bearer tokens only: no session, whatever its role, gets in without one.
    api_token: bool = False
    allowed_statuses: frozenset[int] = frozenset({200, 302, 303, 422})

    @property
    def is_public(self) -> bool:
        return bool(self.public)


def public(**statuses: int) -> Access:
    return Access(roles=EVERYONE, public=statuses)
