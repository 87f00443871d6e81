"""POST /api/v1/kpi-measurements: bearer tokens scoped to stores, idempotent upserts, problem+json."""

from datetime import timedelta

from app.api import tokens
from app.api.models import ApiToken
from app.extensions import db
from app.kpis.aggregation import aggregate
from app.kpis.measurements import store_today
from tests.api.conftest import ApiClient, assert_problem, make_token

URL = "/api/v1/kpi-measurements"


def _post(client, secret, body, **kwargs):
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    return client.post(URL, json=body, headers=headers, csrf=False, **kwargs)


def _body(org, value=1460, **extra):
    item = {"store": org.store.code, "kpi": "footfall", "date": store_today(org.store).isoformat(), "value": value}
    return {"measurements": [{**item, **extra}]}


def test_auth_matrix(client, org, kpi_library):
    assert_problem(_post(client, None, _body(org)), 401)
    created = make_token()
    tokens.revoke_token(None, db.session.get(ApiToken, created.token.id))
    db.session.commit()
    assert_problem(_post(client, created.secret, _body(org)), 401)
    scoped = make_token(stores=[org.other_store], name="Other till")
    problem = assert_problem(_post(client, scoped.secret, _body(org)), 403)
    assert "stores" in problem["detail"]
    today = store_today(org.store)
    assert aggregate(kpi_library["footfall"], [org.store.id], today, today) is None
    own = make_token(stores=[org.store], name="Own till")
    assert _post(client, own.secret, _body(org)).status_code == 200


def test_sending_twice_never_doubles(client, org, kpi_library, token):
    today = store_today(org.store)
    body = {"measurements": [
        {"store": org.store.code, "kpi": "sales", "date": today.isoformat(), "value": 1000.5},
        {"store": org.store.code, "kpi": "transactions", "date": today.isoformat(), "value": 40},
        {"store": org.store.code, "kpi": "units_sold", "date": today.isoformat(), "value": 7,
         "person": org.staff.employee_number}]}
    first = _post(client, token.secret, body)
    assert first.status_code == 200, first.get_json()
    assert first.get_json()["saved"] == 3
    assert first.get_json()["measurements"][2]["person"] == org.staff.employee_number
    assert _post(client, token.secret, body).status_code == 200
    assert aggregate(kpi_library["sales"], [org.store.id], today, today) == 1000.5
    assert aggregate(kpi_library["average_transaction_value"], [org.store.id], today, today) == 1000.5 / 40


def test_each_bad_item_is_listed_and_nothing_applies(client, org, kpi_library, token):
    today = store_today(org.store)
    good = {"store": org.store.code, "kpi": "sales", "date": today.isoformat(), "value": 10}
    body = {"measurements": [
        good,
        {**good, "kpi": "footfall", "value": -1},
        {**good, "store": "NOWHERE"},
        {**good, "kpi": "conversion_rate"},
        {**good, "date": (today + timedelta(days=2)).isoformat()},
        {**good, "value": "ten"},
        "not an object",
    ]}
    problem = assert_problem(_post(client, token.secret, body), 422)
    assert set(problem["errors"]) == {"measurements[1].value", "measurements[2].store", "measurements[3].kpi",
                                      "measurements[4].date", "measurements[5].value", "measurements[6]"}
    assert aggregate(kpi_library["sales"], [org.store.id], today, today) is None


def test_malformed_requests(client, org, kpi_library, token):
    assert_problem(client.post(URL, data="x", headers={"Authorization": f"Bearer {token.secret}"},
                               csrf=False), 415)
    response = client.post(URL, data="{nope", content_type="application/json",
                           headers={"Authorization": f"Bearer {token.secret}"}, csrf=False)
    assert_problem(response, 400)
    assert_problem(_post(client, token.secret, {"measurements": []}), 422, fields={"measurements"})
    assert_problem(_post(client, token.secret, [1, 2]), 422, fields={"measurements"})
    assert_problem(_post(client, token.secret, {"measurements": [], "x": 1}), 422)
    assert_problem(_post(client, token.secret, _body(org, value=10 ** 400)), 422)


def test_unknown_store_with_a_scoped_token_is_a_validation_problem(client, org, kpi_library):
    scoped = ApiClient(client, make_token(stores=[org.store]).secret)
    assert scoped.secret
    assert_problem(_post(client, scoped.secret, _body(org, store="NOWHERE")), 422)
