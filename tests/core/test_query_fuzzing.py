"""Every GET route, its query string fuzzed: never a server error, whoever asks.

The sibling of test_form_fuzzing.py for query strings. Cases come from the URL map: each GET route is
opened by every role the authorization matrix lets in (anonymous visitors for public routes; the JSON
API with a bearer token), on the matrix's own test data. The query string holds the parameter names the
app reads (found by reading the source for `params.*_arg("…")`, `request.args.get("…")` and the like,
so a new parameter is fuzzed without editing this file) and random ones, each kept or not, with values
that broke routes before: huge and negative numbers, Unicode digits ("²" passes `isdigit()`), NUL,
CR/LF, years 0000/0001/9999, crafted cursors."""

import base64
import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
from flask import url_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.core.access import ANONYMOUS, ROLES
from tests.core.support import route, routes, sign_in, url_values
from tests.core.test_authorization_matrix import EXPECTATIONS, IN_SCOPE, PERSON_ARGUMENTS, TARGETS
from tests.core.test_form_fuzzing import _seed_what_migrations_seed

APP = Path(__file__).resolve().parents[2] / "app"
READS = re.compile(r"""(?:_arg|args\.get|values\.get|form\.get|getlist)\(\s*["']([A-Za-z_][\w-]*)["']""")
# Names the pattern above cannot see: page_arg()'s default, and the fields of GET forms (WTForms bound to
# request.args).
FORM_FIELDS = {"page", "hired_before", "roles", "store_ids", "name", "kind", "day"}
EXAMPLES_PER_ROUTE = 2  # × every role: about a thousand requests in all
TARGET_PREFERENCE = ("self", "own_store", "sibling_store", "other_district")


def _read_names() -> list[str]:
    names = set(FORM_FIELDS)
    for path in APP.rglob("*.py"):
        names.update(READS.findall(path.read_text(encoding="utf-8")))
    return sorted(names - {"csrf_token"})


KNOWN_NAMES = _read_names()


def _cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


# The first value is also hypothesis's first example (its simplest): every known name at once, huge.
JUNK_VALUES = [
    "99999999999999999999", "", "0", "-1", "-2147483649", "2147483647", "2147483648", "9223372036854775807",
    "9223372036854775808",
    "9" * 400, "1e309", "NaN", "0x1F", " 7 ", "+3", "3.5",
    "²", "٣", "１２", "۹۹", "\u2167",  # digits (and a numeral) that are not ASCII
    "\x00", "1\x00", "a\r\nSet-Cookie: x=1", "\r\n", "\t",
    "0000-01", "0000-Q1", "0001-01", "0001-Q1", "9999-12", "9999-Q4", "10000-01", "2026-13", "2026-Q5",
    "0000-00-00", "0001-01-01", "9999-12-31", "2026-02-30", "²⁰²⁶-01", "2026-1",
    "before:99999999999999999999", _cursor("before:99999999999999999999"), _cursor("before:²"),
    _cursor("before:-1"), _cursor("after:5"), "!!notbase64", "0001-01-01T00:00:00_1",
    "9999-12-31T23:59:59_99999999999999999999", "2026-01-01_²",
    "desc", "asc", "archived", "drafts", "company", "district", "store", "week", "month", "admin",
    "<script>alert(1)</script>", "' OR 1=1 --", "\u202eevil\u202c", "%", "%00", "../../etc/passwd",
    "https://evil.example/", "//evil.example", "javascript:alert(1)",
]
junk = st.one_of(
    st.sampled_from(JUNK_VALUES),
    st.integers(min_value=-(10**25), max_value=10**25).map(str),
    st.text(max_size=20),
)
random_names = st.text(st.characters(codec="ascii", categories=("L", "N", "P")), min_size=1, max_size=10)


@st.composite
def query_strings(draw) -> str:
    pairs = [(name, draw(junk)) for name in KNOWN_NAMES if not draw(st.booleans())]
    pairs += draw(st.lists(st.tuples(random_names, junk), max_size=2))
    # The same name twice: getlist() sees both, get() the first.
    pairs += [(name, draw(junk)) for name, _ in pairs[:1] if draw(st.booleans())]
    return urlencode(pairs)


def _askers(endpoint: str) -> list[str]:
    """Every role the matrix lets open it, anonymous visitors when it is public, a token for the API."""
    expectation = EXPECTATIONS[endpoint]
    if expectation.api_token:
        return ["api_token"]
    return ([ANONYMOUS] if expectation.is_public else []) + [role for role in ROLES if role in expectation.roles]


GET_ROUTES = [found.endpoint for found in routes() if "GET" in found.methods]


def _target(endpoint: str, role: str) -> str | None:
    """Whom the request names: the first person in the role's scope (None for a route naming nobody)."""
    expectation = EXPECTATIONS[endpoint]
    if not (route(endpoint).arguments & PERSON_ARGUMENTS or expectation.target_field):
        return None
    if role in (ANONYMOUS, "api_token"):
        return "other_district"
    in_scope = IN_SCOPE[expectation.scope][role] if expectation.scope else set(TARGET_PREFERENCE)
    return next((target for target in TARGET_PREFERENCE if target in in_scope), "self")


def _request_for(org, endpoint: str, who: str, urls: dict) -> tuple[str, dict]:
    """The URL `who` opens (its objects made once per person named) and the headers to send: a bearer
    token for the API."""
    target = _target(endpoint, who)
    person = None
    if target is not None:
        role = who if who in ROLES else "admin"
        person = org.by_role(role) if target == "self" else getattr(org, TARGETS[target])
    headers = {}
    if who == "api_token":
        from app.api import tokens
        from app.extensions import db

        created = tokens.create_token(None, "Till system", all_stores=True, store_ids=[])
        db.session.commit()
        headers["Authorization"] = f"Bearer {created.secret}"
    key = person.id if person is not None else None
    if key not in urls:
        urls[key] = url_for(endpoint, _external=False, **url_values(route(endpoint), org, person))
    return urls[key], headers


def _sign_in_as(org, client, who: str) -> None:
    if who in ROLES:
        sign_in(client, org.by_role(who))
    else:
        with client.session_transaction() as session:
            session.clear()


@pytest.mark.parametrize("endpoint", GET_ROUTES)
def test_junk_in_a_query_string_is_never_a_server_error(endpoint, fresh_org, shared_client):
    _seed_what_migrations_seed()
    urls: dict = {}
    askers = [(who, *_request_for(fresh_org, endpoint, who, urls)) for who in _askers(endpoint)]

    @settings(max_examples=EXAMPLES_PER_ROUTE, deadline=None, database=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                     HealthCheck.data_too_large])
    @given(data=st.data())
    def open_with_junk(data):
        for who, url, headers in askers:
            _sign_in_as(fresh_org, shared_client, who)
            query = data.draw(query_strings(), label=who)
            response = shared_client.get(f"{url}?{query}", headers=headers)
            assert response.status_code < 500, f"{endpoint} as {who}: ?{query} → {response.status_code}"

    open_with_junk()


def test_the_fuzzing_knows_the_parameters_routes_read():
    """The names come from the source: if the pattern stopped matching, the fuzzing would quietly shrink
    to random names."""
    for name in ("page", "before", "store", "period", "cursor", "limit", "district", "with", "id", "month"):
        assert name in KNOWN_NAMES
