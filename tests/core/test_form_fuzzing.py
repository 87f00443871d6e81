"""Every form in the app, posted with junk: never a server error, and a refusal changes nothing.

Cases come from the URL map: each POST route (the JSON API aside: tests/api/test_schemathesis.py) is
posted by a role the authorization matrix allows, on the matrix's own test data. The valid body is read
from the page that renders the form (tests/core/html_forms.py), falling back to the matrix's FORM_DATA,
then hypothesis varies it: each field kept, dropped or replaced by junk (unicode, very long text,
blanks, out-of-range numbers and dates, NUL bytes, markup), plus unknown fields."""

from urllib.parse import urlsplit

import pytest
from flask import url_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.core.html_forms import form_posting_to
from tests.core.support import route, routes, sign_in, url_values
from tests.core.test_authorization_matrix import (
    EXPECTATIONS,
    FORM_DATA,
    IN_SCOPE,
    PERSON_ARGUMENTS,
    TARGETS,
    _changed_tables,
    _snapshot,
)

# Who posts: the first of these roles the matrix allows, on the first target in its scope.
ROLE_PREFERENCE = ("admin", "hr", "store_manager", "district_manager", "staff")
TARGET_PREFERENCE = ("self", "own_store", "sibling_store", "other_district")
# Not fuzzed here: the JSON API (schemathesis), signing out and the browser's JSON push subscription
# (no form), and the sign-in form, whose rate limit and argon2 checks tests/auth covers.
SKIPPED = {"auth.logout", "auth.login", "push.subscribe"}
# POST-only routes whose form lives on another page than the GET route of the same URL: (that page's
# endpoint). The page is opened with the same URL values, so its form posts to the very URL under test.
FORM_PAGES = {
    "oneonones.add_agenda_item": "oneonones.detail",
    "oneonones.add_action_item": "oneonones.detail",
    "oneonones.answer_pulse": "oneonones.detail",
    "oneonones.save_notes": "oneonones.detail",
    "oneonones.save_private_note": "oneonones.detail",
    "oneonones.create": "oneonones.schedule",
    "reviews.save_self": "reviews.review",
    "reviews.save_manager": "reviews.review",
    "reviews.calibrate": "reviews.calibration",
    "reviews.nominate": "reviews.review",
    "feedback.answer_upward": "feedback.upward_item",
    "missions.submit": "missions.assignment",
    "missions.reject": "missions.signoff",
    "points.resolve_dispute": "points.dispute_queue",
    "points.reverse_entry": "points.person_points",
    "api_tokens.create": "api_tokens.index",
    "streaks.add_day_off": "streaks.index",
    "kpis.copy_targets": "kpis.targets_page",
    "okrs.check_in": "okrs.objective",
}
EXAMPLES_PER_FORM = 6

JUNK_VALUES = [
    "", " ", "\t\n ", "0", "-1", "-2147483649", "2147483648", "99999999999999999999999", "1e309", "NaN",
    "-0.0000001", "3.14159", "0x1F", "\x00", "abc\x00def", "2026-02-30", "0000-00-00", "9999-12-31T25:61",
    "<script>alert(1)</script>", "\"'><img src=x onerror=alert(1)>", "{{ 7*7 }}", "' OR 1=1 --",
    "\u202eevil\u202c", "مرحبا بالعالم", "👩🏽‍🚀🔥", "Ω≈ç√∫", "\ufeff", "%s%n%x", "../../etc/passwd", "on", "y",
]
junk = st.one_of(
    st.sampled_from(JUNK_VALUES),
    st.text(max_size=40),  # any unicode outside the surrogates
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=3).map(lambda chunk: chunk * 4000),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)


@st.composite
def variations(draw, base: dict) -> dict:
    body = {}
    for name, value in base.items():
        choice = draw(st.sampled_from(("keep", "junk", "junk", "drop")))
        if choice == "keep" or name.endswith("csrf_token"):  # a subform's token: junk there is CSRF's test
            body[name] = value
        elif choice == "junk":
            body[name] = draw(junk)
    extra_names = st.text(st.characters(codec="ascii", categories=("L", "N", "P")), min_size=1, max_size=12)
    body.update(draw(st.dictionaries(extra_names.filter(lambda name: name != "csrf_token"), junk, max_size=2)))
    return body


def _poster(endpoint: str) -> tuple[str | None, str | None]:
    """(role, target) of someone the matrix lets post this; role None for a public form."""
    expectation = EXPECTATIONS[endpoint]
    if expectation.is_public:
        return None, None
    found = route(endpoint)
    names_a_person = bool(found.arguments & PERSON_ARGUMENTS or expectation.target_field)
    for role in ROLE_PREFERENCE:
        if role not in expectation.roles:
            continue
        if not names_a_person:
            return role, None
        in_scope = IN_SCOPE[expectation.scope][role] if expectation.scope else set(TARGET_PREFERENCE)
        target = next((target for target in TARGET_PREFERENCE if target in in_scope), None)
        if target is not None:
            return role, target
    raise AssertionError(f"no role may post {endpoint}: check its EXPECTATIONS")


def _fuzzed_endpoints() -> list[str]:
    return [found.endpoint for found in routes()
            if "POST" in found.methods and not found.rule.startswith("/api/") and found.endpoint not in SKIPPED]


FUZZED = _fuzzed_endpoints()


