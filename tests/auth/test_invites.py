"""One-time invite links: printed by HR or a manager as a link and a QR code, used once to set a
password, and refused once used, expired, replaced, or when the person is deactivated."""

import hashlib
import html
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.auth import services
from app.auth.models import InviteToken
from app.auth.passwords import verify_password
from app.core.audit import AuditEntry
from app.core.errors import ServiceError
from app.core.models import utcnow
from app.extensions import db
from app.org.models import Person, Role
from tests import factories

LINK = re.compile(r"http://ascent\.test/invite/([A-Za-z0-9_-]+)")
NEW_PASSWORD = "sunny morning in milan"


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def newcomer(org) -> Person:
    person = factories.make_person(store=org.store, manager=org.sm, name="Nina Nuova", email=None,
                                   employee_number="E2001", password=None)
    db.session.commit()
    return person


@pytest.fixture
def hr_client(sign_in, org):
    return sign_in(org.hr)


def print_invite(client, person, *, confirm: bool = False) -> str:
    """The raw token of a freshly printed invite (`confirm`: cancelling a sheet printed before)."""
    data = {"person_id": str(person.id), **({"confirm": "1"} if confirm else {})}
    response = client.post("/people/invites", data=data)
    assert response.status_code == 200, response.status_code
    return LINK.search(text(response)).group(1)


def audit_actions(target_id: int) -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.target_id == target_id)
                                   .order_by(AuditEntry.id)))


def test_printed_invite_shows_the_link_and_an_inline_qr_code(hr_client, newcomer, org):
    response = hr_client.post("/people/invites", data={"person_id": str(newcomer.id)})
    assert response.status_code == 200
    page = text(response)
    assert LINK.search(page)
    assert "<svg" in page  # the QR code is drawn inline: it prints without fetching anything
    assert "Nina Nuova" in page and "E2001" in page
    invite = db.session.scalar(sa.select(InviteToken).where(InviteToken.person_id == newcomer.id))
    assert invite.created_by_id == org.hr.id
    assert invite.expires_at - utcnow() > timedelta(days=13)
    assert audit_actions(newcomer.id) == ["invite.issued"]


def test_one_sheet_can_hold_several_invites(hr_client, newcomer, org):
    second = factories.make_person(store=org.store, name="Ugo Secondo", password=None)
    db.session.commit()
    response = hr_client.post("/people/invites", data={"person_id": [str(newcomer.id), str(second.id)]})
    assert response.status_code == 200
    page = text(response)
    assert len(set(LINK.findall(page))) == 2
    assert page.count("<svg") >= 2


def test_only_the_hash_of_the_token_is_stored(hr_client, newcomer):
    token = print_invite(hr_client, newcomer)
    stored = db.session.scalar(sa.select(InviteToken.token_hash).where(InviteToken.person_id == newcomer.id))
    assert stored != token
    assert stored == hashlib.sha256(token.encode()).hexdigest()


