"""The ledger's query parameters, crafted: a 400 problem document, never a server error."""

import base64

import pytest

from tests.api.conftest import assert_problem


def _cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize("cursor", [
    _cursor("before:99999999999999999999"),  # past SQLite's and PostgreSQL's integers
    _cursor("before:2147483648"),
    _cursor("before:²"),  # "²".isdigit() is True, int("²") raises
    _cursor("before:٣"),
    _cursor("before:-5"),
    _cursor("before:0"),
    _cursor("before:"),
    _cursor("before:1\x00"),
])
def test_a_crafted_api_ledger_cursor_is_a_400(api, org, cursor):
    assert_problem(api.get(f"/api/v1/people/{org.staff.id}/ledger", query_string={"cursor": cursor}), 400,
                   fields={"cursor"})


@pytest.mark.parametrize("limit", ["²", "٣", "99999999999999999999", "\x00"])
def test_a_crafted_api_ledger_limit_is_a_400(api, org, limit):
    assert_problem(api.get(f"/api/v1/people/{org.staff.id}/ledger", query_string={"limit": limit}), 400,
                   fields={"limit"})
