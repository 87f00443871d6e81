"""POST /api/v1/awards: one award per Idempotency-Key, validation as problem documents that change nothing,
and the same limits as a manager's discretionary award."""

import threading
import uuid

import pytest
import sqlalchemy as sa

from app.api.models import ApiAward
from app.extensions import db
from app.points import ledger
from app.points.models import EntryKind, PointEntry
from tests import factories
from tests.api.conftest import ApiClient, assert_problem, make_token

BODY = {"employee_number": "E1001", "points": 20, "reason": "Loyalty card sign-up", "source": "till-3"}


def _entries() -> list[PointEntry]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(PointEntry).order_by(PointEntry.id)))


def test_first_call_awards_and_answers_201(api, org):
    response = api.award(BODY, key="sale-1001")
    assert response.status_code == 201 and response.mimetype == "application/json"
    award = response.get_json()
    [entry] = _entries()
    assert award == {"id": entry.id, "person": {"id": org.staff.id, "employee_number": "E1001"}, "points": 20,
                     "reason": "Loyalty card sign-up", "source": "till-3", "idempotency_key": "sale-1001",
                     "created_at": award["created_at"]}
    assert award["created_at"].endswith("Z")
    assert (entry.kind, entry.source_type, entry.source_id, entry.awarded_by_id, entry.store_id) == (
        EntryKind.EARN, "api", "till-3", None, org.store.id)
    assert ledger.balances(org.staff.id) == (20, 20)


def test_person_by_email(api, org):
    body = {**BODY, "email": "STAFF@example.test"}
    del body["employee_number"]
    assert api.award(body).status_code == 201
    assert ledger.balances(org.staff.id) == (20, 20)


def test_a_repeat_returns_the_original_award_and_pays_nothing(api, org):
    first = api.award(BODY, key="sale-1")
    again = api.award({"source": "till-3", "reason": "Loyalty card sign-up", "points": 20,
                       "employee_number": "E1001"}, key="sale-1")  # same body, other key order
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == first.get_json()
    assert len(_entries()) == 1 and ledger.balances(org.staff.id) == (20, 20)


def test_same_key_with_another_body_is_409(api, org):
    api.award(BODY, key="sale-2")
    response = api.award({**BODY, "points": 25}, key="sale-2")
    assert assert_problem(response, 409)["type"].endswith("idempotency-key-reused")
    assert len(_entries()) == 1 and ledger.balances(org.staff.id) == (20, 20)


@pytest.mark.parametrize("body", [{**BODY, "points": "many"}, {**BODY, "employee_number": "NOBODY"}],
                         ids=["invalid", "unknown person"])
def test_a_used_key_with_a_body_that_could_not_pay_is_still_409(api, org, body):
    api.award(BODY, key="sale-3")
    response = api.award(body, key="sale-3")
    assert assert_problem(response, 409)["type"].endswith("idempotency-key-reused")
    assert len(_entries()) == 1


def test_keys_belong_to_their_token(client, org, api):
    other = ApiClient(client, make_token(name="Other system").secret)
    assert api.award(BODY, key="shared-key").status_code == 201
    assert other.award(BODY, key="shared-key").status_code == 201
    assert len(_entries()) == 2


@pytest.mark.parametrize("key", [None, "", "x" * 101, "with space"])
def test_idempotency_key_is_required(api, org, key):
    assert_problem(api.award(BODY, key=key), 400, fields={"Idempotency-Key"})
    assert _entries() == []


@pytest.mark.parametrize(("body", "fields"), [
    ({}, {"employee_number", "points", "reason", "source"}),
    ({**BODY, "points": -5}, {"points"}),
    ({**BODY, "points": 0}, {"points"}),
    ({**BODY, "points": "20"}, {"points"}),
    ({**BODY, "points": 2.5}, {"points"}),
    ({**BODY, "points": True}, {"points"}),
    ({**BODY, "reason": ""}, {"reason"}),
    ({**BODY, "reason": 12}, {"reason"}),
    ({**BODY, "reason": "x" * 281}, {"reason"}),
    ({**BODY, "source": None}, {"source"}),
    ({**BODY, "source": "s" * 65}, {"source"}),
    ({**BODY, "employee_number": 1001}, {"employee_number"}),
    ({**BODY, "email": "staff@example.test"}, {"email"}),
    ({**BODY, "employee_number": "E-NOBODY"}, {"employee_number"}),
    ({**BODY, "bonus": 5}, {"bonus"}),
    ([BODY], {"body"}),
    ("twenty", {"body"}),
])
def test_invalid_fields_are_422_and_change_nothing(api, org, body, fields):
    response = api.award(body)
    problem = assert_problem(response, 422, fields=fields)
    assert problem["type"].endswith("validation-failed")
    assert all(isinstance(messages, list) and messages for messages in problem["errors"].values())
    assert _entries() == [] and db.session.scalar(sa.select(sa.func.count(ApiAward.id))) == 0


def test_broken_json_is_400_and_other_media_types_415(api, org):
    headers = api.headers({"Idempotency-Key": "k-1", "Content-Type": "application/json"})
    assert_problem(api.client.post("/api/v1/awards", data="{not json", headers=headers, csrf=False), 400)
    headers = api.headers({"Idempotency-Key": "k-2"})
    assert_problem(api.client.post("/api/v1/awards", data={"points": "1"}, headers=headers, csrf=False), 415)
    assert _entries() == []


def test_a_refused_key_can_be_used_again(api, org):
    assert api.award({**BODY, "points": -1}, key="retry-me").status_code == 422
    assert api.award(BODY, key="retry-me").status_code == 201


def test_per_award_maximum_applies(app, api, org):
    app.config["POINTS_MAX_PER_AWARD"] = 50
    assert_problem(api.award({**BODY, "points": 51}), 422, fields={"points"})
    assert _entries() == []
    assert api.award({**BODY, "points": 50}).status_code == 201


def test_daily_cap_applies(app, api, org):
    app.config["POINTS_DAILY_CAP"] = 60
    assert api.award({**BODY, "points": 40}).status_code == 201
    problem = assert_problem(api.award({**BODY, "points": 30}), 422, fields={"points"})
    assert "20 left today" in problem["errors"]["points"][0]
    assert ledger.balances(org.staff.id) == (40, 40)


def test_deactivated_person_is_refused(api, org):
    org.staff.active = False
    db.session.commit()
    assert_problem(api.award(BODY), 422, fields={"employee_number"})
    assert _entries() == []


@pytest.mark.slow
def test_fifty_concurrent_calls_with_one_key_pay_once(app, org, token):
    """50 threads, one Idempotency-Key, on the run's database: one entry, one 201, 49 replays."""
    person = factories.make_person(store=org.store)
    db.session.commit()
    body = {**BODY, "employee_number": person.employee_number}
    person_id, key = person.id, f"race-{uuid.uuid4().hex}"
    db.session.rollback()  # hold no transaction (SQLite: no write lock) while the threads run
    barrier = threading.Barrier(50)
    statuses, bodies, failures = [], [], []

    def call() -> None:
        client = ApiClient(app.test_client(), token.secret)
        try:
            barrier.wait()
            response = client.award(body, key=key)
            statuses.append(response.status_code)
            bodies.append(response.get_json())
        except Exception as error:  # noqa: BLE001 - reported below
            failures.append(repr(error))

    threads = [threading.Thread(target=call) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures
    assert sorted(statuses) == [200] * 49 + [201]
    assert all(b == bodies[0] for b in bodies)
    assert len([e for e in _entries() if e.person_id == person_id]) == 1
    assert ledger.balances(person_id) == (20, 20)
    assert ledger.verify() == []
