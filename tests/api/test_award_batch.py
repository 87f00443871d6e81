"""POST /api/v1/awards/batch: all or nothing, every problem by item path, one key space with POST /awards,
and exact under concurrent batches and single awards with the same keys."""

import random
import threading
import uuid
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from app.api import batch
from app.api.models import ApiAward
from app.extensions import db
from app.points import ledger
from app.points.models import PointEntry
from tests import factories
from tests.api.conftest import ApiClient, assert_problem, make_token

URL = "/api/v1/awards/batch"


def _item(key: str, number: str = "E1001", points: int = 10, **extra) -> dict:
    return {"idempotency_key": key, "employee_number": number, "points": points, "reason": "Till sale",
            "source": "till-3", **extra}


def _by_email(key: str, email: str) -> dict:
    item = _item(key, email=email)
    del item["employee_number"]
    return item


def _post(api: ApiClient, body, **kwargs):
    return api.client.post(URL, json=body, headers=api.headers(kwargs.pop("headers", None)), csrf=False, **kwargs)


def _entries() -> list[PointEntry]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(PointEntry).order_by(PointEntry.id)))


def _nothing_paid() -> bool:
    return _entries() == [] and db.session.scalar(sa.select(sa.func.count(ApiAward.id))) == 0


def test_a_valid_batch_pays_every_item_and_answers_in_order(api, org):
    colleague = org.colleague.employee_number
    body = {"awards": [_item("s-1", points=10), _item("s-2", colleague, points=15),
                       {**_by_email("s-3", "STAFF@example.test"), "points": 5}]}
    response = _post(api, body)
    assert response.status_code == 200, response.get_json()
    answer = response.get_json()
    assert (answer["created"], answer["replayed"]) == (3, 0)
    assert [(a["idempotency_key"], a["status"], a["points"], a["person"]["id"]) for a in answer["awards"]] == [
        ("s-1", "created", 10, org.staff.id), ("s-2", "created", 15, org.colleague.id),
        ("s-3", "created", 5, org.staff.id)]
    entries = {entry.id: entry for entry in _entries()}
    assert {a["id"] for a in answer["awards"]} == set(entries)
    assert all(e.source_type == "api" and e.source_id == "till-3" and e.reason == "Till sale" for e in entries.values())
    assert ledger.balances(org.staff.id) == (15, 15) and ledger.balances(org.colleague.id) == (15, 15)
    assert ledger.verify() == []


def test_sending_the_batch_again_replays_every_item_and_pays_nothing(api, org):
    body = {"awards": [_item("r-1"), _item("r-2", points=20)]}
    first = _post(api, body).get_json()
    again = _post(api, {"awards": [{**item} for item in reversed(body["awards"])]})  # other order: same keys
    assert again.status_code == 200
    answer = again.get_json()
    assert (answer["created"], answer["replayed"]) == (0, 2)
    assert [a["status"] for a in answer["awards"]] == ["replayed", "replayed"]
    originals = {a["idempotency_key"]: {**a, "status": "replayed"} for a in first["awards"]}
    assert answer["awards"] == [originals["r-2"], originals["r-1"]]
    assert len(_entries()) == 2 and ledger.balances(org.staff.id) == (30, 30)


def test_a_batch_may_mix_new_and_replayed_keys(api, org):
    _post(api, {"awards": [_item("m-1")]})
    answer = _post(api, {"awards": [_item("m-1"), _item("m-2")]}).get_json()
    assert [a["status"] for a in answer["awards"]] == ["replayed", "created"]
    assert len(_entries()) == 2 and ledger.balances(org.staff.id) == (20, 20)


def test_keys_are_shared_with_single_awards(api, org):
    single = api.award({"employee_number": "E1001", "points": 10, "reason": "Till sale", "source": "till-3"},
                       key="shared-1")
    assert single.status_code == 201
    answer = _post(api, {"awards": [_item("shared-1"), _item("shared-2")]}).get_json()
    assert answer["awards"][0] == {**single.get_json(), "status": "replayed"}
    # And the other way round: a key a batch paid replays on POST /awards.
    again = api.award({"employee_number": "E1001", "points": 10, "reason": "Till sale", "source": "till-3"},
                      key="shared-2")
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == {k: v for k, v in answer["awards"][1].items() if k != "status"}
    assert len(_entries()) == 2


def test_keys_belong_to_their_token(client, api, org):
    other = ApiClient(client, make_token(name="Other till").secret)
    assert _post(api, {"awards": [_item("t-1")]}).get_json()["created"] == 1
    assert _post(other, {"awards": [_item("t-1")]}).get_json()["created"] == 1
    assert len(_entries()) == 2


