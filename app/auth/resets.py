"""Forgotten passwords, reset with the person's own confirmation (invites are only for people who have
never set a password: app/auth/services.invite_problem).

1. On the sign-in page the person asks for a reset (`request_reset`). The browser that asks keeps a
   random secret in its session cookie; the row keeps only its hash. What the browser keeps, and the
   page it sees, are the same whether or not the account exists.
2. That browser shows a short check code. The person reads it out to HR (or an administrator), who types
   it to approve (`approve`), or refuses (`refuse`). Nobody decides their own request, and HR never decides
   one for HR or an administrator: only an administrator does (`can_decide`).
3. Back on the asking browser, the person chooses the new password (`complete`): every session of theirs
   ends, the change is audited and they are told in the app (and by push).

The approver never holds anything that signs in: the secret never leaves the asking browser. Plain
arguments; flushes, the caller commits."""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from app import nudges
from app.auth.models import APPROVED, CANCELLED, DONE, PENDING, REFUSED, PasswordReset  # noqa: F401 (states)
from app.auth.services import cancel_open_resets, end_all_sessions, find_login_account, set_password
from app.core import audit
from app.core.errors import ServiceError
from app.core.models import utcnow
from app.extensions import db
from app.org.models import ORG_WIDE_ROLES, Person, Role

# Enough for a person who retries on two phones; more would only fill HR's list.
MAX_OPEN_PER_PERSON = 3

nudges.register_nudge_type(
    "password_changed", label=_l("My password was changed"), title=_l("Your password was changed"),
    body=_l("It was reset with HR's approval and you were signed out everywhere. If you didn't ask for "
            "this, tell HR at once."),
    urgency="high", order=5)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def request_reset(identifier: str, *, valid_minutes: int, requested_from: str | None = None) -> dict:
    """What the asking browser keeps: {"secret", "code", "until"} (JSON-safe, for the session).

    The same is returned for an unknown, deactivated or never-activated account (they get no row), so
    neither the page nor the cookie tells whether the account exists."""
    now = utcnow()
    ticket = {"secret": secrets.token_urlsafe(32), "code": f"{secrets.randbelow(10**6):06d}",
              "until": (now + timedelta(minutes=valid_minutes)).isoformat()}
    person = find_login_account(identifier)
    if person is None or not person.active or not person.has_password:
        return ticket
    open_requests = db.session.scalar(sa.select(sa.func.count()).select_from(PasswordReset).where(
        PasswordReset.person_id == person.id, PasswordReset.status == PENDING,
        PasswordReset.expires_at > now))
    if open_requests >= MAX_OPEN_PER_PERSON:
        return ticket
    reset = PasswordReset(person_id=person.id, token_hash=_digest(ticket["secret"]), check_code=ticket["code"],
                          status=PENDING, expires_at=now + timedelta(minutes=valid_minutes))
    db.session.add(reset)
    db.session.flush()
    audit.record("security.password_reset_requested", actor_id=None, target_type="person",
                 target_id=person.id, reset_id=reset.id, requested_from=requested_from, sensitive=True)
    return ticket


def browser_state(ticket: dict | None) -> tuple[str, PasswordReset | None]:
    """Where the asking browser stands: "none" (it asked nothing), "pending", "approved" (it may set the
    password now) or "closed" (expired, refused or used: it may ask again)."""
    if not ticket or not isinstance(ticket.get("secret"), str):
        return "none", None
    now = utcnow()
    reset = db.session.scalar(sa.select(PasswordReset).where(PasswordReset.token_hash == _digest(ticket["secret"])))
    if reset is None:
        # An unknown account: it waits like a real request until it expires.
        try:
            until = datetime.fromisoformat(str(ticket.get("until")))
        except ValueError:
            return "closed", None
        return ("pending" if until > now else "closed"), None
    if reset.expires_at <= now or not reset.person.active or reset.status not in (PENDING, APPROVED):
        return "closed", reset
    return reset.status, reset


def can_decide(approver: Person, person: Person) -> bool:
    """HR decides for everyone but HR and administrators; an administrator for everyone; nobody for
    themselves (a colleague in HR could otherwise take over another HR account)."""
    if approver.id == person.id or not approver.active:
        return False
    if approver.role == Role.ADMIN:
        return True
    return approver.role == Role.HR and person.role not in ORG_WIDE_ROLES