def _seed_what_migrations_seed() -> None:
    """The matrix's org starts from empty tables; production's migrations seed the journey stages, the
    built-in badges and the KPI library, which several forms edit or choose from."""
    from app.badges.catalogue import seed_builtin_badges
    from app.extensions import db
    from app.journey.defaults import seed_default_stages
    from app.kpis.defaults import ensure_defaults

    seed_default_stages()
    seed_builtin_badges()
    ensure_defaults()
    db.session.commit()


def _prepare(org, client, endpoint: str) -> tuple[str, dict]:
    """Sign the poster in and return (the URL to post to, the body the form would send unchanged)."""
    _seed_what_migrations_seed()
    role, target = _poster(endpoint)
    person = None
    if target is not None:
        person = org.by_role(role) if target == "self" else getattr(org, TARGETS[target])
    if role is not None:
        sign_in(client, org.by_role(role))
    found = route(endpoint)
    values = url_values(found, org, person)
    url = url_for(endpoint, _external=False, **_only(values, found.arguments))
    page_endpoint = FORM_PAGES.get(endpoint) or _page_at(found)
    form = None
    if page_endpoint is not None:
        page_route = route(page_endpoint)
        values |= url_values_for_missing(page_route, values, org, person)
        page = client.get(url_for(page_endpoint, _external=False, **_only(values, page_route.arguments)))
        if page.status_code == 200 and page.mimetype == "text/html":
            form = form_posting_to(page.get_data(as_text=True), urlsplit(url).path)
    base = form.body() if form is not None else {}
    base.update({name: value for name, value in FORM_DATA.get(endpoint, {}).items() if name not in base})
    target_field = EXPECTATIONS[endpoint].target_field
    if target_field and person is not None:
        base.setdefault(target_field, str(person.id))
    return url, base


def _only(values: dict, names) -> dict:
    return {name: value for name, value in values.items() if name in names}


def _page_at(found) -> str | None:
    """The GET route of the same URL, which usually renders the form."""
    return next((other.endpoint for other in routes() if other.rule == found.rule and "GET" in other.methods),
                None)


def url_values_for_missing(page_route, values: dict, org, person) -> dict:
    if page_route.arguments <= values.keys():
        return {}
    made = url_values(page_route, org, person)
    return {name: made[name] for name in page_route.arguments - values.keys()}


@pytest.mark.parametrize("endpoint", FUZZED)
def test_junk_in_a_form_is_refused_cleanly(endpoint, fresh_org, shared_client):
    url, base = _prepare(fresh_org, shared_client, endpoint)

    @settings(max_examples=EXAMPLES_PER_FORM, deadline=None, database=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                     HealthCheck.data_too_large, HealthCheck.large_base_example])
    @given(body=variations(base))
    def post_junk(body):
        before = _snapshot()
        response = shared_client.post(url, data=body)
        status = response.status_code
        assert status < 500, f"{endpoint} {body!r}: {status}"
        # A refusal (bad input, or a state the junk made impossible) must leave every table as it was.
        if 400 <= status < 500:
            assert _changed_tables(before, _snapshot()) == [], f"{endpoint} {body!r}: refused but changed data"

    post_junk()


def test_a_value_the_database_refuses_is_bad_input_not_a_crash(app, client, org):
    """The net under every form and the API: a value the database cannot store for its column's type is
    refused as bad input (400, a clear message, the request's writes rolled back), never a 500."""
    from sqlalchemy.exc import DataError

    from app.extensions import db
    from app.org.models import Person

    staff_id = org.staff.id  # read now: inside the request it would open a transaction on the test's session

    def store_the_unstorable():
        db.session.get(Person, staff_id).full_name = "Half Written"
        db.session.flush()
        raise DataError("UPDATE people …", {}, Exception("integer out of range"))

    app.add_url_rule("/unstorable", "unstorable_page", store_the_unstorable, methods=["POST"])
    app.add_url_rule("/api/unstorable", "unstorable_api", store_the_unstorable, methods=["POST"])
    sign_in(client, org.staff)

    page = client.post("/unstorable")
    assert page.status_code == 400 and page.mimetype == "text/html"
    assert "Nothing was saved. Go back and check what you typed." in page.get_data(as_text=True)
    api = client.post("/api/unstorable")
    assert api.status_code == 400 and api.mimetype == "application/problem+json"
    assert "Nothing was saved" in api.get_json(force=True)["detail"]
    db.session.rollback()
    assert db.session.get(Person, staff_id).full_name == "Sara Staff"


@pytest.mark.parametrize(("endpoint", "body", "statuses"), [
    # Found by the fuzzing above on PostgreSQL: an id past its integer range reached a query. Now
    # app/core/params.py drops it before any query: "choose at least one person", and back to the list.
    ("org.print_invites", {"person_id": "2147483648"}, (303,)),
    # PostgreSQL text cannot hold NUL characters.
    ("feedback.company_values", {"name": "Cur\x00iosity", "description": "Ask why."}, (400, 422)),
])
def test_values_postgresql_cannot_store_are_refused_whole(app, client, org, endpoint, body, statuses):
    from app.extensions import db

    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite stores these values: the refusal is PostgreSQL's")
    sign_in(client, org.hr)
    before = _snapshot()
    response = client.post(url_for(endpoint), data=body)
    assert response.status_code in statuses, response.status_code
    assert _changed_tables(before, _snapshot()) == []