def test_invalid_items_refuse_the_whole_batch_with_every_problem_by_path(api, org):
    body = {"awards": [
        _item("ok-1"),
        _item("bad-points", points=-5),
        {"employee_number": "E1001", "points": 5, "reason": "No key", "source": "till-3"},
        _item("ok-1"),  # the key of awards[0] again
        _item("bad-person", "E-NOBODY"),
        "not an object",
        _item("bad-field", bonus=3),
        _item("bad-reason", reason=""),
        _item("x" * 101),
        {**_item("both"), "email": "staff@example.test"},
    ]}
    problem = assert_problem(_post(api, body), 422)
    assert problem["type"].endswith("validation-failed") and "Nothing was paid" in problem["detail"]
    assert list(problem["errors"]) == [
        "awards[1].points", "awards[2].idempotency_key", "awards[3].idempotency_key", "awards[4].employee_number",
        "awards[5]", "awards[6].bonus", "awards[7].reason", "awards[8].idempotency_key", "awards[9].email"]
    assert "awards[0]" in problem["errors"]["awards[3].idempotency_key"][0]
    assert _nothing_paid()


@pytest.mark.parametrize(("body", "message"), [
    ({"awards": []}, "one or more"),
    ({"awards": [_item(f"k-{n}") for n in range(batch.MAX_ITEMS + 1)]}, "At most 500 awards"),
    ({"awards": {"idempotency_key": "k"}}, "awards"),
    ([_item("k-1")], "awards"),
    ({"awards": [_item("k-1")], "dry_run": True}, None),
])
def test_a_body_that_is_no_batch_is_422(api, org, body, message):
    problem = assert_problem(_post(api, body), 422)
    if message:
        assert message in problem["errors"]["awards"][0]
    else:
        assert set(problem["errors"]) == {"dry_run"}
    assert _nothing_paid()


def test_broken_json_is_400_and_other_media_types_415(api, org):
    headers = api.headers({"Content-Type": "application/json"})
    assert_problem(api.client.post(URL, data="{not json", headers=headers, csrf=False), 400)
    assert_problem(api.client.post(URL, data={"awards": "x"}, headers=api.headers(), csrf=False), 415)
    assert _nothing_paid()


def test_a_person_outside_the_tokens_stores_is_403_and_nothing_is_paid(client, org):
    scoped = ApiClient(client, make_token(stores=[org.store], name="Duomo tills").secret)
    body = {"awards": [_item("in-1"), _item("out-1", org.other_staff.employee_number), _item("bad", points=0)]}
    problem = assert_problem(_post(scoped, body), 403)
    assert problem["type"].endswith("out-of-scope")
    assert set(problem["errors"]) == {"awards[1].employee_number", "awards[2].points"}
    assert _nothing_paid()
    assert _post(scoped, {"awards": [_item("in-1")]}).status_code == 200


def test_the_daily_cap_counts_earlier_items_for_the_same_person(app, api, org):
    app.config["POINTS_DAILY_CAP"] = 60
    api.award({"employee_number": "E1001", "points": 10, "reason": "Earlier today", "source": "till-1"})
    colleague = org.colleague.employee_number
    body = {"awards": [_item("c-1", points=30), _item("c-2", colleague, points=60), _item("c-3", points=30)]}
    problem = assert_problem(_post(api, body), 422)
    assert list(problem["errors"]) == ["awards[2].points"]
    assert "20 left today" in problem["errors"]["awards[2].points"][0]
    assert ledger.balances(org.staff.id) == (10, 10) and ledger.balances(org.colleague.id) == (0, 0)
    body["awards"][2]["points"] = 20
    assert _post(api, body).status_code == 200
    assert ledger.balances(org.staff.id) == (60, 60) and ledger.balances(org.colleague.id) == (60, 60)


def test_the_per_award_maximum_and_a_deactivated_person(app, api, org):
    app.config["POINTS_MAX_PER_AWARD"] = 50
    org.colleague.active = False
    db.session.commit()
    body = {"awards": [_item("p-1", points=51), _item("p-2", org.colleague.employee_number), _item("p-3")]}
    problem = assert_problem(_post(api, body), 422)
    assert list(problem["errors"]) == ["awards[0].points", "awards[1].employee_number"]
    assert _nothing_paid()


def test_a_key_that_paid_another_award_is_409_and_refuses_the_batch(api, org):
    _post(api, {"awards": [_item("used", points=10)]})
    problem = assert_problem(_post(api, {"awards": [_item("new"), _item("used", points=25)]}), 409)
    assert problem["type"].endswith("idempotency-key-reused")
    assert list(problem["errors"]) == ["awards[1].idempotency_key"]
    # With another problem beside it, the batch is a 422 listing both.
    problem = assert_problem(_post(api, {"awards": [_item("new", points=0), _item("used", points=25)]}), 422)
    assert set(problem["errors"]) == {"awards[0].points", "awards[1].idempotency_key"}
    assert len(_entries()) == 1 and ledger.balances(org.staff.id) == (10, 10)


def test_a_refused_batch_leaves_its_keys_free(api, org):
    assert _post(api, {"awards": [_item("again-1"), _item("again-2", points=0)]}).status_code == 422
    answer = _post(api, {"awards": [_item("again-1"), _item("again-2")]}).get_json()
    assert answer["created"] == 2


