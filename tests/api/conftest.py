import uuid

import pytest

from app.api import tokens
from app.extensions import db


class ApiClient:
    """JSON requests with a bearer token (no session, no CSRF: the API uses neither)."""

    def __init__(self, client, secret: str | None):
        self.client, self.secret = client, secret

    def headers(self, extra: dict | None = None) -> dict:
        headers = {"Authorization": f"Bearer {self.secret}"} if self.secret else {}
        headers.update(extra or {})
        return headers

    def get(self, url: str, **kwargs):
        return self.client.get(url, headers=self.headers(kwargs.pop("headers", None)), **kwargs)

    def award(self, body, key: str | None = "auto", **kwargs):
        extra = dict(kwargs.pop("headers", {}))
        if key == "auto":
            key = uuid.uuid4().hex
        if key is not None:
            extra["Idempotency-Key"] = key
        return self.client.post("/api/v1/awards", json=body, headers=self.headers(extra), csrf=False,
                                **kwargs)


def make_token(org=None, *, stores=None, name: str = "Tills") -> tokens.CreatedToken:
    created = tokens.create_token(None, name, all_stores=stores is None,
                                  store_ids=[store.id for store in stores or []])
    db.session.commit()
    return created


@pytest.fixture
def token(org) -> tokens.CreatedToken:
    """An all-stores token."""
    return make_token()


@pytest.fixture
def api(client, token) -> ApiClient:
    return ApiClient(client, token.secret)


def assert_problem(response, status: int, *, fields: set[str] | None = None) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    problem = response.get_json(force=True)
    assert problem["status"] == status and problem["title"] and problem["type"]
    if fields is not None:
        assert set(problem.get("errors", {})) >= fields, problem
    return problem
