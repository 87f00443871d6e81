"""Bearer tokens: missing, wrong and revoked ones get 401; a token's store scope gives 403 outside it."""

import sqlalchemy as sa

from app.api import tokens
from app.api.models import ApiToken
from app.extensions import db
from tests.api.conftest import ApiClient, assert_problem, make_token

BODY = {"employee_number": "E1001", "points": 5, "reason": "Loyalty sign-up", "source": "till-1"}


def test_no_token_is_401_with_a_challenge(client, org):
    api = ApiClient(client, None)
    for response in (api.get(f"/api/v1/people/{org.staff.id}/points"), api.award(BODY)):
        assert_problem(response, 401)
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_session_is_not_a_token(client, auth, org):
    auth.login(org.hr)
    assert_problem(client.get(f"/api/v1/people/{org.staff.id}/points"), 401)


def test_unknown_or_malformed_token_is_401(client, org, token):
    for secret in ("asc_" + "x" * 43, "nonsense", token.secret + "x"):
        response = ApiClient(client, secret).get(f"/api/v1/people/{org.staff.id}/points")
        assert_problem(response, 401)
        assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    response = client.get(f"/api/v1/people/{org.staff.id}/points",
                          headers={"Authorization": f"Basic {token.secret}"})
    assert_problem(response, 401)


def test_revoked_token_is_401(client, org, token):
    api = ApiClient(client, token.secret)
    assert api.get(f"/api/v1/people/{org.staff.id}/points").status_code == 200
    tokens.revoke_token(org.hr, db.session.get(ApiToken, token.token.id))
    db.session.commit()
    assert_problem(api.get(f"/api/v1/people/{org.staff.id}/points"), 401)
    assert_problem(api.award(BODY), 401)


def test_a_token_for_other_stores_is_403_and_changes_nothing(client, org):
    scoped = ApiClient(client, make_token(stores=[org.other_store, org.sibling_store]).secret)
    assert_problem(scoped.get(f"/api/v1/people/{org.staff.id}/points"), 403)
    assert_problem(scoped.get(f"/api/v1/people/{org.staff.id}/ledger"), 403)
    assert_problem(scoped.award(BODY), 403)
    from app.points import ledger

    assert ledger.balances(org.staff.id) == (0, 0)
    # Inside its stores it works; people with no store are only for all-store tokens.
    assert scoped.get(f"/api/v1/people/{org.other_staff.id}/points").status_code == 200
    assert_problem(scoped.get(f"/api/v1/people/{org.hr.id}/points"), 403)


def test_unknown_person_is_404(api):
    assert_problem(api.get("/api/v1/people/999999/points"), 404)
    assert_problem(api.get("/api/v1/people/999999/ledger"), 404)


def test_only_a_hash_of_the_secret_is_stored(org, token):
    stored = db.session.get(ApiToken, token.token.id)
    assert token.secret not in (stored.token_hash, stored.prefix)
    assert stored.token_hash == tokens.hash_secret(token.secret)
    assert token.secret.startswith(stored.prefix) and len(stored.prefix) == tokens.PREFIX_LENGTH
    assert len(token.secret) >= 40


def test_last_used_is_recorded_at_most_once_a_minute(api, org, token, count_queries):
    def last_used():
        db.session.expire_all()
        return db.session.scalar(sa.select(ApiToken.last_used_at).where(ApiToken.id == token.token.id))

    url = f"/api/v1/people/{org.staff.id}/points"
    assert last_used() is None
    api.get(url)
    first = last_used()
    assert first is not None
    with count_queries() as counter:
        api.get(url)
    assert last_used() == first
    assert not any(s.lstrip().upper().startswith("UPDATE API_TOKENS") for s in counter.statements)


def test_openapi_document_needs_no_token(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.get_json()["openapi"].startswith("3.1")


def test_rate_limited_per_token(app, client, org):
    app.config["API_RATE_LIMIT"] = "3 per minute"
    first, second = (ApiClient(client, make_token(name=name).secret) for name in ("A", "B"))
    url = f"/api/v1/people/{org.staff.id}/points"
    assert [first.get(url).status_code for _ in range(3)] == [200, 200, 200]
    response = first.get(url)
    assert assert_problem(response, 429)["type"].endswith("rate-limited")
    assert int(response.headers["Retry-After"]) > 0
    assert second.get(url).status_code == 200  # another token has its own allowance


def test_api_posts_need_no_csrf_token(api, org):
    assert api.award(BODY).status_code == 201