def open_requests(approver: Person, *, person_id: int | None = None, limit: int = 20) -> list[PasswordReset]:
    """Pending, unexpired requests `approver` may decide, oldest first."""
    if approver.role not in ORG_WIDE_ROLES:
        return []
    query = (sa.select(PasswordReset).join(Person, Person.id == PasswordReset.person_id)
             .where(PasswordReset.status == PENDING, PasswordReset.expires_at > utcnow(),
                    Person.active.is_(True), Person.id != approver.id)
             .options(selectinload(PasswordReset.person).selectinload(Person.store))
             .order_by(PasswordReset.created_at, PasswordReset.id).limit(limit))
    if approver.role != Role.ADMIN:
        query = query.where(Person.role.not_in(tuple(ORG_WIDE_ROLES)))
    if person_id is not None:
        query = query.where(PasswordReset.person_id == person_id)
    return list(db.session.scalars(query))


def decidable_reset(approver: Person, reset_id: int) -> PasswordReset | None:
    """The request if `approver` may decide it (whatever its state), else None: the route answers 404."""
    reset = db.session.get(PasswordReset, reset_id)
    if reset is None or not can_decide(approver, reset.person):
        return None
    return reset


def _close_if_open(reset: PasswordReset, **values) -> bool:
    """One conditional UPDATE: two approvers (or an approver and the clock) can't both win."""
    result = db.session.execute(
        sa.update(PasswordReset)
        .where(PasswordReset.id == reset.id, PasswordReset.status == PENDING, PasswordReset.expires_at > utcnow())
        .values(**values).execution_options(synchronize_session=False))
    db.session.refresh(reset)
    return result.rowcount == 1


def approve(approver: Person, reset: PasswordReset, code: str, *, valid_minutes: int) -> None:
    if not can_decide(approver, reset.person):
        raise ServiceError(_("You can't decide on this request."))
    if reset.status != PENDING or reset.expires_at <= utcnow():
        raise ServiceError(_("This request has expired or was already decided."))
    typed = "".join((code or "").split())
    if not hmac.compare_digest(typed.encode(), reset.check_code.encode()):
        raise ServiceError(_("That is not the code on their screen. Ask them to read it out again."), field="code")
    now = utcnow()
    # The person gets the full window from now on to choose the password.
    if not _close_if_open(reset, status=APPROVED, decided_by_id=approver.id, decided_at=now,
                          expires_at=now + timedelta(minutes=valid_minutes)):
        raise ServiceError(_("This request has expired or was already decided."))
    audit.record("security.password_reset_approved", actor_id=approver.id, target_type="person",
                 target_id=reset.person_id, reset_id=reset.id, sensitive=True)


def refuse(approver: Person, reset: PasswordReset) -> None:
    if not can_decide(approver, reset.person):
        raise ServiceError(_("You can't decide on this request."))
    if not _close_if_open(reset, status=REFUSED, decided_by_id=approver.id, decided_at=utcnow()):
        raise ServiceError(_("This request has expired or was already decided."))
    audit.record("security.password_reset_refused", actor_id=approver.id, target_type="person",
                 target_id=reset.person_id, reset_id=reset.id, sensitive=True)


def complete(ticket: dict | None, password: str, confirm: str) -> Person:
    """Set the new password from the asking browser, once approved; every session of the person ends."""
    state, reset = browser_state(ticket)
    if state != APPROVED:
        raise ServiceError(_("This reset is no longer valid. Ask for a new one."))
    person = reset.person
    set_password(person, password, confirm)
    now = utcnow()
    spent = db.session.execute(
        sa.update(PasswordReset).where(PasswordReset.id == reset.id, PasswordReset.status == APPROVED)
        .values(status=DONE, completed_at=now).execution_options(synchronize_session=False))
    if spent.rowcount != 1:  # the same browser posted twice at once
        raise ServiceError(_("This reset is no longer valid. Ask for a new one."))
    # Other open requests for the same person (from another phone, or someone else's) end here too.
    cancel_open_resets(person)
    db.session.refresh(reset)
    end_all_sessions(person)
    audit.record("security.password_reset_completed", actor_id=person.id, target_type="person",
                 target_id=person.id, reset_id=reset.id, approved_by_id=reset.decided_by_id, sensitive=True)
    nudges.send(person.id, "password_changed", nudges.path_for("home.me"), dedupe_key=f"password_reset:{reset.id}")
    return person
