"""What the integration API does, with plain arguments: validate an award request, pay it once per
Idempotency-Key, read a person's points and ledger. Errors are domain exceptions; the routes turn them
into problem documents."""

import hashlib
import json
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.dialects import postgresql, sqlite

from app.api import tokens
from app.api.models import ApiAward, ApiToken
from app.core.errors import ServiceError
from app.core.models import utcnow
from app.extensions import db
from app.journey.services import current_stage
from app.org.models import Person
from app.points import ledger
from app.points.models import PointEntry

SOURCE_TYPE = "api"
MAX_KEY = 100
MAX_SOURCE = 64
AWARD_FIELDS = {"employee_number", "email", "points", "reason", "source"}


class InvalidFields(ServiceError):
    """Field → messages, for a 422."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(" ".join(m for messages in errors.values() for m in messages))
        self.errors = errors


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


def parse_award(body: Any) -> AwardRequest:
    """Check the JSON body of POST /awards; every problem at once, by field."""
    if not isinstance(body, dict):
        raise InvalidFields({"body": [_("The body must be a JSON object.")]})
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    for unknown in sorted(set(body) - AWARD_FIELDS):
        add(unknown, _("Unknown field."))
    given = [name for name in ("employee_number", "email") if body.get(name) is not None]
    if not given:
        add("employee_number", _("Name the person by employee_number or by email."))
    elif len(given) > 1:
        add("email", _("Give employee_number or email, not both."))
    else:
        value = body[given[0]]
        if not isinstance(value, str) or not value.strip() or len(value) > 254:
            add(given[0], _("Must be a non-empty string."))
    points = body.get("points")
    if points is None:
        add("points", _("Required."))
    elif not isinstance(points, int) or isinstance(points, bool):
        add("points", _("Must be a whole number."))
    elif points <= 0:
        add("points", _("Must be above zero."))
    for name, maximum in (("reason", ledger.MAX_REASON), ("source", MAX_SOURCE)):
        value = body.get(name)
        if value is None:
            add(name, _("Required."))
        elif not isinstance(value, str) or not value.strip():
            add(name, _("Must be a non-empty string."))
        elif len(value.strip()) > maximum:
            add(name, _("At most %(n)d characters.", n=maximum))
    if errors:
        raise InvalidFields(errors)
    return AwardRequest(given[0], body[given[0]].strip(), points, " ".join(body["reason"].split()),
                        body["source"].strip())


def fingerprint(body: Any) -> str:
    """The same JSON, whatever its key order or spacing, gives the same fingerprint."""
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def _recorded(token_id: int, key: str) -> ApiAward | None:
    return db.session.scalar(sa.select(ApiAward).where(ApiAward.token_id == token_id,
                                                       ApiAward.idempotency_key == key))


def _replay(recorded: ApiAward, body_fingerprint: str) -> AwardOutcome:
    if recorded.request_hash != body_fingerprint:
        raise KeyReused()
    return AwardOutcome(db.session.get(PointEntry, recorded.entry_id), created=False)


def find_person(request: AwardRequest) -> Person | None:
    if request.person_field == "email":
        condition = sa.func.lower(Person.email) == request.person_value.lower()
    else:
        condition = Person.employee_number == request.person_value
    return db.session.scalar(sa.select(Person).where(condition))


def _claim(token_id: int, key: str, body_fingerprint: str) -> int | None:
    """Insert the key's record unless it exists: its id, or None when another request holds the key."""
    insert = (postgresql if db.engine.dialect.name == "postgresql" else sqlite).insert
    return db.session.execute(
        insert(ApiAward).values(token_id=token_id, idempotency_key=key, request_hash=body_fingerprint,
                                created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["token_id", "idempotency_key"]).returning(ApiAward.id)
    ).scalar()


def award_points(token: ApiToken, idempotency_key: str, body: Any) -> AwardOutcome:
    """Pay an award once per (token, Idempotency-Key). A repeat with the same body returns the original
    award; with another body, KeyReused. Bad input raises InvalidFields, a person outside the token's
    stores OutOfScope; nothing changes in either case. Flushes; the caller commits."""
    body_fingerprint = fingerprint(body)
    recorded = _recorded(token.id, idempotency_key)
    if recorded is not None:
        return _replay(recorded, body_fingerprint)
    request = parse_award(body)
    person = find_person(request)
    if person is None:
        raise InvalidFields({request.person_field: [_("No person has this %(field)s.",
                                                      field=request.person_field)]})
    if not tokens.covers(token, person):
        raise OutOfScope()
    if not person.active:
        raise InvalidFields({request.person_field: [_("%(name)s is deactivated.", name=person.full_name)]})
    # One person's awards in a row, so the daily cap can't be raced (and a concurrent repeat of this
    # key, once it holds the lock, finds the first call's record).
    db.session.execute(sa.select(Person.id).where(Person.id == person.id).with_for_update(key_share=True))
    recorded = _recorded(token.id, idempotency_key)
    if recorded is not None:
        return _replay(recorded, body_fingerprint)
    try:
        ledger.check_discretionary_limits(person, request.points)
    except ServiceError as error:
        raise InvalidFields({error.field or "points": [error.message]}) from error
    claim_id = _claim(token.id, idempotency_key, body_fingerprint)
    if claim_id is None:  # another request with this key (naming someone else) got there first
        return _replay(_recorded(token.id, idempotency_key), body_fingerprint)
    result = ledger.award(person, request.points, source_type=SOURCE_TYPE, reason=request.reason,
                          idempotency_key=f"api:{token.id}:{idempotency_key}", source_id=request.source,
                          awarded_by=None)
    db.session.execute(sa.update(ApiAward).where(ApiAward.id == claim_id).values(entry_id=result.entry.id))
    return AwardOutcome(result.entry, created=result.created)


def person_in_scope(token: ApiToken, person_id: int) -> Person | None:
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
