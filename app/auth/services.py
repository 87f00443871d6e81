"""Sign-in, sessions and invites. Plain arguments only: routes, the CLI and tests call these."""

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from app.auth import passwords
from app.auth.models import APPROVED, CANCELLED, PENDING, InviteToken, PasswordReset
from app.core import audit
from app.core.errors import ServiceError
from app.core.models import utcnow
from app.extensions import db
from app.org.models import ORG_WIDE_ROLES, Person, Role


def normalise_identifier(identifier: str) -> str:
    """What the sign-in lookup compares: an e-mail in lower case, an employee number in upper case.
    The rate limits key on this very value, so every spelling that reaches one account ("e1001",
    " E1001", "ſ1001", which Python upper-cases to S1001) counts in that account's one bucket."""
    identifier = identifier.strip()
    # Badges print "E1001"; people type "e1001".
    return identifier.lower() if "@" in identifier else identifier.upper()


def find_login_account(identifier: str) -> Person | None:
    """An e-mail (case-insensitive) or an employee number."""
    normalised = normalise_identifier(identifier)
    if not normalised:
        return None
    if "@" in normalised:
        condition = sa.func.lower(Person.email) == normalised
    else:
        condition = sa.func.upper(Person.employee_number) == normalised
    return db.session.scalar(sa.select(Person).where(condition))


def authenticate(identifier: str, password: str) -> Person | None:
    """The person if the credentials match an active account; None otherwise (same time either way)."""
    person = find_login_account(identifier)
    valid = passwords.verify_password(person.password_hash if person else None, password)
    if not valid or person is None or not person.active:
        return None
    if passwords.needs_rehash(person.password_hash):
        person.password_hash = passwords.hash_password(password)
    person.last_login_at = utcnow()
    cancel_open_resets(person)
    return person


def end_all_sessions(person: Person) -> None:
    """Every session and remember-me cookie issued so far stops working."""
    person.session_version += 1


def cancel_open_resets(person: Person) -> None:
    """Close the person's pending and approved password resets (app/auth/resets.py): once they have
    shown they know their password (signed in, changed it), or been deactivated, or the reset is done,
    a browser left with an approved reset (a shared tablet) must not keep the power to set it. A logout
    doesn't: someone still signed in somewhere may well be the one who forgot it."""
    db.session.execute(
        sa.update(PasswordReset)
        .where(PasswordReset.person_id == person.id, PasswordReset.status.in_((PENDING, APPROVED)))
        .values(status=CANCELLED).execution_options(synchronize_session=False))


def change_password(person: Person, current: str, new: str, confirm: str) -> None:
    if not passwords.verify_password(person.password_hash, current):
        raise ServiceError(_("Your current password is not right."), field="current_password")
    set_password(person, new, confirm)
    end_all_sessions(person)
    cancel_open_resets(person)
    audit.record("auth.password_changed", actor_id=person.id, target_type="person", target_id=person.id)


def set_password(person: Person, new: str, confirm: str) -> None:
    problem = passwords.password_problem(new)
    if problem:
        raise ServiceError(problem, field="password")
    if new != confirm:
        raise ServiceError(_("The two passwords don't match."), field="confirm")
    person.password_hash = passwords.hash_password(new)


# Invites ---------------------------------------------------------------------------

def _digest(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode()).hexdigest()


def invite_problem(person: Person, issued_by: Person | None) -> str | None:
    """Why `person` can't be given an invite, or None.

    An invite sets a password without knowing the old one, and whoever prints it holds the link: for
    someone who already has a password it would let a manager (or a colleague in HR) take over the
    account and read what it may read. So invites are only for people who have never set one; the
    others reset their password themselves (app/auth/resets.py). An HR or administrator account is
    invited by an administrator only (or from the server's shell, `issued_by` None): HR may manage HR
    colleagues, but whoever prints the first link could set the password of an account that reads
    everyone's data."""
    if not person.active:
        return _("%(name)s is deactivated. Reactivate them first.", name=person.full_name)
    if person.has_password:
        return _("%(name)s has already set a password, so no invite can be printed for them. If they "
                 "forgot it, they can ask for a reset with “Forgot your password?” on the sign-in page.",
                 name=person.full_name)
    if person.role in ORG_WIDE_ROLES and issued_by is not None and issued_by.role != Role.ADMIN:
        return _("Only an administrator can print an invite for %(name)s: HR and administrator accounts "
                 "are invited by an administrator.", name=person.full_name)
    return None


def issue_invite(person: Person, *, issued_by: Person | None, valid_days: int) -> str:
    """A fresh one-time token for `person`; any earlier unused token stops working.
    Returns the raw token: it is shown once (link and QR) and never stored."""
    problem = invite_problem(person, issued_by)
    if problem:
        raise ServiceError(problem)
    now = utcnow()
    db.session.execute(
        sa.update(InviteToken)
        .where(InviteToken.person_id == person.id, InviteToken.used_at.is_(None),
               InviteToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    raw = secrets.token_urlsafe(24)
    db.session.add(InviteToken(person_id=person.id, token_hash=_digest(raw),
                               expires_at=now + timedelta(days=valid_days),
                               created_by_id=issued_by.id if issued_by else None))
    audit.record("invite.issued", actor_id=issued_by.id if issued_by else None,
                 target_type="person", target_id=person.id)
    return raw


def usable_invite(raw_token: str) -> InviteToken | None:
    invite = db.session.scalar(sa.select(InviteToken).where(InviteToken.token_hash == _digest(raw_token)))
    if invite is None or invite.used_at or invite.revoked_at or invite.expires_at < utcnow():
        return None
    if not invite.person.active:
        return None
    if invite.person.has_password:
        # Links printed before invites were refused to people with a password, or a password set
        # since: redeeming one would still replace a password its printer never knew.
        return None
    return invite


def redeem_invite(raw_token: str, password: str, confirm: str) -> Person:
    """Set the password through a one-time link; the link is spent and older sessions end."""
    invite = usable_invite(raw_token)
    if invite is None:
        raise ServiceError(_("This link has expired or was already used. Ask your manager for a new one."))
    person = invite.person
    set_password(person, password, confirm)
    invite.used_at = utcnow()
    end_all_sessions(person)
    audit.record("invite.redeemed", actor_id=person.id, target_type="person", target_id=person.id)
    return person
