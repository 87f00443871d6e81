"""Items 6 and 7: sign-in limits per account (normalised as the lookup normalises), per device and per
address, with the client's address taken from forwarded headers only behind TRUSTED_PROXIES; and a
per-account limit on /me/password, whose hashing queues behind the same cap as sign-in."""

import threading

import pytest

from app import create_app
from app.auth import passwords, services
from app.extensions import db
from tests import factories
from tests.conftest import _test_config
from tests.core.support import IsolatedClient

PROXY = "10.0.0.1"


def fail(client, identifier: str, **kwargs):
    return client.post("/login", data={"identifier": identifier, "password": "not the password"}, **kwargs)


def new_phone(app, address: str = "198.51.100.7"):
    """A phone that opened the sign-in form (which gives it its device id)."""
    client = app.test_client()
    client.get("/login", environ_base={"REMOTE_ADDR": address})
    return client


@pytest.fixture
def proxied_app(app, database_url, tmp_path):
    """The app as deployed behind one reverse proxy (TRUSTED_PROXIES=1), on the test database."""
    behind = create_app({**_test_config(database_url, tmp_path), "TRUSTED_PROXIES": 1})
    behind.test_client_class = IsolatedClient
    yield behind
    with behind.app_context():
        db.session.remove()
        db.engine.dispose()


def test_login_rate_limit_behind_proxy_counts_each_client_not_the_proxy(proxied_app, org):
    proxied_app.config.update(LOGIN_IP_RATE_LIMIT="3 per minute", LOGIN_RATE_LIMIT="100 per minute")
    # Four people in four places, all through the proxy: nobody is blocked by the others.
    for n in range(4):
        response = fail(proxied_app.test_client(), f"E900{n}",
                        environ_base={"REMOTE_ADDR": PROXY}, headers={"X-Forwarded-For": f"203.0.113.{n}"})
        assert response.status_code == 422, n
    # One address that keeps trying is limited on its own.
    one = proxied_app.test_client()
    statuses = [fail(one, f"E800{n}", environ_base={"REMOTE_ADDR": PROXY},
                     headers={"X-Forwarded-For": "192.0.2.50"}).status_code for n in range(4)]
    assert statuses == [422, 422, 422, 429]


def test_login_rate_limit_behind_proxy_ignores_forwarded_headers_by_default(app, org):
    """Without TRUSTED_PROXIES a client can't pick a fresh bucket by writing X-Forwarded-For itself."""
    assert app.config["TRUSTED_PROXIES"] == 0
    app.config.update(LOGIN_IP_RATE_LIMIT="3 per minute", LOGIN_RATE_LIMIT="100 per minute")
    statuses = [fail(app.test_client(), f"E800{n}", environ_base={"REMOTE_ADDR": "192.0.2.9"},
                     headers={"X-Forwarded-For": f"203.0.113.{n}"}).status_code for n in range(4)]
    assert statuses == [422, 422, 422, 429]


def test_login_rate_limit_behind_proxy_only_the_configured_hops_are_trusted(proxied_app, org):
    """With one trusted proxy, only the address it appended counts: what the client wrote before it
    (the left of X-Forwarded-For) is ignored."""
    proxied_app.config.update(LOGIN_IP_RATE_LIMIT="3 per minute", LOGIN_RATE_LIMIT="100 per minute")
    statuses = [fail(proxied_app.test_client(), f"E800{n}", environ_base={"REMOTE_ADDR": PROXY},
                     headers={"X-Forwarded-For": f"203.0.113.{n}, 192.0.2.77"}).status_code for n in range(4)]
    assert statuses == [422, 422, 422, 429]


