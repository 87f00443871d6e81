"""HR creates and revokes tokens in Settings and on the command line; the secret is shown once."""

import pytest
import sqlalchemy as sa
from flask import url_for

from app.api import tokens
from app.api.models import ApiToken
from app.core.audit import AuditEntry
from app.extensions import db
from tests.api.conftest import ApiClient, make_token


def _tokens() -> list[ApiToken]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(ApiToken).order_by(ApiToken.id)))


def test_hr_creates_a_store_scoped_token_and_sees_the_secret_once(client, auth, org):
    auth.login(org.hr)
    response = client.post(url_for("api_tokens.create"),
                           data={"name": "Tills Milano", "scope": "some", "store_ids": [str(org.store.id)]})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    [token] = _tokens()
    secret = next(word for word in body.replace('"', " ").split() if word.startswith(tokens.SECRET_PREFIX)
                  and len(word) > 40)
    assert tokens.hash_secret(secret) == token.token_hash
    assert not token.all_stores and [store.id for store in token.stores] == [org.store.id]
    assert token.created_by_id == org.hr.id
    assert db.session.scalar(sa.select(AuditEntry.action).where(AuditEntry.target_id == token.id)) \
        == "api_token.created"
    listing = client.get(url_for("api_tokens.index")).get_data(as_text=True)
    assert secret not in listing and token.prefix in listing and "Tills Milano" in listing
    assert ApiClient(client, secret).get(f"/api/v1/people/{org.staff.id}/points").status_code == 200


@pytest.mark.parametrize(("data", "message"), [
    ({"name": "", "scope": "all"}, "Name the token"),
    ({"name": "Tills", "scope": "some"}, "Choose the stores"),
])
def test_bad_token_form_is_explained(client, auth, org, data, message):
    auth.login(org.admin)
    response = client.post(url_for("api_tokens.create"), data=data)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert _tokens() == []


def test_hr_revokes_a_token(client, auth, org):
    created = make_token()
    auth.login(org.hr)
    assert client.post(url_for("api_tokens.revoke", token_id=created.token.id)).status_code == 303
    assert _tokens()[0].revoked_at is not None
    assert "Revoked" in client.get(url_for("api_tokens.index")).get_data(as_text=True)
    assert ApiClient(client, created.secret).get(f"/api/v1/people/{org.staff.id}/points").status_code == 401


@pytest.mark.parametrize("role", ["staff", "store_manager", "district_manager"])
def test_only_hr_and_admins_manage_tokens(client, auth, org, role):
    created = make_token()
    auth.login(org.by_role(role))
    assert client.get(url_for("api_tokens.index")).status_code == 403
    assert client.post(url_for("api_tokens.create"), data={"name": "x", "scope": "all"}).status_code == 403
    assert client.post(url_for("api_tokens.revoke", token_id=created.token.id)).status_code == 403
    assert len(_tokens()) == 1 and _tokens()[0].revoked_at is None


def test_cli_create_list_revoke(runner, org):
    result = runner.invoke(args=["api-token", "create", "POS Roma", "--store", "rm01", "--store", "MB01"])
    assert result.exit_code == 0, result.output
    secret = result.stdout.strip().splitlines()[-1]
    [token] = _tokens()
    assert tokens.hash_secret(secret) == token.token_hash
    assert sorted(store.code for store in token.stores) == ["MB01", "RM01"]
    listing = runner.invoke(args=["api-token", "list"]).output
    assert "POS Roma" in listing and token.prefix in listing and secret not in listing
    assert runner.invoke(args=["api-token", "revoke", str(token.id)]).exit_code == 0
    assert _tokens()[0].revoked_at is not None
    assert "already revoked" in runner.invoke(args=["api-token", "revoke", str(token.id)]).output


def test_cli_without_stores_means_all_stores_and_refuses_unknown_codes(runner, org):
    assert runner.invoke(args=["api-token", "create", "BI export"]).exit_code == 0
    assert _tokens()[0].all_stores
    result = runner.invoke(args=["api-token", "create", "Bad", "--store", "NOPE"])
    assert result.exit_code != 0 and "NOPE" in result.output
    assert runner.invoke(args=["api-token", "revoke", "9999"]).exit_code != 0
    assert len(_tokens()) == 1
