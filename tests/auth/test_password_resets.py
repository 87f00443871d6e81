"""Item 1 (account takeover through "print invite"): a forgotten password is reset only with the person's
own confirmation. The asking browser holds the secret (the database a hash); HR or an administrator
approves with the code the person reads out; the asking browser then sets the password, every session
of the person ends, and the approval and completion are audited and notified. The approver never holds
anything that signs in."""

import hashlib
import html
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.auth import resets
from app.auth.models import PasswordReset
from app.auth.passwords import verify_password
from app.core.audit import AuditEntry
from app.core.models import utcnow
from app.extensions import db
from app.nudges.models import Notification
from app.org.models import Role
from tests import factories

NEW_PASSWORD = "a quiet walk by the lake"


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def ticket_of(client) -> dict | None:
    with client.session_transaction() as session:
        return session.get("password_reset")


def ask(client, identifier: str):
    return client.post("/password/forgot", data={"identifier": identifier})


def only_reset(person) -> PasswordReset:
    return db.session.scalars(sa.select(PasswordReset).where(PasswordReset.person_id == person.id)).one()


def sensitive_actions(person_id: int) -> list[str]:
    rows = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.target_id == person_id,
                                                          AuditEntry.action.startswith("security."))
                              .order_by(AuditEntry.id))
    return [row.action for row in rows if row.details.get("sensitive") is True]


@pytest.fixture
def phone(app):
    """The forgetful person's own phone, signed out."""
    return app.test_client()


@pytest.fixture
def hr(app, sign_in, org):
    return sign_in(org.hr, into=app.test_client())


def test_account_takeover_reset_is_confirmed_by_the_person_and_approved_by_hr(app, phone, hr, sign_in, org):
    laptop = sign_in(org.staff, into=app.test_client())  # Sara is still signed in on a laptop
    assert laptop.get("/home").status_code == 200
    password_before = org.staff.password_hash

    assert "Forgot your password?" in text(phone.get("/login"))
    assert phone.get("/password/forgot").status_code == 200
    response = ask(phone, "e1001")
    assert response.status_code == 303 and response.headers["Location"] == "/password/reset"
    ticket = ticket_of(phone)
    waiting = text(phone.get("/password/reset"))
    assert "Your request is waiting for HR" in waiting
    assert f"{ticket['code'][:3]} {ticket['code'][3:]}" in waiting

    # The database keeps a hash of the browser's secret, never the secret.
    reset = only_reset(org.staff)
    assert reset.status == "pending"
    assert reset.token_hash == hashlib.sha256(ticket["secret"].encode()).hexdigest()
    assert ticket["secret"] not in reset.token_hash

    # HR sees the request on People and on Sara's page, but not the code: Sara reads it out.
    assert "Password reset requests" in text(hr.get("/people"))
    person_page = text(hr.get(f"/people/{org.staff.id}"))
    assert "Password reset requests" in person_page
    assert ticket["code"] not in person_page and ticket["secret"] not in person_page
    approved = hr.post(f"/password-resets/{reset.id}/approve", data={"code": ticket["code"]},
                       follow_redirects=True)
    assert "can now choose a new password" in text(approved)
    assert ticket["secret"] not in text(approved)
    # Nothing the approver holds sets a password or signs in.
    assert hr.get("/password/reset").status_code == 200 and ticket_of(hr) is None
    hr_try = hr.post("/password/reset", data={"password": "hr knows best 123", "confirm": "hr knows best 123"})
    assert hr_try.status_code == 422
    db.session.refresh(org.staff)
    assert org.staff.password_hash == password_before

    assert "Choose a new password" in text(phone.get("/password/reset"))
    done = phone.post("/password/reset", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 303 and done.headers["Location"] == "/login"
    assert ticket_of(phone) is None

    db.session.refresh(org.staff)
    assert verify_password(org.staff.password_hash, NEW_PASSWORD)
    assert laptop.get("/home").status_code == 302  # every earlier session has ended
    assert only_reset(org.staff).status == "done"
    assert sensitive_actions(org.staff.id) == ["security.password_reset_requested",
                                               "security.password_reset_approved",
                                               "security.password_reset_completed"]
    approval = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "security.password_reset_approved"))
    assert approval.actor_id == org.hr.id
    notice = db.session.scalars(sa.select(Notification).where(Notification.person_id == org.staff.id)).one()
    assert notice.nudge_type == "password_changed" and notice.title == "Your password was changed"
    # The link is spent: the same browser can't set another password with it.
    again = phone.post("/password/reset", data={"password": "yet another one 9", "confirm": "yet another one 9"})
    assert again.status_code == 422


