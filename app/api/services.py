"""What the integration API does, with plain arguments: read an award request or a batch of KPI
measurements (app/api/validation.py: every problem at once, by field path), pay an award once per
Idempotency-Key, read a person's points and ledger. Errors are domain exceptions; the routes turn them
into problem documents."""

import hashlib
import json
import unicodedata
from dataclasses import dataclass
from typing import Any, NamedTuple

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from app.api import tokens
from app.api.models import ApiAward
from app.api.validation import FieldErrors, InvalidFields, item_path
from app.badges import services as badges
from app.core.errors import ServiceError
from app.core.models import utcnow
from app.extensions import db
from app.journey import services as journey
from app.journey.services import current_stage
from app.kpis.measurements import MeasurementErrors
from app.org.models import Person
from app.points import ledger
from app.points.models import PointEntry

SOURCE_TYPE = "api"
MAX_KEY = 100
MAX_SOURCE = 64
AWARD_FIELDS = {"employee_number", "email", "points", "reason", "source"}


class OutOfScope(ServiceError):
    def __init__(self):
        super().__init__(_("This token may only reach people in the stores it was created for."))


class KeyReused(ServiceError):
    def __init__(self):
        super().__init__(_("This Idempotency-Key was already used with a different request body. "
                           "Use a new key for a new award."))


@dataclass(frozen=True)
class AwardRequest:
    person_field: str  # "employee_number" or "email"
    person_value: str
    points: int
    reason: str
    source: str


@dataclass(frozen=True)
class AwardOutcome:
    entry: PointEntry
    created: bool  # False: the key had already paid; this is the original award


def valid_idempotency_key(key: str | None) -> bool:
    return bool(key) and len(key) <= MAX_KEY and all(33 <= ord(c) <= 126 for c in key)


def has_control_characters(value: str) -> bool:
    """NUL and the like: PostgreSQL refuses NUL in text, and none belongs in a name or a reason (tabs and
    line breaks are only spacing, which the reason collapses)."""
    return any(unicodedata.category(char) == "Cc" and char not in "\t\n\r" for char in value)


def parse_award(body: Any) -> AwardRequest:
    """Check the shape of the JSON body of POST /awards; every problem at once, by field. What the values
    may be (points above zero and within the limits, a reason that says something, not too much) is the
    ledger's rule, the one a manager's award meets: `award_points` hands its refusals back by field."""
    if not isinstance(body, dict):
        raise InvalidFields({"body": [_("The body must be a JSON object.")]})
    errors = FieldErrors()
    errors.unknown(body, AWARD_FIELDS)
    given = [name for name in ("employee_number", "email") if body.get(name) is not None]
    if not given:
        errors.add("employee_number", _("Name the person by employee_number or by email."))
    elif len(given) > 1:
        errors.add("email", _("Give employee_number or email, not both."))
    else:
        value = body[given[0]]
        if not isinstance(value, str) or not value.strip() or len(value) > 254:
            errors.add(given[0], _("Must be a non-empty string."))
        elif has_control_characters(value):
            errors.add(given[0], _("Must not contain control characters."))
    points = body.get("points")
    if points is None:
        errors.add("points", _("Required."))
    elif not isinstance(points, int) or isinstance(points, bool):
        errors.add("points", _("Must be a whole number."))
    reason = body.get("reason")
    if reason is None:
        errors.add("reason", _("Required."))
    elif not isinstance(reason, str):
        errors.add("reason", _("Must be a non-empty string."))
    elif has_control_characters(reason):
        errors.add("reason", _("Must not contain control characters."))
    source = body.get("source")
    if source is None:
        errors.add("source", _("Required."))
    elif not isinstance(source, str) or not source.strip():
        errors.add("source", _("Must be a non-empty string."))
    elif len(source.strip()) > MAX_SOURCE:
        errors.add("source", _("At most %(n)d characters.", n=MAX_SOURCE))
    elif has_control_characters(source):
        errors.add("source", _("Must not contain control characters."))
    errors.raise_if_any()
    return AwardRequest(given[0], body[given[0]].strip(), points, reason, source.strip())