def test_accepting_sets_the_password_and_signs_in(app, hr_client, newcomer):
    token = print_invite(hr_client, newcomer)
    phone = app.test_client()

    page = phone.get(f"/invite/{token}")
    assert page.status_code == 200
    assert "Hi Nina!" in text(page) and "E2001" in text(page)

    response = phone.post(f"/invite/{token}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 303
    assert response.headers["Location"] == "/home"
    home = phone.get("/home")
    assert home.status_code == 200
    assert "Welcome to Ascent, Nina!" in text(home)

    db.session.refresh(newcomer)
    assert verify_password(newcomer.password_hash, NEW_PASSWORD)
    assert audit_actions(newcomer.id) == ["invite.issued", "invite.redeemed"]


def test_the_link_works_only_once(app, hr_client, newcomer):
    token = print_invite(hr_client, newcomer)
    phone = app.test_client()
    phone.post(f"/invite/{token}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    first_hash = db.session.scalar(sa.select(Person.password_hash).where(Person.id == newcomer.id))

    someone_else = app.test_client()
    assert someone_else.get(f"/invite/{token}").status_code == 410
    again = someone_else.post(f"/invite/{token}", data={"password": "another password 1",
                                                        "confirm": "another password 1"})
    assert again.status_code == 410
    assert "This link can't be used" in text(again)
    assert db.session.scalar(sa.select(Person.password_hash).where(Person.id == newcomer.id)) == first_hash
    assert someone_else.get("/home").status_code == 302


def test_an_expired_link_is_refused(app, hr_client, newcomer):
    token = print_invite(hr_client, newcomer)
    db.session.execute(sa.update(InviteToken).values(expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    phone = app.test_client()
    assert phone.get(f"/invite/{token}").status_code == 410
    assert phone.post(f"/invite/{token}", data={"password": NEW_PASSWORD,
                                                "confirm": NEW_PASSWORD}).status_code == 410
    db.session.refresh(newcomer)
    assert newcomer.password_hash is None


def test_an_unknown_link_is_refused(client):
    assert client.get("/invite/not-a-real-token").status_code == 410


def test_printing_a_new_invite_revokes_the_older_one(app, hr_client, newcomer):
    old = print_invite(hr_client, newcomer)
    new = print_invite(hr_client, newcomer, confirm=True)  # asked first: tests/org/test_bulk_invites.py
    assert old != new
    phone = app.test_client()
    assert phone.get(f"/invite/{old}").status_code == 410
    assert phone.get(f"/invite/{new}").status_code == 200
    revoked = db.session.scalars(sa.select(InviteToken.revoked_at).where(InviteToken.person_id == newcomer.id)
                                 .order_by(InviteToken.id)).all()
    assert revoked[0] is not None and revoked[1] is None


@pytest.mark.parametrize(("password", "confirm", "message"), [
    ("short", "short", "Use at least 8 characters."),
    ("aaaaaaaaaaaa", "aaaaaaaaaaaa", "Choose a password that is harder to guess."),
    ("x" * 60 + "yz" * 40, "x" * 60 + "yz" * 40, "Use at most 128 characters."),
    (NEW_PASSWORD, NEW_PASSWORD + "!", "The two passwords don't match."),
    ("", "", "Choose a password."),
])
def test_a_bad_password_says_why_and_changes_nothing(app, hr_client, newcomer, password, confirm, message):
    token = print_invite(hr_client, newcomer)
    phone = app.test_client()
    response = phone.post(f"/invite/{token}", data={"password": password, "confirm": confirm})
    assert response.status_code == 422
    assert message in text(response)
    db.session.refresh(newcomer)
    assert newcomer.password_hash is None
    assert phone.get("/home").status_code == 302
    assert phone.get(f"/invite/{token}").status_code == 200  # the link still works for a second try
    assert audit_actions(newcomer.id) == ["invite.issued"]


def test_invite_for_a_deactivated_person_is_refused(hr_client, newcomer):
    newcomer.active = False
    db.session.commit()
    response = hr_client.post("/people/invites", data={"person_id": str(newcomer.id)}, follow_redirects=True)
    assert response.request.path == "/people"
    assert "Nina Nuova is deactivated. Reactivate them first." in text(response)
    assert db.session.scalar(sa.select(sa.func.count(InviteToken.id))) == 0


def test_a_link_stops_working_when_the_person_is_deactivated(app, hr_client, newcomer, org):
    token = print_invite(hr_client, newcomer)
    newcomer.active = False
    db.session.commit()
    assert app.test_client().get(f"/invite/{token}").status_code == 410


# Item 1: an invite is only for someone who has never set a password. For anyone else it would let
# whoever printed it replace the password and read what the account may read (anonymous upward
# questions, private 1:1 notes...). A forgotten password goes through tests/auth/test_password_resets.py.

@pytest.mark.parametrize(("issuer", "victim"), [
    ("sm", "staff"),          # a store manager and an associate's anonymous questions
    ("dm", "sm"),             # a district manager and a store manager's private 1:1 notes
    ("hr", "other_hr"),       # HR and another HR account
    ("admin", "hr"),
])
def test_account_takeover_invite_is_refused_for_a_person_with_a_password(client, sign_in, org, issuer, victim):
    target = (factories.make_person(Role.HR, name="Helga Altra", manager=org.admin) if victim == "other_hr"
              else getattr(org, victim))
    db.session.commit()
    password_before = target.password_hash
    sign_in(getattr(org, issuer))
    response = client.post("/people/invites", data={"person_id": str(target.id)}, follow_redirects=True)
    assert response.status_code == 200
    assert "has already set a password, so no invite can be printed for them" in text(response)
    assert not LINK.search(text(response))
    assert db.session.scalar(sa.select(sa.func.count(InviteToken.id))) == 0
    db.session.refresh(target)
    assert target.password_hash == password_before
    assert "invite.issued" not in audit_actions(target.id)


@pytest.mark.parametrize(("issuer", "allowed"), [("hr", False), ("admin", True)])
def test_account_takeover_an_hr_account_without_a_password_is_invited_by_an_administrator_only(
        client, sign_in, org, issuer, allowed):
    """HR may manage HR colleagues, but printing a new HR colleague's first link would let the printer set
    the password of an account that reads everyone's data: only an administrator (or the shell) does."""
    colleague = factories.make_person(Role.HR, name="Helga Nuova", manager=org.admin, password=None)
    db.session.commit()
    sign_in(getattr(org, issuer))
    response = client.post("/people/invites", data={"person_id": str(colleague.id)}, follow_redirects=True)
    assert bool(LINK.search(text(response))) is allowed
    issued = db.session.scalar(sa.select(sa.func.count(InviteToken.id)).where(InviteToken.person_id == colleague.id))
    assert issued == (1 if allowed else 0)
    if not allowed:
        assert "Only an administrator can print an invite for Helga Nuova" in text(response)


def test_account_takeover_bulk_invites_skip_and_list_people_with_a_password(hr_client, newcomer, org):
    response = hr_client.post("/people/invites", data={"person_id": [str(newcomer.id), str(org.staff.id)]})
    assert response.status_code == 200
    page = text(response)
    assert len(set(LINK.findall(page))) == 1  # Nina's card only
    assert "1 person skipped" in page
    assert "Sara Staff" in page and "Sara Staff has already set a password" in page
    assert set(db.session.scalars(sa.select(InviteToken.person_id))) == {newcomer.id}


def test_account_takeover_issue_invite_refuses_in_the_service(org):
    with pytest.raises(ServiceError, match="already set a password"):
        services.issue_invite(org.staff, issued_by=org.sm, valid_days=14)


def test_account_takeover_a_link_printed_before_the_fix_no_longer_replaces_a_password(app, sign_in, client, org):
    """An invite still open from before (or a password set since it was printed) is dead."""
    raw = "printed-by-a-manager-before-the-fix"
    db.session.add(InviteToken(person_id=org.staff.id, token_hash=hashlib.sha256(raw.encode()).hexdigest(),
                               expires_at=utcnow() + timedelta(days=7), created_by_id=org.sm.id))
    db.session.commit()
    password_before = org.staff.password_hash
    manager_phone = app.test_client()
    assert manager_phone.get(f"/invite/{raw}").status_code == 410
    response = manager_phone.post(f"/invite/{raw}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 410
    assert manager_phone.get("/home").status_code == 302
    db.session.refresh(org.staff)
    assert org.staff.password_hash == password_before


def test_redeeming_an_invite_ends_sessions_opened_before(app, client, newcomer):
    """Someone signed in as the newcomer before the password was set (e.g. a session planted by an
    earlier link) is signed out when the invite is redeemed."""
    token = services.issue_invite(newcomer, issued_by=None, valid_days=14)
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = newcomer.get_id()
    phone = app.test_client()
    response = phone.post(f"/invite/{token}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 303
    assert phone.get("/home").status_code == 200
    assert client.get("/home").status_code == 302


def test_store_manager_prints_invites_only_for_their_store(client, sign_in, org, newcomer):
    sign_in(org.sm)
    assert client.post("/people/invites", data={"person_id": str(newcomer.id)}).status_code == 200
    assert client.post("/people/invites", data={"person_id": str(org.other_staff.id)}).status_code == 404
    assert client.post("/people/invites", data={"person_id": str(org.dm.id)}).status_code == 404
    people_with_invites = set(db.session.scalars(sa.select(InviteToken.person_id)))
    assert people_with_invites == {newcomer.id}


def test_staff_cannot_print_invites(client, sign_in, org, newcomer):
    sign_in(org.staff)
    assert client.post("/people/invites", data={"person_id": str(newcomer.id)}).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(InviteToken.id))) == 0


def test_printing_with_nobody_chosen_says_so(hr_client):
    response = hr_client.post("/people/invites", data={}, follow_redirects=True)
    assert response.request.path == "/people"
    assert "Choose at least one person to print an invite for." in text(response)


def test_printing_needs_a_csrf_token(hr_client, newcomer):
    response = hr_client.post("/people/invites", data={"person_id": str(newcomer.id)}, csrf=False)
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(InviteToken.id))) == 0


def test_services_refuse_to_invite_a_deactivated_person(org, newcomer):
    newcomer.active = False
    with pytest.raises(ServiceError, match="deactivated"):
        services.issue_invite(newcomer, issued_by=org.hr, valid_days=14)


def test_services_refuse_to_redeem_a_spent_link(org, newcomer):
    token = services.issue_invite(newcomer, issued_by=org.hr, valid_days=14)
    services.redeem_invite(token, NEW_PASSWORD, NEW_PASSWORD)
    db.session.commit()
    with pytest.raises(ServiceError, match="expired or was already used"):
        services.redeem_invite(token, "another password 1", "another password 1")
