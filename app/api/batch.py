"""POST /api/v1/awards/batch: up to MAX_ITEMS awards in one request and one transaction, for tills and
point-of-sale systems that send their sales in batches.

All or nothing, like the KPI measurements and the people import. Every item is checked — its shape (the
same as a POST /awards body, plus its own `idempotency_key`, unique within the batch), a person found and
within the token's stores, and the ledger's rules, the daily cap counting the batch's earlier awards to
the same person — and one bad item refuses the whole batch with every problem listed by item path
("awards[3].points"). Otherwise every item is paid, in one transaction.

An item's key shares the token's key space with POST /awards' Idempotency-Key: a key that has paid,
either way, replays (its original award, nothing paid) when the award is the same, and is refused when
it differs. Exact under concurrency for the ledger's reason: each item goes through `ledger.award`, whose
entry insert is `ON CONFLICT (idempotency_key) DO NOTHING`."""

import enum
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from app.api import services, tokens
from app.api.models import ApiAward
from app.api.validation import FieldErrors, InvalidFields, item_path
from app.core import signals
from app.core.errors import ServiceError
from app.core.models import utcnow
from app.extensions import db
from app.org.models import Person
from app.points import ledger
from app.points.models import PointEntry

MAX_ITEMS = 500
COLLECTION = "awards"
KEY_FIELD = "idempotency_key"


class Kind(enum.StrEnum):
    """What kind of problem an item has; the route answers the batch's status from the kinds present."""
    INVALID = "invalid"            # 422
    OUT_OF_SCOPE = "out_of_scope"  # 403: a person outside the token's stores
    KEY_REUSED = "key_reused"      # 409: a key that paid a different award


class BatchRefused(ServiceError):
    """Nothing was paid: `errors` lists every problem by item path, `kinds` what kinds they are."""

    def __init__(self, errors: dict[str, list[str]], kinds: set[Kind]):
        super().__init__(" ".join(message for messages in errors.values() for message in messages))
        self.errors, self.kinds = errors, kinds


@dataclass(frozen=True)
class ItemOutcome:
    key: str
    entry: PointEntry
    created: bool  # False: the key had already paid; `entry` is the original award


@dataclass
class _Item:
    index: int
    key: str | None
    fingerprint: str
    request: services.AwardRequest | None
    errors: dict[str, list[str]]  # the item's own fields' problems, by field
    person: Person | None = None
    outcome: ItemOutcome | None = None
    replays: int | None = None  # the entry id of the award this key already paid


@dataclass
class _Problems:
    fields: FieldErrors = field(default_factory=FieldErrors)
    kinds: set[Kind] = field(default_factory=set)

    def add(self, index: int, name: str | None, message: str, kind: Kind = Kind.INVALID) -> None:
        self.fields.add(item_path(COLLECTION, index, name), message)
        self.kinds.add(kind)

    def raise_if_any(self) -> None:
        if self.kinds:
            raise BatchRefused(dict(sorted(self.fields.errors.items(), key=_path_order)), self.kinds)


def _path_order(pair: tuple[str, list[str]]) -> tuple[int, str]:
    """Problems in item order ("awards[2]" before "awards[10]"), then by field."""
    path = pair[0]
    index, _sep, rest = path.removeprefix(COLLECTION + "[").partition("]")
    return (int(index), rest) if index.isdigit() else (-1, path)


def ledger_key(token_id: int, key: str) -> str:
    """The ledger key of a token's Idempotency-Key: the one POST /awards gives it (services.award_points),
    so a key paid through either endpoint is the same payment."""
    return f"api:{token_id}:{key}"


def _raw_items(body: Any) -> list:
    if not isinstance(body, dict) or not isinstance(body.get(COLLECTION), list):
        raise InvalidFields({COLLECTION: [_("Send {\"awards\": [...]} with one or more awards.")]})
    errors = FieldErrors()
    errors.unknown(body, {COLLECTION})
    items = body[COLLECTION]
    if not items:
        errors.add(COLLECTION, _("Send one or more awards."))
    elif len(items) > MAX_ITEMS:
        errors.add(COLLECTION, _("At most %(n)d awards in one batch: send the rest in another.", n=MAX_ITEMS))
    errors.raise_if_any()
    return items


def _read(index: int, raw: Any, problems: _Problems) -> _Item:
    """One item's key (a problem of the batch at once) and award (its problems kept on the item: a key
    that replays the same award is answered whatever today's rules say of it, as POST /awards does)."""
    if not isinstance(raw, dict):
        problems.add(index, None, _("Each award is an object with an idempotency_key and the fields of "
                                    "POST /awards."))
        return _Item(index, None, "", None, {})
    key = raw.get(KEY_FIELD)
    if not isinstance(key, str) or not services.valid_idempotency_key(key):
        problems.add(index, KEY_FIELD, _("Required: 1 to %(n)d visible ASCII characters, unique per award.",
                                         n=services.MAX_KEY))
        key = None
    award = {name: value for name, value in raw.items() if name != KEY_FIELD}
    try:
        request, errors = services.parse_award(award), {}
    except InvalidFields as invalid:
        request, errors = None, invalid.errors
    # The fingerprint of the award without its key: the body POST /awards would have had.
    return _Item(index, key, services.fingerprint(award), request, errors)


def _refuse_repeated_keys(items: list[_Item], problems: _Problems) -> None:
    first: dict[str, int] = {}
    for item in items:
        if item.key is None:
            continue
        if item.key in first:
            problems.add(item.index, KEY_FIELD, _("%(path)s has this key too: each award needs its own.",
                                                  path=item_path(COLLECTION, first[item.key])))
            item.key = None  # neither paid nor looked up: the batch is refused anyway
        else:
            first[item.key] = item.index


