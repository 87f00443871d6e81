"""Challenges in the authorization matrix. A challenge belongs to stores: the one a URL names is an
individual challenge in the target person's store (all stores for someone without one), made by the admin."""

from datetime import timedelta

from tests.core.access import EVERYONE, ORG_ADMINS, PEOPLE_MANAGERS, ROLES, Access

ALL_TARGETS = {"self", "own_store", "sibling_store", "other_district"}
VISIBLE_CHALLENGE = "challenge_visible"
MANAGED_CHALLENGE = "challenge_managed"

EXPECTATIONS = {
    "challenges.index": Access(EVERYONE),
    "challenges.detail": Access(EVERYONE, scope=VISIBLE_CHALLENGE),
    "challenges.new": Access(PEOPLE_MANAGERS),
    "challenges.edit": Access(PEOPLE_MANAGERS, scope=MANAGED_CHALLENGE),
    "challenges.publish": Access(PEOPLE_MANAGERS, scope=MANAGED_CHALLENGE),
    "challenges.cancel": Access(PEOPLE_MANAGERS, scope=MANAGED_CHALLENGE),
}

IN_SCOPE = {
    # A published challenge is seen by everyone whose stores take part; the district manager's own
    # ("self") is a company-wide one, which includes their district.
    VISIBLE_CHALLENGE: {
        "staff": {"self", "own_store"},
        "store_manager": {"self", "own_store"},
        "district_manager": {"self", "own_store", "sibling_store"},
        "hr": ALL_TARGETS,
        "admin": ALL_TARGETS,
    },
    # A draft is managed by whoever has every store of it in their scope.
    MANAGED_CHALLENGE: {
        "staff": set(),
        "store_manager": {"self", "own_store"},
        "district_manager": {"own_store", "sibling_store"},
        "hr": ALL_TARGETS,
        "admin": ALL_TARGETS,
    },
}
assert set(IN_SCOPE[VISIBLE_CHALLENGE]) == set(ROLES) and ORG_ADMINS <= PEOPLE_MANAGERS

PERSON_ARGUMENTS = frozenset({"challenge_id"})


def _challenge(org, person, status: str) -> dict:
    import sqlalchemy as sa

    from app.challenges.authoring import utc_bounds
    from app.challenges.models import Audience, Challenge, Kind, Metric
    from app.core.models import utcnow
    from app.extensions import db
    from app.org.models import Store

    stores = [person.store] if person.store is not None else list(db.session.scalars(sa.select(Store)))
    today = utcnow().date()
    starts_on = today - timedelta(days=1) if status == "running" else today + timedelta(days=1)
    ends_on = today + timedelta(days=5)
    starts_at, ends_at = utc_bounds(starts_on, ends_on, "Europe/Rome")
    challenge = Challenge(title="Window week", kind=Kind.INDIVIDUAL, metric=Metric.POINTS, format="ranking",
                          winners_count=3, reward_points=20,
                          audience=Audience.STORE if person.store is not None else Audience.ALL,
                          starts_on=starts_on, ends_on=ends_on, timezone="Europe/Rome", starts_at=starts_at,
                          ends_at=ends_at, status=status, created_by_id=org.admin.id)
    challenge.stores = stores
    db.session.add(challenge)
    db.session.commit()
    return {"challenge_id": challenge.id}


ARGUMENT_VALUES = {
    "challenge_id": lambda org, person: _challenge(org, person, "running"),
}
ENDPOINT_ARGUMENT_VALUES = {
    ("challenges.edit", "challenge_id"): lambda org, person: _challenge(org, person, "draft"),
    ("challenges.publish", "challenge_id"): lambda org, person: _challenge(org, person, "draft"),
    ("challenges.cancel", "challenge_id"): lambda org, person: _challenge(org, person, "draft"),
}