def measurement_items(body: Any) -> list:
    """The items of a POST /kpi-measurements body ({"measurements": [...]}, nothing else); each item is
    checked by app.kpis.measurements, the same rules as the entry form and the CSV upload."""
    if not isinstance(body, dict) or not isinstance(body.get("measurements"), list):
        raise InvalidFields({"measurements": [_("Send {\"measurements\": [...]} with one or more items.")]})
    errors = FieldErrors()
    errors.unknown(body, {"measurements"})
    errors.raise_if_any()
    return body["measurements"]


def measurement_errors(failed: MeasurementErrors) -> dict[str, list[str]]:
    """The refused batch's problems by field path, "measurements[2].value", as an award's are by field."""
    errors = FieldErrors()
    for problem in failed.problems:
        if problem.index < 0:  # about the batch itself
            path = problem.field
        else:
            path = item_path("measurements", problem.index, None if problem.field == "item" else problem.field)
        errors.add(path, problem.message)
    return errors.errors


def fingerprint(body: Any) -> str:
    """The same JSON, whatever its key order or spacing, gives the same fingerprint."""
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


# Built once, run with parameters: on the award path building a statement costs more CPU than running it.
_AWARDS = ApiAward.__table__
_RECORDED = sa.select(_AWARDS.c.request_hash, _AWARDS.c.entry_id).where(
    _AWARDS.c.token_id == sa.bindparam("token_id"), _AWARDS.c.idempotency_key == sa.bindparam("key"))
_RECORD = sa.insert(_AWARDS)


class Recorded(NamedTuple):
    """What a key's first call recorded: the body's fingerprint and the entry it paid."""
    request_hash: str
    entry_id: int | None


def _recorded(token_id: int, key: str) -> Recorded | None:
    """What this key already recorded, as plain values: nearly every call finds none, and loading nothing
    through the ORM still costs its set-up."""
    row = db.session.execute(_RECORDED, {"token_id": token_id, "key": key}).first()
    return None if row is None else Recorded(*row)


def _replay(recorded: Recorded, body_fingerprint: str) -> AwardOutcome:
    if recorded.request_hash != body_fingerprint:
        raise KeyReused()
    return AwardOutcome(db.session.get(PointEntry, recorded.entry_id), created=False)


_PERSON_BY = {
    "email": sa.select(Person).options(joinedload(Person.store)).where(
        sa.func.lower(Person.email) == sa.bindparam("value")),
    "employee_number": sa.select(Person).options(joinedload(Person.store)).where(
        Person.employee_number == sa.bindparam("value")),
}
_PERSON_LOCKED_BY = {field: query.with_for_update(key_share=True, of=Person) for field, query in _PERSON_BY.items()}
# The person, locked, with what the award goes on to ask about them (the badges they hold, their stage)
# and what this key already recorded, in one statement.
_PERSON_AND_RECORD_BY = {
    field: query.add_columns(
        *(sa.select(column).where(_AWARDS.c.token_id == sa.bindparam("token_id"),
                                  _AWARDS.c.idempotency_key == sa.bindparam("key"))
          .scalar_subquery() for column in (_AWARDS.c.request_hash, _AWARDS.c.entry_id)),
        badges.held_badges_column(Person.id, sa.bindparam("now")), journey.stored_stage_column(Person.id))
    for field, query in _PERSON_LOCKED_BY.items()}


def _lookup_value(request: AwardRequest) -> str:
    return request.person_value.lower() if request.person_field == "email" else request.person_value


def find_person(request: AwardRequest, *, lock: bool = False) -> Person | None:
    """The person the award names, with their store (the boards need it). `lock`: hold the person's row
    until commit, so one person's awards go in a row and the daily cap can't be raced."""
    query = (_PERSON_LOCKED_BY if lock else _PERSON_BY)[request.person_field]
    return db.session.scalar(query, {"value": _lookup_value(request)})