def _recorded(token_id: int, keys: list[str]) -> dict[str, ApiAward]:
    if not keys:
        return {}
    return {row.idempotency_key: row for row in db.session.scalars(
        sa.select(ApiAward).where(ApiAward.token_id == token_id, ApiAward.idempotency_key.in_(keys)))}


def _match_recorded(item: _Item, recorded: ApiAward, problems: _Problems) -> None:
    if recorded.request_hash != item.fingerprint:
        problems.add(item.index, KEY_FIELD, services.KeyReused().message, Kind.KEY_REUSED)
    else:
        item.replays = recorded.entry_id


def _people(items: list[_Item]) -> dict[tuple[str, str], Person]:
    """Everyone the items name, in one query, keyed as the items name them; key-share locked until commit
    like the person of a single award (app/api/services.find_person)."""
    numbers = sorted({item.request.person_value for item in items if item.request.person_field == "employee_number"})
    emails = sorted({item.request.person_value.lower() for item in items if item.request.person_field == "email"})
    if not numbers and not emails:
        return {}
    query = (sa.select(Person).options(joinedload(Person.store))
             .where(sa.or_(Person.employee_number.in_(numbers), sa.func.lower(Person.email).in_(emails)))
             .order_by(Person.id).with_for_update(key_share=True, of=Person))
    found: dict[tuple[str, str], Person] = {}
    for person in db.session.scalars(query):
        found[("employee_number", person.employee_number)] = person
        if person.email:
            found.setdefault(("email", person.email.lower()), person)
    return found


def _find_people(token: tokens.LiveToken, items: list[_Item], problems: _Problems) -> None:
    people = _people(items)
    for item in items:
        request = item.request
        value = request.person_value.lower() if request.person_field == "email" else request.person_value
        person = people.get((request.person_field, value))
        if person is None:
            problems.add(item.index, request.person_field, _("No person has this %(field)s.",
                                                             field=request.person_field))
        elif not tokens.covers(token, person):
            problems.add(item.index, request.person_field, services.OutOfScope().message, Kind.OUT_OF_SCOPE)
        else:
            item.person = person


def _pay(token: tokens.LiveToken, item: _Item, problems: _Problems, late: list[tuple[_Item, PointEntry]]) -> None:
    request = item.request
    try:
        result = ledger.award(item.person, request.points, source_type=services.SOURCE_TYPE, reason=request.reason,
                              idempotency_key=ledger_key(token.id, item.key), source_id=request.source,
                              discretionary=True)
    except ServiceError as error:
        # As for POST /awards: the ledger names the field at fault; a refusal without one is about the
        # person (deactivated).
        problems.add(item.index, error.field or request.person_field, error.message)
        return
    if result.created:
        item.outcome = ItemOutcome(item.key, result.entry, created=True)
    else:  # a concurrent request with this key paid first (its record is committed with it)
        late.append((item, result.entry))


def award_batch(token: tokens.LiveToken, body: Any) -> list[ItemOutcome]:
    """Pay every award of the batch once per (token, key), or nothing: the outcomes in the items' order.
    InvalidFields for a body that is not a batch at all; BatchRefused, with every problem, when any item
    can't be paid. Flushes; the caller commits (and, refused, rolls back what was tried)."""
    problems = _Problems()
    items = [_read(index, raw, problems) for index, raw in enumerate(_raw_items(body))]
    _refuse_repeated_keys(items, problems)
    recorded = _recorded(token.id, [item.key for item in items if item.key is not None])
    to_pay = []
    for item in items:
        if item.key is not None and item.key in recorded:
            _match_recorded(item, recorded[item.key], problems)
            continue
        for name, messages in item.errors.items():
            for message in messages:
                problems.add(item.index, None if name == "body" else name, message)
        if item.key is not None and item.request is not None:
            to_pay.append(item)
    _find_people(token, to_pay, problems)
    late: list[tuple[_Item, PointEntry]] = []
    # One event for the signals' receivers: what they defer until an event settles (a person's stage
    # check) runs once per person, after all of the batch's awards. Paid in person order, each person's
    # items in the batch's order: concurrent batches then lock receivers in the same order (no deadlock
    # on PostgreSQL), and the cap counts a person's earlier items first.
    with signals.settling():
        for item in sorted((item for item in to_pay if item.person is not None),
                           key=lambda item: (item.person.id, item.index)):
            _pay(token, item, problems, late)
        if late:
            recorded = _recorded(token.id, [item.key for item, _entry in late])
            for item, entry in late:
                if item.key in recorded:
                    _match_recorded(item, recorded[item.key], problems)
                else:  # no record can only mean the key paid without one: still that payment
                    item.outcome = ItemOutcome(item.key, entry, created=False)
        problems.raise_if_any()
    _record(token, items)
    _load_replays(items)
    return [item.outcome for item in items]


def _record(token: tokens.LiveToken, items: list[_Item]) -> None:
    """The keys this batch paid, in one multi-row insert, for the replays to come."""
    now = utcnow()
    rows = [{"token_id": token.id, "idempotency_key": item.key, "request_hash": item.fingerprint,
             "entry_id": item.outcome.entry.id, "created_at": now}
            for item in items if item.outcome is not None and item.outcome.created]
    if rows:
        db.session.execute(sa.insert(ApiAward.__table__), rows)


def _load_replays(items: list[_Item]) -> None:
    replays = [item for item in items if item.replays is not None]
    if not replays:
        return
    entries = {entry.id: entry for entry in db.session.scalars(
        sa.select(PointEntry).options(joinedload(PointEntry.person))
        .where(PointEntry.id.in_({item.replays for item in replays})))}
    for item in replays:
        item.outcome = ItemOutcome(item.key, entries[item.replays], created=False)
