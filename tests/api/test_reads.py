"""GET points and ledger: totals with the journey stage, entries newest first with cursor pagination."""

import uuid

import pytest

from app.extensions import db
from app.journey.services import current_stage
from app.points import ledger
from tests.api.conftest import assert_problem


def _award(person, points: int) -> int:
    entry = ledger.award(person, points, source_type="test", reason=f"{points} points",
                         idempotency_key=uuid.uuid4().hex).entry
    return entry.id


def test_points_summary(api, org):
    _award(org.staff, 30)
    _award(org.staff, 12)
    db.session.commit()
    response = api.get(f"/api/v1/people/{org.staff.id}/points")
    assert response.status_code == 200
    assert response.get_json() == {"person_id": org.staff.id, "lifetime": 42, "balance": 42,
                                   "stage": current_stage(org.staff).key}


def test_ledger_pages_newest_first_with_a_cursor(api, org):
    ids = [_award(org.staff, n) for n in range(1, 6)]
    _award(org.colleague, 99)  # someone else's entries never appear
    db.session.commit()
    url = f"/api/v1/people/{org.staff.id}/ledger"
    first = api.get(url, query_string={"limit": 2}).get_json()
    assert [item["id"] for item in first["items"]] == ids[::-1][:2]
    assert set(first["items"][0]) == {"id", "amount", "kind", "source_type", "source_id", "reason",
                                      "reverses_id", "created_at"}
    second = api.get(url, query_string={"limit": 2, "cursor": first["next_cursor"]}).get_json()
    assert [item["id"] for item in second["items"]] == ids[::-1][2:4]
    third = api.get(url, query_string={"limit": 2, "cursor": second["next_cursor"]}).get_json()
    assert [item["id"] for item in third["items"]] == ids[:1] and third["next_cursor"] is None
    everything = api.get(url).get_json()
    assert len(everything["items"]) == 5 and everything["next_cursor"] is None


@pytest.mark.parametrize("limit", ["0", "101", "-1", "ten", ""])
def test_limit_must_be_1_to_100(api, org, limit):
    assert_problem(api.get(f"/api/v1/people/{org.staff.id}/ledger", query_string={"limit": limit}), 400,
                   fields={"limit"})


@pytest.mark.parametrize("cursor", ["garbage", "YmVmb3JlOng", "!!!"])
def test_a_cursor_not_from_us_is_400(api, org, cursor):
    assert_problem(api.get(f"/api/v1/people/{org.staff.id}/ledger", query_string={"cursor": cursor}), 400,
                   fields={"cursor"})


def test_empty_ledger(api, org):
    assert api.get(f"/api/v1/people/{org.staff.id}/ledger").get_json() == {"items": [], "next_cursor": None}