def test_login_rate_limit_one_phone_does_not_lock_out_its_store(app, org):
    """A store's phones share one public address: one phone's typos block that phone, not the store."""
    assert app.config["LOGIN_RATE_LIMIT"] == "10 per minute;50 per hour"
    careless = new_phone(app)
    for n in range(10):
        assert fail(careless, f"E70{n:02d}", environ_base={"REMOTE_ADDR": "198.51.100.7"}).status_code == 422
    assert fail(careless, "E7099", environ_base={"REMOTE_ADDR": "198.51.100.7"}).status_code == 429
    colleague = new_phone(app)
    response = colleague.post("/login", data={"identifier": "E1001", "password": factories.DEFAULT_PASSWORD},
                              environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert response.status_code == 303


def test_login_rate_limit_per_account_uses_the_lookup_normalisation(app, org):
    """ſ1001 signs in as S1001 (Python upper-cases ſ to S), so its guesses count in S1001's bucket."""
    person = factories.make_person(store=org.store, employee_number="S1001")
    db.session.commit()
    assert services.find_login_account("ſ1001").id == person.id
    assert services.normalise_identifier("ſ1001") == services.normalise_identifier(" s1001") == "S1001"
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    for n, spelling in enumerate(["S1001", "s1001", "ſ1001"]):
        assert fail(new_phone(app, f"203.0.113.{n}"), spelling,
                    environ_base={"REMOTE_ADDR": f"203.0.113.{n}"}).status_code == 422
    blocked = fail(new_phone(app, "203.0.113.9"), "S1001", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert blocked.status_code == 429


def test_login_rate_limit_counts_failures_not_sign_ins(app, auth, org):
    app.config["LOGIN_RATE_LIMIT"] = "2 per minute"
    for _ in range(3):
        assert auth.login(org.staff).status_code == 303
        auth.logout()
    assert auth.login(org.staff).status_code == 303


# /me/password -------------------------------------------------------------------------------------

def change(client, current: str, new: str = "a brand new password"):
    return client.post("/me/password", data={"current_password": current, "password": new, "confirm": new})


def test_password_change_rate_limit_per_account(app, sign_in, org):
    assert app.config["PASSWORD_CHANGE_RATE_LIMIT"] == "5 per minute;20 per hour"
    app.config["PASSWORD_CHANGE_RATE_LIMIT"] = "3 per minute"
    held = sign_in(org.staff, into=app.test_client())
    for _ in range(3):
        assert change(held, "guess one").status_code == 422
    # The right password is refused too, from this session and from another of the same person's.
    assert change(held, factories.DEFAULT_PASSWORD).status_code == 429
    other_device = sign_in(org.staff, into=app.test_client())
    assert change(other_device, factories.DEFAULT_PASSWORD).status_code == 429
    db.session.refresh(org.staff)
    assert passwords.verify_password(org.staff.password_hash, factories.DEFAULT_PASSWORD)
    # Someone else is not affected.
    colleague = sign_in(org.colleague, into=app.test_client())
    assert change(colleague, "wrong guess").status_code == 422


def test_password_change_rate_limit_counts_no_page_views(app, sign_in, org):
    app.config["PASSWORD_CHANGE_RATE_LIMIT"] = "1 per minute"
    held = sign_in(org.staff, into=app.test_client())
    for _ in range(3):
        assert held.get("/me/password").status_code == 200
    assert change(held, "guess one").status_code == 422


class CountingSlots:
    """Stands in for the hashing semaphore and counts who went through it."""

    def __init__(self):
        self.inner = threading.BoundedSemaphore(1)
        self.entered = 0

    def __enter__(self):
        self.entered += 1
        return self.inner.__enter__()

    def __exit__(self, *exc):
        return self.inner.__exit__(*exc)


def test_password_change_rate_limit_hashing_shares_the_sign_in_cap(app, sign_in, org, monkeypatch):
    slots = CountingSlots()
    monkeypatch.setattr(passwords, "_slots", slots)
    held = sign_in(org.staff, into=app.test_client())
    assert change(held, "guess one").status_code == 422
    assert slots.entered == 1  # the verify of the current password queued behind the cap
    assert change(held, factories.DEFAULT_PASSWORD).status_code == 303
    assert slots.entered == 3  # verify, then hash the new one


def test_login_rate_limit_per_account_counts_email_and_employee_number_together(app, org):
    """One person, two identifiers: guesses by e-mail and by employee number fill the one bucket, else an
    attacker gets twice the guesses at the same password."""
    person = factories.make_person(store=org.store, employee_number="E7001", email="giulia@example.com")
    db.session.commit()
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    for n, spelling in enumerate(["giulia@example.com", "E7001", "GIULIA@example.com"]):
        assert fail(new_phone(app, f"203.0.113.{n}"), spelling,
                    environ_base={"REMOTE_ADDR": f"203.0.113.{n}"}).status_code == 422
    for n, spelling in enumerate(["e7001", "giulia@example.com"], start=5):
        blocked = fail(new_phone(app, f"203.0.113.{n}"), spelling, environ_base={"REMOTE_ADDR": f"203.0.113.{n}"})
        assert blocked.status_code == 429
    assert services.find_login_account("E7001").id == person.id

