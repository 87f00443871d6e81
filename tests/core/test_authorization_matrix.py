"""Every route × every role × someone else's data.

Cases are generated from the URL map; what each role may do is written out by hand in EXPECTATIONS
below, and which people each role may see or manage in IN_SCOPE, from the org chart that
factories.build_org creates. Neither is computed with app.org.authz, the code under test.
A new route that is not added to EXPECTATIONS fails here: every route must be in the matrix.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from flask import url_for

from app.extensions import db
from app.org.models import Person
from tests.core.access import (
    ANONYMOUS,
    EVERYONE,
    MANAGED,
    OFFERED,
    ORG_ADMINS,
    OWN,
    OWN_OR_MANAGED,
    PEOPLE_MANAGERS,
    REWARD_APPROVERS,
    ROLES,
    STORE,
    VISIBLE,
    Access,
    public,
)
from tests.core.matrix import merged, merged_set
from tests.core.support import is_static, route, routes, sign_in, url_values

EXPECTATIONS: dict[str, Access] = {
    "auth.login": public(GET=200, POST=422),  # POST: an empty form is refused with its errors
    "auth.accept_invite": public(GET=200, POST=422),  # the token in the URL is the credential
    "auth.set_language": public(POST=303),
    "auth.logout": Access(EVERYONE, signs_out=True),
    "auth.change_password": Access(EVERYONE),
    "home.landing": public(GET=302),
    "home.index": Access(EVERYONE),
    "home.me": Access(EVERYONE),
    "home.set_my_language": Access(EVERYONE),
    "home.settings": Access(ORG_ADMINS),
    "org.people": Access(PEOPLE_MANAGERS),
    "org.new_person": Access(PEOPLE_MANAGERS),
    "org.person": Access(EVERYONE, scope=VISIBLE),
    "org.edit_person": Access(PEOPLE_MANAGERS, scope=MANAGED),
    "org.set_active": Access(PEOPLE_MANAGERS, scope=MANAGED),
    "org.print_invites": Access(PEOPLE_MANAGERS, scope=MANAGED, target_field="person_id"),
    "org.import_people_page": Access(ORG_ADMINS),
    "org.stores": Access(frozenset({"district_manager", "hr", "admin"})),
    "org.new_store": Access(ORG_ADMINS),
    "org.audit_log": Access(ORG_ADMINS),
    "points.mine": Access(EVERYONE),
    "points.person_points": Access(PEOPLE_MANAGERS, scope=MANAGED),
    "points.dispute": Access(EVERYONE, scope=OWN),
    "points.dispute_queue": Access(PEOPLE_MANAGERS),
    "points.resolve_dispute": Access(PEOPLE_MANAGERS, scope=MANAGED),
    "points.reverse_entry": Access(ORG_ADMINS, scope=MANAGED),
    "points.award": Access(PEOPLE_MANAGERS),
    "points.award_limits": Access(ORG_ADMINS),
    "badges.mine": Access(EVERYONE),
    "badges.wall": Access(EVERYONE, scope=VISIBLE),
    "badges.give_picker": Access(EVERYONE),
    "badges.give": Access(EVERYONE, scope=VISIBLE),  # colleagues thank each other too
    "journey.index": Access(EVERYONE),
    "journey.claim_celebrations": Access(EVERYONE),
    "journey.endorse": Access(PEOPLE_MANAGERS, scope=MANAGED),
    "journey.stage_settings": Access(ORG_ADMINS),
    "streaks.index": Access(EVERYONE),
    "streaks.add_day_off": Access(EVERYONE),
    "streaks.remove_day_off": Access(EVERYONE),
    "missions.index": Access(EVERYONE),
    "missions.today": Access(EVERYONE),
    "missions.assignment": Access(EVERYONE, scope=OWN),
    "missions.checklist": Access(EVERYONE, scope=OWN),
    "missions.submit": Access(EVERYONE, scope=OWN),
    "missions.photo": Access(EVERYONE, scope=OWN_OR_MANAGED),
    "missions.manage": Access(PEOPLE_MANAGERS),
    "missions.new_mission": Access(PEOPLE_MANAGERS),
    "missions.mission": Access(PEOPLE_MANAGERS, scope=STORE),
    "missions.edit_mission": Access(PEOPLE_MANAGERS, scope=STORE),
    "missions.set_mission_active": Access(PEOPLE_MANAGERS, scope=STORE),
    "missions.signoffs": Access(PEOPLE_MANAGERS),
    "missions.signoff": Access(PEOPLE_MANAGERS, scope=MANAGED),
    "missions.approve": Access(PEOPLE_MANAGERS, scope=MANAGED),
    "missions.reject": Access(PEOPLE_MANAGERS, scope=MANAGED),
    "missions.journeys": Access(ORG_ADMINS),
    "missions.journey": Access(ORG_ADMINS),
    "missions.journey_step": Access(ORG_ADMINS),
    "missions.set_journey_active": Access(ORG_ADMINS),
    "missions.journey_recent_hires": Access(ORG_ADMINS),
    "rewards.store": Access(EVERYONE),
    "rewards.reward": Access(EVERYONE, scope=OFFERED),
    "rewards.redeem": Access(EVERYONE, scope=OFFERED),
    "rewards.picture": Access(EVERYONE),
    "rewards.mine": Access(EVERYONE),
    "rewards.cancel": Access(EVERYONE, scope=OWN),
    "rewards.approvals": Access(REWARD_APPROVERS),
    "rewards.approve": Access(REWARD_APPROVERS, scope=MANAGED),
    "rewards.refuse": Access(REWARD_APPROVERS, scope=MANAGED),
    "rewards.fulfil": Access(REWARD_APPROVERS, scope=MANAGED),
    "rewards.manage": Access(ORG_ADMINS),
    "rewards.new_reward": Access(ORG_ADMINS),
    "rewards.edit_reward": Access(ORG_ADMINS),
    "rewards.set_active": Access(ORG_ADMINS),
    "api_tokens.index": Access(ORG_ADMINS),
    "api_tokens.create": Access(ORG_ADMINS),
    "api_tokens.revoke": Access(ORG_ADMINS),
    "nudges.centre": Access(EVERYONE),
    "nudges.bell": Access(EVERYONE),
    "nudges.read_all": Access(EVERYONE),
    "nudges.settings": Access(EVERYONE),
    "nudges.open_notification": Access(EVERYONE, scope=OWN),
    "push.devices": Access(EVERYONE),
    # The browser posts its subscription as JSON; an empty form is refused as bad input after sign-in.
    "push.subscribe": Access(EVERYONE, allowed_statuses=frozenset({400})),
    "push.unsubscribe": Access(EVERYONE),
    "jobs.failed": Access(frozenset({"admin"})),
    "jobs.retry": Access(frozenset({"admin"})),
    "jobs.dismiss": Access(frozenset({"admin"})),
    "api.openapi_document": public(GET=200),
    "api.create_award": Access(frozenset(), api_token=True),
    "api.create_award_batch": Access(frozenset(), api_token=True),
    "api.person_points": Access(frozenset(), api_token=True),
    "api.person_ledger": Access(frozenset(), api_token=True),
    "pwa.manifest": public(GET=200),
    "pwa.service_worker": public(GET=200),
    "pwa.offline": public(GET=200),
}

EXPECTATIONS.update(merged("EXPECTATIONS"))

# Whom a request names, relative to the signed-in person. build_org: stores A and B in district one
# (A has sm, staff and colleague; B has sibling_sm and sibling_staff), store C in district two.
TARGETS = {
    "self": None,                      # the signed-in person
    "own_store": "colleague",          # an associate in store A, where staff and sm work
    "sibling_store": "sibling_staff",  # store B: same district, another store
    "other_district": "other_staff",   # store C, in the other district
}
ALL_TARGETS = frozenset(TARGETS)
IN_SCOPE = {
    VISIBLE: {
        "staff": {"self", "own_store"},
        "store_manager": {"self", "own_store"},
        "district_manager": {"self", "own_store", "sibling_store"},
        "hr": ALL_TARGETS,
        "admin": ALL_TARGETS,
    },
    MANAGED: {  # nobody changes their own record through the management screens
        "staff": set(),
        "store_manager": {"own_store"},
        "district_manager": {"own_store", "sibling_store"},
        "hr": ALL_TARGETS - {"self"},
        "admin": ALL_TARGETS - {"self"},
    },
    OWN: {role: {"self"} for role in ROLES},
    STORE: {  # the missions of a person without a store are org-wide: HR's and admins'
        "staff": set(),
        "store_manager": {"self", "own_store"},
        "district_manager": {"own_store", "sibling_store"},
        "hr": ALL_TARGETS,
        "admin": ALL_TARGETS,
    },
    OFFERED: {  # district managers, HR and admins belong to no store
        "staff": {"self", "own_store"},
        "store_manager": {"self", "own_store"},
        "district_manager": set(),
        "hr": set(),
        "admin": set(),
    },
}
IN_SCOPE[OWN_OR_MANAGED] = {role: IN_SCOPE[OWN][role] | IN_SCOPE[MANAGED][role] for role in ROLES}
IN_SCOPE.update(merged("IN_SCOPE"))
# People and stores a role must never see a trace of, whatever page it opens.
OUT_OF_SCOPE = {
    "staff": (("sibling_staff", "sibling_sm", "other_staff", "other_sm", "other_dm"),
              ("sibling_store", "other_store")),
    "store_manager": (("sibling_staff", "sibling_sm", "other_staff", "other_sm", "other_dm"),
                      ("sibling_store", "other_store")),
    "district_manager": (("other_staff", "other_sm", "other_dm"), ("other_store",)),
}
# What a POST sends besides the CSRF token. Empty forms are refused by validation (422), which is
# enough to show the role got past authorization.
FORM_DATA = {
    "org.set_active": {"active": "0"},
    "home.set_my_language": {"locale": "it"},
}
FORM_DATA.update(merged("FORM_DATA"))
# URL arguments that name a person or something of theirs: such routes run once per target.
PERSON_ARGUMENTS = frozenset({"person_id", "entry_id", "dispute_id", "mission_id", "assignment_id",
                              "submission_id", "reward_id", "redemption_id", "notification_id"})
PERSON_ARGUMENTS |= merged_set("PERSON_ARGUMENTS")


@dataclass(frozen=True)
class Case:
    endpoint: str
    method: str
    role: str
    target: str | None

    def __str__(self) -> str:
        return "-".join(part for part in (self.endpoint, self.method, self.role, self.target) if part)


def _cases() -> list[Case]:
    cases = []
    for found in routes():
        expectation = EXPECTATIONS.get(found.endpoint)
        names_a_person = bool(found.arguments & PERSON_ARGUMENTS
                              or (expectation and expectation.target_field))
        for method in ("GET", "POST"):
            if method not in found.methods:
                continue
            for role in (ANONYMOUS, *ROLES):
                if not names_a_person:
                    cases.append(Case(found.endpoint, method, role, None))
                elif role == ANONYMOUS:
                    cases.append(Case(found.endpoint, method, role, "other_district"))
                else:
                    cases.extend(Case(found.endpoint, method, role, target) for target in TARGETS)
    return cases


CASES = _cases()


def test_every_route_is_in_the_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if not is_static(rule.endpoint)}
    missing = sorted(endpoints - EXPECTATIONS.keys())
    stale = sorted(EXPECTATIONS.keys() - endpoints)
    assert not missing, f"every route must be in the matrix: add {missing} to EXPECTATIONS"
    assert not stale, f"EXPECTATIONS names routes that no longer exist: {stale}"


def test_matrix_covers_every_role_on_every_route():
    covered = {(case.endpoint, case.role) for case in CASES}
    for found in routes():
        for role in (ANONYMOUS, *ROLES):
            assert (found.endpoint, role) in covered


def _target_person(org, case: Case) -> Person | None:
    if case.target is None:
        return None
    if case.target == "self":
        return org.by_role(case.role)
    return getattr(org, TARGETS[case.target])


def _snapshot() -> dict[str, list]:
    """Every row of every table: what a refused request must leave untouched, whatever the feature."""
    db.session.rollback()
    snapshot = {}
    for table in db.metadata.sorted_tables:
        order = list(table.primary_key.columns) or list(table.columns)
        snapshot[table.name] = [tuple(row) for row in db.session.execute(sa.select(table).order_by(*order))]
    db.session.rollback()
    return snapshot


def _changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(name for name in before if before[name] != after.get(name))


def _is_redirect_to_login(response) -> bool:
    return response.status_code in (302, 303) and urlsplit(response.headers["Location"]).path == "/login"


def _expected_allowed(expectation: Access, case: Case) -> bool:
    if case.role not in expectation.roles:
        return False
    if expectation.scope is None:
        return True
    return case.target in IN_SCOPE[expectation.scope][case.role]


def _assert_no_out_of_scope_data(org, case: Case, body: str) -> None:
    people, stores = OUT_OF_SCOPE.get(case.role, ((), ()))
    for name in people:
        person = getattr(org, name)
        for value in (person.full_name, person.employee_number, person.email):
            assert not value or value not in body, f"{case}: shows {name} ({value}) to a {case.role}"
    for name in stores:
        store = getattr(org, name)
        assert store.name not in body, f"{case}: shows store {store.name} to a {case.role}"


@pytest.mark.parametrize("case", CASES, ids=str)
def test_route_access(case, fresh_org, shared_client):
    org, client = fresh_org, shared_client
    expectation = EXPECTATIONS.get(case.endpoint)
    if expectation is None:
        pytest.fail(f"{case.endpoint} is not in EXPECTATIONS: every route must be in the matrix")
    target = _target_person(org, case)
    url = url_for(case.endpoint, _external=False, **url_values(route(case.endpoint), org, target))
    if case.role != ANONYMOUS:
        sign_in(client, org.by_role(case.role))

    form = dict(FORM_DATA.get(case.endpoint, {}))
    if expectation.target_field:
        form[expectation.target_field] = str(target.id)
    # Only a request that must be refused is checked for changes: snapshotting every table around each
    # allowed one would double the matrix's run time for nothing.
    refused = (expectation.api_token or (case.role == ANONYMOUS and not expectation.is_public)
               or (case.role != ANONYMOUS and not _expected_allowed(expectation, case)))
    before = _snapshot() if refused else None
    if case.method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, data=form)
    status = response.status_code
    body = response.get_data().decode("utf-8", errors="replace")  # pictures and photos are bytes

    assert status < 500, f"{case}: {status}"
    if expectation.api_token:
        assert status == 401, f"{case}: {status}"
        assert response.mimetype == "application/problem+json"
        assert _changed_tables(before, _snapshot()) == []
        return
    if case.role == ANONYMOUS:
        if expectation.is_public:
            assert status == expectation.public[case.method], f"{case}: {status}"
            if case.endpoint == "home.landing":
                assert _is_redirect_to_login(response)
        else:
            assert _is_redirect_to_login(response), f"{case}: {status} {response.headers.get('Location')}"
            assert _changed_tables(before, _snapshot()) == []
        return

    if not expectation.is_public:
        _assert_no_out_of_scope_data(org, case, body)
    if _expected_allowed(expectation, case):
        assert status in expectation.allowed_statuses, f"{case}: {status}"
        # Only signing out sends a signed-in person back to the sign-in page.
        assert _is_redirect_to_login(response) == expectation.signs_out, f"{case}: {response.headers}"
    else:
        assert status in (403, 404), f"{case}: {case.role} got {status}"
        assert _changed_tables(before, _snapshot()) == [], f"{case}: a refused request changed data"
