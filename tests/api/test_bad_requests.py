"""Every JSON endpoint of /api/v1 against bodies a broken client could send: the wrong Content-Type,
broken or hostile JSON, junk in the fields. Always a problem document (RFC 9457), never a server error,
and nothing is written (the token's last-used time aside)."""

import json

import pytest

from tests.api.conftest import assert_problem, make_token
from tests.core.test_authorization_matrix import _changed_tables, _snapshot

JSON_ENDPOINTS = ["/api/v1/awards", "/api/v1/kpi-measurements"]
# The one write a refused request still makes: the token's last use, stamped once it is recognised.
TOKEN_TOUCH = ["api_tokens"]


@pytest.fixture
def secret(org, kpi_library) -> str:
    return make_token().secret


def _post(client, secret: str, url: str, body: bytes | str, content_type: str | None):
    headers = {"Authorization": f"Bearer {secret}", "Idempotency-Key": "bad-request-test"}
    if content_type is not None:
        headers["Content-Type"] = content_type
    return client.post(url, data=body, headers=headers, csrf=False)


def _unchanged(before) -> bool:
    return _changed_tables(before, _snapshot()) in ([], TOKEN_TOUCH)


@pytest.mark.parametrize("url", JSON_ENDPOINTS)
@pytest.mark.parametrize(("body", "content_type"), [
    ('{"person": "E001", "points": 5, "reason": "Sale"}', "text/plain"),
    ("person=E001&points=5&reason=Sale", "application/x-www-form-urlencoded"),
    ("--x\r\nContent-Disposition: form-data; name=\"points\"\r\n\r\n5\r\n--x--\r\n", "multipart/form-data; boundary=x"),
    ('{"person": "E001"}', "application/xml"),
    ('{"person": "E001"}', None),
], ids=["text-plain", "form-encoded", "multipart", "xml", "no-content-type"])
def test_a_body_that_is_not_json_is_415(client, secret, url, body, content_type):
    before = _snapshot()
    problem = assert_problem(_post(client, secret, url, body, content_type), 415)
    assert "JSON" in problem["detail"]
    assert _unchanged(before)


MALFORMED_JSON = [
    b"", b"{", b'{"points": 5', b"{'points': 5}", b'{"points": 5,}', b"nul", b"\xff\xfe\x00{", b"\x00",
    b'{"points": NaN}', b'{"a": "\\ud800"}', "{\"reason\": \"caf\u00e9\"}".encode("latin-1"),
]


@pytest.mark.parametrize("url", JSON_ENDPOINTS)
def test_malformed_json_is_a_problem_document(client, secret, url):
    before = _snapshot()
    for body in MALFORMED_JSON:
        response = _post(client, secret, url, body, "application/json")
        # NaN and a lone surrogate are valid to Python's parser: those bodies must then fail validation.
        assert response.status_code in (400, 422), f"{body!r}: {response.get_data(as_text=True)}"
        assert_problem(response, response.status_code)
    assert_problem(_post(client, secret, url, b"{nope", "application/json"), 400)
    assert _unchanged(before)


@pytest.mark.parametrize("url", JSON_ENDPOINTS)
def test_deeply_nested_json_is_400_not_a_crash(client, secret, url):
    """Python's parser gives up with RecursionError, which is not a ValueError: it must still be bad input."""
    before = _snapshot()
    body = "[" * 100_000 + "]" * 100_000
    assert_problem(_post(client, secret, url, body, "application/json"), 400)
    assert _unchanged(before)


JUNK = ["", " ", "\x00", "a\x00b", "<script>alert(1)</script>", "👩🏽‍🚀" * 500, "x" * 100_000, -1, 0,
        10**40, -(10**40), 1.5, 1e308, True, None, [], {}, ["E001"], {"$gt": ""}]
AWARD = {"employee_number": "E1001", "points": 20, "reason": "Loyalty card sign-up", "source": "till-3"}
MEASUREMENT = {"store": "MI01", "kpi": "footfall", "date": "2026-11-02", "value": 120}
# Junk that is in fact a valid value for that field: a reason or a source is free text, markup
# included (it is stored as typed and shown escaped).
VALID_JUNK = [("value", 0), ("value", -1), ("value", 1.5), ("reason", "<script>alert(1)</script>"),
              ("source", "<script>alert(1)</script>")]


def _with_junk(valid: dict):
    for name in valid:
        for junk in JUNK:
            if (name, junk) not in VALID_JUNK:
                yield name, junk, {**valid, name: junk}


@pytest.mark.parametrize("field", list(AWARD))
def test_junk_in_an_award_field_is_a_validation_problem(client, secret, org, field):
    assert org.staff.employee_number == AWARD["employee_number"]
    before = _snapshot()
    for name, junk, body in _with_junk(AWARD):
        if name != field:
            continue
        response = _post(client, secret, JSON_ENDPOINTS[0], json.dumps(body), "application/json")
        assert response.status_code in (400, 422), f"{name}={junk!r}: {response.status_code}"
        assert_problem(response, response.status_code)
    assert _unchanged(before)


@pytest.mark.parametrize("field", list(MEASUREMENT))
def test_junk_in_a_measurement_field_is_a_validation_problem(client, secret, org, field):
    assert org.store.code == MEASUREMENT["store"]
    before = _snapshot()
    for name, junk, item in _with_junk(MEASUREMENT):
        if name != field:
            continue
        response = _post(client, secret, JSON_ENDPOINTS[1], json.dumps({"measurements": [item]}),
                         "application/json")
        assert response.status_code in (400, 422), f"{name}={junk!r}: {response.status_code}"
        assert_problem(response, response.status_code)
    assert _unchanged(before)


@pytest.mark.parametrize("url", JSON_ENDPOINTS)
def test_json_that_is_not_an_object_is_a_validation_problem(client, secret, url):
    before = _snapshot()
    for body in ["[]", "null", "42", '"award"', "true", '{"measurements": {}}', '{"measurements": [null]}']:
        response = _post(client, secret, url, body, "application/json")
        assert response.status_code in (400, 422), f"{body}: {response.status_code}"
        assert_problem(response, response.status_code)
    assert _unchanged(before)


@pytest.mark.parametrize(("url", "body"), [
    (JSON_ENDPOINTS[0], AWARD), (JSON_ENDPOINTS[1], {"measurements": [MEASUREMENT]})])
def test_the_valid_bodies_go_through(client, secret, url, body):
    """The checks above refuse bad bodies, not the good ones they are made from."""
    response = _post(client, secret, url, json.dumps(body), "application/json; charset=utf-8")
    assert response.status_code in (200, 201), response.get_data(as_text=True)