def test_people_are_found_in_one_query_and_the_batch_in_one_transaction(api, org, count_queries):
    people = [factories.make_person(store=org.store) for _ in range(10)]
    db.session.commit()
    numbers = [person.employee_number for person in people]
    _post(api, {"awards": [_item("warm-up")]})  # the token's once-a-minute "last used" write happens here
    with count_queries() as counter:
        response = _post(api, {"awards": [_item(f"q-{n}", number) for n, number in enumerate(numbers)]})
    assert response.status_code == 200
    lookups = [s for s in counter.statements if "FROM people" in s and "employee_number IN" in s]
    assert len(lookups) == 1, "\n".join(lookups)
    assert sum(s.strip().upper() in ("COMMIT", "BEGIN IMMEDIATE") for s in counter.statements) <= 1
    assert sum("INSERT INTO api_awards" in s for s in counter.statements) == 1


def test_a_deadlock_runs_the_batch_again(api, org, monkeypatch):
    real, calls = batch.award_batch, []

    def deadlocking(token, body):
        calls.append(1)
        if len(calls) == 1:
            real(token, body)  # pays, then dies as PostgreSQL would abort a deadlocked transaction
            raise sa.exc.OperationalError("INSERT …", {}, SimpleNamespace(sqlstate="40P01"))
        return real(token, body)

    monkeypatch.setattr(batch, "award_batch", deadlocking)
    answer = _post(api, {"awards": [_item("d-1"), _item("d-2")]}).get_json()
    assert len(calls) == 2 and answer["created"] == 2
    assert len(_entries()) == 2 and ledger.balances(org.staff.id) == (20, 20)


@pytest.mark.slow
def test_concurrent_batches_and_single_awards_with_the_same_keys_pay_each_key_once(app, org, token):
    """8 clients, on the run's database: 4 send batches of 30 of 60 shared keys, in their own order; 4 send
    the same keys one by one. Every key pays once, every answer for a key names the same entry."""
    app.config.update(POINTS_DAILY_CAP=10**6, POINTS_MAX_PER_AWARD=1000)
    people = [factories.make_person(store=org.store) for _ in range(6)]
    db.session.commit()
    run = uuid.uuid4().hex[:8]
    awards = {f"{run}-{n}": _item(f"{run}-{n}", people[n % 6].employee_number, points=n + 1) for n in range(60)}
    people_ids = {person.employee_number: person.id for person in people}
    db.session.rollback()  # hold no transaction (SQLite: no write lock) while the threads run
    barrier = threading.Barrier(8)
    answers: list[tuple[str, int, bool]] = []  # (key, entry id, created)
    failures: list[str] = []
    lock = threading.Lock()

    def batches(seed: int) -> None:
        client = ApiClient(app.test_client(), token.secret)
        chooser = random.Random(seed)
        barrier.wait()
        for _round in range(3):
            keys = chooser.sample(sorted(awards), 30)
            response = _post(client, {"awards": [awards[key] for key in keys]})
            with lock:
                if response.status_code != 200:
                    failures.append(f"batch {response.status_code} {response.get_data(as_text=True)[:300]}")
                    continue
                answers.extend((a["idempotency_key"], a["id"], a["status"] == "created")
                               for a in response.get_json()["awards"])

    def singles(seed: int) -> None:
        client = ApiClient(app.test_client(), token.secret)
        chooser = random.Random(seed)
        barrier.wait()
        for key in chooser.sample(sorted(awards), 20):
            body = {name: value for name, value in awards[key].items() if name != "idempotency_key"}
            response = client.award(body, key=key)
            with lock:
                if response.status_code not in (200, 201):
                    failures.append(f"single {response.status_code} {response.get_data(as_text=True)[:300]}")
                    continue
                answers.append((key, response.get_json()["id"], response.status_code == 201))

    threads = [threading.Thread(target=batches, args=(n,)) for n in range(4)]
    threads += [threading.Thread(target=singles, args=(n + 10,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not failures, failures
    entries = [entry for entry in _entries() if entry.idempotency_key.split(":", 2)[-1] in awards]
    paid = {}
    for entry in entries:
        key = entry.idempotency_key.split(":", 2)[2]
        assert key not in paid, f"{key} paid twice"
        paid[key] = entry
    answered = {key for key, _id, _created in answers}
    assert answered <= set(paid), "an answered award was lost"
    assert all(paid[key].id == entry_id for key, entry_id, _created in answers)
    created = [key for key, _id, was_created in answers if was_created]
    assert sorted(created) == sorted(set(created)) and set(created) == set(paid)
    for number, person_id in people_ids.items():
        expected = sum(item["points"] for key, item in awards.items()
                       if key in paid and item["employee_number"] == number)
        assert ledger.balances(person_id) == (expected, expected)
    assert ledger.verify() == []


def test_the_document_describes_the_batch_as_served():
    from app.api.openapi import document

    operation = document()["paths"]["/awards/batch"]["post"]
    assert {"200", "400", "401", "403", "409", "415", "422", "429"} == set(operation["responses"])
    schemas = document()["components"]["schemas"]
    assert schemas["AwardBatch"]["properties"]["awards"]["maxItems"] == batch.MAX_ITEMS
    assert set(schemas["AwardBatchItem"]["properties"]) == {"idempotency_key", *schemas["AwardRequest"]["properties"]}