def _person_and_record(request: AwardRequest, token_id: int, key: str) -> tuple[Person | None, Recorded | None]:
    """`find_person(request, lock=True)` and `_recorded(token_id, key)` in one statement, which also reads
    what the badge rules and the stage check will ask about the person."""
    row = db.session.execute(_PERSON_AND_RECORD_BY[request.person_field], {
        "value": _lookup_value(request), "token_id": token_id, "key": key, "now": utcnow()}).first()
    if row is None:  # nobody has this name: the record, if any, is read on its own
        return None, _recorded(token_id, key)
    person, request_hash, entry_id, held, stage_id = row
    badges.remember_held_badges(person.id, held)
    journey.remember_stored_stage(person.id, stage_id)
    return person, None if request_hash is None else Recorded(request_hash, entry_id)


def award_points(token: tokens.LiveToken, idempotency_key: str, body: Any) -> AwardOutcome:
    """Pay an award once per (token, Idempotency-Key). A repeat with the same body returns the original
    award; with another body, KeyReused. Bad input (the ledger's refusals included: the reason, a
    deactivated person, the per-award maximum and the daily cap) raises InvalidFields, a person outside the
    token's stores OutOfScope; nothing changes in either case. Flushes; the caller commits."""
    body_fingerprint = fingerprint(body)
    try:
        request = parse_award(body)
    except InvalidFields:
        recorded = _recorded(token.id, idempotency_key)  # a repeat is answered whatever its body says
        if recorded is not None:
            return _replay(recorded, body_fingerprint)
        raise
    person, recorded = _person_and_record(request, token.id, idempotency_key)
    if recorded is not None:
        return _replay(recorded, body_fingerprint)
    if person is None:
        raise InvalidFields({request.person_field: [_("No person has this %(field)s.",
                                                      field=request.person_field)]})
    if not tokens.covers(token, person):
        raise OutOfScope()
    # The ledger's own key makes the payment exactly-once per (token, Idempotency-Key): a concurrent
    # repeat that paid while this call waited for the person's lock comes back, even when its points
    # now leave no room under the cap. The record of the call is written only once it has paid.
    try:
        result = ledger.award(person, request.points, source_type=SOURCE_TYPE, reason=request.reason,
                              idempotency_key=f"api:{token.id}:{idempotency_key}", source_id=request.source,
                              discretionary=True)
    except ServiceError as error:
        # The ledger names the field at fault; the one refusal without a field that an API award can
        # meet is about the person (deactivated).
        raise InvalidFields({error.field or request.person_field: [error.message]}) from error
    if not result.created:  # a concurrent request with this key (maybe naming someone else) paid first
        return _replay(_recorded(token.id, idempotency_key), body_fingerprint)
    db.session.execute(_RECORD, {"token_id": token.id, "idempotency_key": idempotency_key,
                                 "request_hash": body_fingerprint, "entry_id": result.entry.id,
                                 "created_at": utcnow()})
    return AwardOutcome(result.entry, created=True)


def person_in_scope(token: tokens.LiveToken, person_id: int) -> Person | None:
    """The person, None when there is no such id; OutOfScope when the token can't reach them."""
    person = db.session.get(Person, person_id)
    if person is None:
        return None
    if not tokens.covers(token, person):
        raise OutOfScope()
    return person


def points_summary(person: Person) -> dict:
    lifetime, balance = ledger.balances(person.id)
    return {"person_id": person.id, "lifetime": lifetime, "balance": balance,
            "stage": current_stage(person).key}


def ledger_page(person: Person, *, before_id: int | None, limit: int) -> tuple[list[PointEntry], int | None]:
    """Newest first, keyset-paginated by id; the id to continue before, or None at the end."""
    query = (sa.select(PointEntry).where(PointEntry.person_id == person.id)
             .order_by(PointEntry.id.desc()).limit(limit + 1))
    if before_id is not None:
        query = query.where(PointEntry.id < before_id)
    entries = list(db.session.scalars(query))
    has_more = len(entries) > limit
    entries = entries[:limit]
    return entries, (entries[-1].id if has_more else None)
