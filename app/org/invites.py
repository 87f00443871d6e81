"""Invite sheets printed in bulk from the people list: who on a page can get one, everyone still waiting to
sign in under the list's filters (across its pages), which of them already hold an open sheet that a new
one cancels (app.auth.services.issue_invite revokes every older unused link), and the printing itself."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import aliased

from app.auth.models import InviteToken
from app.auth.services import invite_problem, issue_invite
from app.core.errors import ServiceError
from app.core.models import utcnow
from app.extensions import db
from app.org import authz
from app.org.models import Person
from app.org.queries import people_query

# One print run. A back office prints a store's or a district's newcomers; past this the sheet is too long
# to hand out, and narrowing the list by store or role says whose sheets these are.
MAX_AT_ONCE = 200


@dataclass(frozen=True)
class OpenSheet:
    """An invite already printed for `person` that still works: printing a new one cancels it."""

    person: Person
    issued_at: datetime
    issued_by: Person | None


@dataclass
class Batch:
    """Who a print run is for: those who get a sheet, and those skipped with the reason."""

    invitable: list[Person]
    skipped: list[tuple[Person, str]]


def invitable_ids(actor: Person, people: list[Person]) -> set[int]:
    """Whom on this page `actor` may print an invite for: the list's checkboxes."""
    return {person.id for person in people
            if authz.can_manage_person(actor, person) and invite_problem(person, actor) is None}


def _waiting_query(actor: Person, filters: dict) -> sa.Select | None:
    if filters.get("status") not in ("", None, "pending"):
        return None  # "signed in" or "deactivated": nobody there is waiting for an invite
    return people_query(actor, **{**filters, "status": "pending"}, managed_only=True)


def waiting_count(actor: Person, filters: dict) -> int:
    """How many people `actor` manages are not signed in yet, under the list's filters."""
    query = _waiting_query(actor, filters)
    if query is None:
        return 0
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))


def everyone_waiting(actor: Person, filters: dict) -> list[Person]:
    """Everyone `actor` manages who has not signed in yet, under the list's filters, on every page."""
    query = _waiting_query(actor, filters)
    people = list(db.session.scalars(query.limit(MAX_AT_ONCE + 1))) if query is not None else []
    if not people:
        raise ServiceError(_("Nobody in this list is waiting to sign in."))
    if len(people) > MAX_AT_ONCE:
        raise ServiceError(_("That is more than %(max)d people: choose a store or a role to print at most "
                             "%(max)d invites at once.", max=MAX_AT_ONCE))
    return people


def sort_out(actor: Person, people: list[Person]) -> Batch:
    """Split the chosen people into those who can have an invite and those who can't (and why)."""
    problems = {person.id: invite_problem(person, actor) for person in people}
    return Batch(invitable=[person for person in people if not problems[person.id]],
                 skipped=[(person, problems[person.id]) for person in people if problems[person.id]])


def open_sheets(people: list[Person]) -> list[OpenSheet]:
    """The newest working (unused, unrevoked, unexpired) invite of each of `people` who has one, in the
    order of `people`."""
    if not people:
        return []
    issuer = aliased(Person)
    rows = db.session.execute(
        sa.select(InviteToken.person_id, InviteToken.created_at, issuer)
        .outerjoin(issuer, issuer.id == InviteToken.created_by_id)
        .where(InviteToken.person_id.in_([person.id for person in people]), InviteToken.used_at.is_(None),
               InviteToken.revoked_at.is_(None), InviteToken.expires_at > utcnow())
        .order_by(InviteToken.created_at, InviteToken.id))
    newest = {person_id: (created_at, issued_by) for person_id, created_at, issued_by in rows}
    return [OpenSheet(person, *newest[person.id]) for person in people if person.id in newest]


def print_sheets(actor: Person, people: list[Person], *, valid_days: int) -> list[tuple[Person, str]]:
    """A fresh one-time link for each of `people` (each cancelling their older ones): (person, raw token)."""
    return [(person, issue_invite(person, issued_by=actor, valid_days=valid_days)) for person in people]