def _without_secrets(client, page: str) -> str:
    """The page with this browser's code and CSRF tokens taken out: what's left must not differ."""
    code = ticket_of(client)["code"]
    page = page.replace(f"{code[:3]} {code[3:]}", "CODE")
    page = re.sub(r'name="csrf_token" value="[^"]*"', "", page)
    return re.sub(r"hx-headers='[^']*'", "", page)


def test_account_takeover_reset_page_answers_the_same_for_an_unknown_account(phone, app, org):
    other = app.test_client()
    known, unknown = ask(phone, "E1001"), ask(other, "E9999")
    assert (known.status_code, known.headers["Location"]) == (unknown.status_code, unknown.headers["Location"])
    known_page, unknown_page = text(phone.get("/password/reset")), text(other.get("/password/reset"))
    assert "Your request is waiting for HR" in unknown_page
    assert _without_secrets(phone, known_page) == _without_secrets(other, unknown_page)
    assert set(ticket_of(phone)) == set(ticket_of(other)) == {"secret", "code", "until"}
    assert db.session.scalar(sa.select(sa.func.count(PasswordReset.id))) == 1


@pytest.mark.parametrize("case", ["unknown", "deactivated", "never_signed_in"])
def test_account_takeover_reset_asks_for_nobody_without_a_password_of_their_own(phone, org, case):
    if case == "deactivated":
        org.staff.active = False
    elif case == "never_signed_in":
        org.staff.password_hash = None  # they need an invite, not a reset
    db.session.commit()
    response = ask(phone, "E9999" if case == "unknown" else "E1001")
    assert response.status_code == 303
    assert "Your request is waiting for HR" in text(phone.get("/password/reset"))
    assert db.session.scalar(sa.select(sa.func.count(PasswordReset.id))) == 0


def test_account_takeover_wrong_code_changes_nothing(phone, hr, org):
    ask(phone, "E1001")
    reset = only_reset(org.staff)
    wrong = "000000" if ticket_of(phone)["code"] != "000000" else "111111"
    response = hr.post(f"/password-resets/{reset.id}/approve", data={"code": wrong}, follow_redirects=True)
    assert "That is not the code on their screen" in text(response)
    db.session.refresh(reset)
    assert reset.status == "pending" and reset.decided_by_id is None
    assert "Your request is waiting for HR" in text(phone.get("/password/reset"))
    assert sensitive_actions(org.staff.id) == ["security.password_reset_requested"]


def test_account_takeover_the_code_cannot_be_guessed_by_trying_on_and_on(phone, hr, org):
    """Five tries at one request's code in ten minutes (RESET_APPROVE_RATE_LIMIT); then even the right code
    waits, so a million codes can't be walked before the request expires."""
    ask(phone, "E1001")
    reset = only_reset(org.staff)
    code = ticket_of(phone)["code"]
    wrong = [f"{n:06d}" for n in range(10) if f"{n:06d}" != code][:5]
    for guess in wrong:
        assert hr.post(f"/password-resets/{reset.id}/approve", data={"code": guess}).status_code == 303
    assert hr.post(f"/password-resets/{reset.id}/approve", data={"code": code}).status_code == 429
    db.session.refresh(reset)
    assert reset.status == "pending" and reset.decided_by_id is None


def test_account_takeover_code_may_be_typed_with_spaces(phone, hr, org):
    ask(phone, "E1001")
    code = ticket_of(phone)["code"]
    hr.post(f"/password-resets/{only_reset(org.staff).id}/approve", data={"code": f" {code[:3]} {code[3:]} "})
    assert only_reset(org.staff).status == "approved"


def test_account_takeover_refused_request_sets_no_password(phone, hr, org):
    ask(phone, "E1001")
    reset = only_reset(org.staff)
    response = hr.post(f"/password-resets/{reset.id}/refuse", follow_redirects=True)
    assert "Their password stays as it was" in text(response)
    assert "has expired, was refused or was already used" in text(phone.get("/password/reset"))
    before = org.staff.password_hash
    attempt = phone.post("/password/reset", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert attempt.status_code == 422
    db.session.refresh(org.staff)
    assert org.staff.password_hash == before
    # A decided request can't be approved afterwards.
    hr.post(f"/password-resets/{reset.id}/approve", data={"code": ticket_of(phone)["code"]})
    assert only_reset(org.staff).status == "refused"
    assert sensitive_actions(org.staff.id)[-1] == "security.password_reset_refused"


def test_account_takeover_reset_expires(app, phone, hr, org):
    ask(phone, "E1001")
    reset = only_reset(org.staff)
    reset.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    response = hr.post(f"/password-resets/{reset.id}/approve", data={"code": ticket_of(phone)["code"]},
                       follow_redirects=True)
    assert "This request has expired or was already decided" in text(response)
    assert only_reset(org.staff).status == "pending"
    assert "has expired" in text(phone.get("/password/reset"))
    assert app.config["RESET_VALID_MINUTES"] == 30


def test_account_takeover_approved_reset_expires_too(phone, hr, org):
    ask(phone, "E1001")
    reset = only_reset(org.staff)
    hr.post(f"/password-resets/{reset.id}/approve", data={"code": ticket_of(phone)["code"]})
    reset = only_reset(org.staff)
    assert reset.status == "approved"
    reset.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    before = org.staff.password_hash
    response = phone.post("/password/reset", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 422
    db.session.refresh(org.staff)
    assert org.staff.password_hash == before


def test_account_takeover_bad_new_password_says_why_and_keeps_the_approval(phone, hr, org):
    ask(phone, "E1001")
    hr.post(f"/password-resets/{only_reset(org.staff).id}/approve", data={"code": ticket_of(phone)["code"]})
    before = org.staff.password_hash
    response = phone.post("/password/reset", data={"password": "short", "confirm": "short"})
    assert response.status_code == 422
    assert "Use at least 8 characters." in text(response)
    db.session.refresh(org.staff)
    assert org.staff.password_hash == before
    assert only_reset(org.staff).status == "approved"


def test_account_takeover_another_browser_cannot_use_an_approved_reset(app, phone, hr, org):
    ask(phone, "E1001")
    hr.post(f"/password-resets/{only_reset(org.staff).id}/approve", data={"code": ticket_of(phone)["code"]})
    someone = app.test_client()
    response = someone.post("/password/reset", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 422
    assert "hasn't asked for a password reset" in text(response)
    assert only_reset(org.staff).status == "approved"


# Who decides ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("approver", "asker", "allowed"), [
    ("hr", "staff", True),
    ("hr", "sm", True),
    ("hr", "dm", True),
    ("hr", "other_hr", False),   # HR never for HR...
    ("hr", "admin", False),      # ...nor for an administrator
    ("admin", "other_hr", True),  # only an administrator decides those
    ("admin", "other_admin", True),
    ("hr", "hr", False),          # nobody decides their own
    ("admin", "admin", False),
    ("sm", "staff", False),       # managers never decide resets
    ("dm", "sm", False),
])
def test_account_takeover_who_may_approve_a_reset(app, sign_in, org, approver, asker, allowed):
    extra = {"other_hr": factories.make_person(Role.HR, name="Helga Altra", employee_number="HR-2"),
             "other_admin": factories.make_person(Role.ADMIN, name="Aldo Altro", employee_number="AD-2")}
    db.session.commit()
    person = extra.get(asker) or getattr(org, asker)
    asking = app.test_client()
    ask(asking, person.employee_number)
    reset = only_reset(person)
    client = sign_in(getattr(org, approver), into=app.test_client())
    person_page = text(client.get(f"/people/{person.id}"))
    assert ("Password reset requests" in person_page) == allowed
    response = client.post(f"/password-resets/{reset.id}/approve", data={"code": ticket_of(asking)["code"]})
    db.session.refresh(reset)
    if allowed:
        assert response.status_code == 303 and reset.status == "approved"
    else:
        assert response.status_code in (403, 404) and reset.status == "pending"
        assert client.post(f"/password-resets/{reset.id}/refuse").status_code in (403, 404)
        db.session.refresh(reset)
        assert reset.status == "pending"


def test_account_takeover_can_decide_rule(org):
    assert resets.can_decide(org.hr, org.staff)
    assert not resets.can_decide(org.hr, org.admin)
    assert not resets.can_decide(org.hr, org.hr)
    assert resets.can_decide(org.admin, org.hr)
    assert not resets.can_decide(org.sm, org.staff)


# Abuse --------------------------------------------------------------------------------------------

def _new_phone(app):
    """Another phone: it opens the form first, which gives it its own device id."""
    client = app.test_client()
    client.get("/password/forgot")
    return client


def test_account_takeover_reset_requests_are_rate_limited_per_account(app, org):
    app.config["RESET_REQUEST_RATE_LIMIT"] = "2 per hour"
    factories.make_person(store=org.store, employee_number="S1001")
    db.session.commit()
    # "ſ1001" finds S1001 at sign-in (Python upper-cases ſ to S): it counts in the same bucket.
    for n, identifier in enumerate(["S1001", "ſ1001", "s1001 "]):
        response = ask(_new_phone(app), identifier)
        assert response.status_code == (303 if n < 2 else 429), identifier
    # The same answer for an account that doesn't exist: the limit says nothing about existence.
    for n in range(3):
        assert ask(_new_phone(app), "E9999").status_code == (303 if n < 2 else 429)


def test_account_takeover_reset_requests_are_rate_limited_per_device(app, phone, org):
    app.config["RESET_REQUEST_RATE_LIMIT"] = "2 per hour"
    phone.get("/password/forgot")  # the device gets its id with the form
    assert ask(phone, "E1001").status_code == 303
    assert ask(phone, "E0001").status_code == 303
    assert ask(phone, "E0002").status_code == 429


def test_account_takeover_open_requests_per_person_are_capped(app, org):
    app.config["RESET_REQUEST_RATE_LIMIT"] = "10 per hour"
    for _ in range(resets.MAX_OPEN_PER_PERSON + 2):
        assert ask(_new_phone(app), "E1001").status_code == 303
    assert db.session.scalar(sa.select(sa.func.count(PasswordReset.id))) == resets.MAX_OPEN_PER_PERSON


def test_account_takeover_signed_in_person_is_sent_to_change_password(sign_in, client, org):
    sign_in(org.staff)
    response = client.get("/password/forgot")
    assert response.status_code == 302 and response.headers["Location"] == "/me/password"


def test_account_takeover_empty_request_says_what_is_missing(phone):
    response = ask(phone, "")
    assert response.status_code == 422
    assert "Enter your e-mail or employee number." in text(response)
    assert db.session.scalar(sa.select(sa.func.count(PasswordReset.id))) == 0


def _approved_on(phone, hr, person) -> PasswordReset:
    ask(phone, person.employee_number)
    reset = only_reset(person)
    hr.post(f"/password-resets/{reset.id}/approve", data={"code": ticket_of(phone)["code"]})
    db.session.refresh(reset)
    assert reset.status == "approved"
    return reset


def _cannot_set_password(phone, person) -> None:
    before = person.password_hash
    response = phone.post("/password/reset", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 422
    db.session.refresh(person)
    assert person.password_hash == before


def test_account_takeover_approved_reset_ends_when_the_person_signs_in_with_their_password(app, phone, hr, org):
    """Sara asked on the store's shared tablet, HR approved, then she remembered her password and signed in
    on her own phone: the tablet must not keep, for the rest of the window, the power to set her password."""
    reset = _approved_on(phone, hr, org.staff)
    own_phone = app.test_client()
    signed_in = own_phone.post("/login", data={"identifier": "E1001", "password": factories.DEFAULT_PASSWORD})
    assert signed_in.status_code == 303
    db.session.refresh(reset)
    assert reset.status == "cancelled"
    _cannot_set_password(phone, org.staff)


def test_account_takeover_approved_reset_ends_when_the_person_changes_their_password(app, phone, hr, sign_in, org):
    reset = _approved_on(phone, hr, org.staff)
    laptop = sign_in(org.staff, into=app.test_client())
    changed = laptop.post("/me/password", data={"current_password": factories.DEFAULT_PASSWORD,
                                                "password": "my own new secret 1", "confirm": "my own new secret 1"})
    assert changed.status_code == 303
    db.session.refresh(reset)
    assert reset.status == "cancelled"
    _cannot_set_password(phone, org.staff)


def test_account_takeover_approved_reset_does_not_come_back_with_a_reactivation(app, phone, hr, sign_in, org):
    """Deactivation ends the request: reactivating the person the same morning doesn't revive it."""
    reset = _approved_on(phone, hr, org.staff)
    admin = sign_in(org.admin, into=app.test_client())
    assert admin.post(f"/people/{org.staff.id}/active", data={"active": "0"}).status_code == 303
    assert admin.post(f"/people/{org.staff.id}/active", data={"active": "1"}).status_code == 303
    db.session.refresh(reset)
    assert reset.status == "cancelled"
    _cannot_set_password(phone, org.staff)
