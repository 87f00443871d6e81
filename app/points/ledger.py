"""The one way points move. Missions, kudos, KPIs, training, BPM tasks, rewards and the API all call
`award`, `spend` or `reverse` here.

Exactness under concurrency: the entry is inserted with
`ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`, and the cached totals move by atomic
`x = x + :delta` updates in the same transaction. A replayed key returns the original entry and pays
nothing; a spend is `balance = balance - :c WHERE balance >= :c`, so the balance never goes negative."""

import enum
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from app.core import audit
from app.core.database import dialect_insert, prepared
from app.core.errors import ServiceError
from app.core.models import utcnow
from app.core.signals import PointsAwarded, PointsReversed, points_awarded, points_reversed
from app.core.text import required_text, squash_spaces
from app.extensions import db
from app.org.authz import can_manage_store
from app.org.models import ORG_WIDE_ROLES, Person, Role
from app.points import limits, windows
from app.points.models import EntryKind, PointBalance, PointEntry

# Awards decided by a person (not by a rule) are bounded by the per-award maximum and the daily cap.
DISCRETIONARY_SOURCES = frozenset({"manual", "api", "kudos"})
# Awards someone set up in advance, paid by a rule when a person qualifies: a mission's points and a
# challenge's prize, each bounded by a company maximum (the AwardLimits field named here) and never paid to
# their author; see `set_by_manager` for the ones that also meet the daily cap.
AUTHORED_SOURCES = {"mission": "mission_max", "challenge": "prize_max"}
MAX_REASON = 280


@dataclass(frozen=True)
class AwardResult:
    entry: PointEntry
    created: bool  # False when the idempotency key had already paid


def _build_entry_insert() -> sa.Executable:
    table = PointEntry.__table__
    return dialect_insert(table).on_conflict_do_nothing(index_elements=["idempotency_key"]).returning(table.c.id)


def _insert_entry(values: dict) -> PointEntry | None:
    """Insert unless the key exists; the new entry, or None for a replay. Only its id comes back: the
    entry is made from the values written and put in the session as loaded, so nobody reads it back
    (an ORM RETURNING of the whole row cost twice the CPU of the insert itself)."""
    entry_id = db.session.execute(prepared("entry_insert", _build_entry_insert), values).scalar()
    if entry_id is None:
        return None
    entry = PointEntry(id=entry_id, **{"reverses_id": None, **values, "kind": str(values["kind"])})
    make_transient_to_detached(entry)
    db.session.add(entry)
    return entry


def _build_totals_upsert() -> sa.Executable:
    statement = dialect_insert(PointBalance.__table__)
    columns = PointBalance.__table__.c
    return statement.on_conflict_do_update(
        index_elements=["person_id"],
        set_={"lifetime": columns.lifetime + statement.excluded.lifetime,
              "balance": columns.balance + statement.excluded.balance,
              "updated_at": statement.excluded.updated_at},
    ).returning(columns.lifetime, columns.balance)


def _ensure_balance_row(person_id: int) -> None:
    db.session.execute(dialect_insert(PointBalance).values(person_id=person_id, lifetime=0, balance=0,
                                                           updated_at=utcnow())
                       .on_conflict_do_nothing(index_elements=["person_id"]))


def _add_to_totals(person_id: int, *, lifetime: int, balance: int) -> tuple[int, int]:
    """Raise the cached totals in one atomic upsert; the (lifetime, balance) this transaction now holds
    (the row stays locked until commit, so they remain exact)."""
    row = db.session.execute(prepared("totals_upsert", _build_totals_upsert), {
        "person_id": person_id, "lifetime": lifetime, "balance": balance, "updated_at": utcnow()}).one()
    return row[0], row[1]


def _move_totals(person_id: int, *, lifetime: int, balance: int, require_balance: int = 0) -> bool:
    """Atomically move the cached totals; False when `require_balance` isn't available."""
    _ensure_balance_row(person_id)
    statement = (sa.update(PointBalance).where(PointBalance.person_id == person_id)
                 .values(lifetime=PointBalance.lifetime + lifetime, balance=PointBalance.balance + balance,
                         updated_at=utcnow()))
    if require_balance:
        statement = statement.where(PointBalance.balance >= require_balance)
    return db.session.execute(statement, execution_options={"synchronize_session": False}).rowcount == 1


def _existing(key: str) -> PointEntry:
    return db.session.scalar(sa.select(PointEntry).where(PointEntry.idempotency_key == key))


def _check_award_rules(person: Person, points: int, awarded_by: Person | None, source_type: str,
                       author: Person | None, discretionary: bool) -> None:
    if points <= 0:
        raise ServiceError(_("Points must be a whole number above zero."), field="points")
    if awarded_by is not None and awarded_by.id == person.id:
        raise ServiceError(_("You can't award points to yourself."))
    if source_type in AUTHORED_SOURCES:
        _check_authored(person, points, source_type, author)
        return
    if source_type not in DISCRETIONARY_SOURCES or (awarded_by is None and not discretionary):
        return
    if awarded_by is not None and awarded_by.role not in ORG_WIDE_ROLES and source_type != "kudos":
        if awarded_by.role not in (Role.STORE_MANAGER, Role.DISTRICT_MANAGER) or person.store_id is None \
                or not can_manage_store(awarded_by, person.store_id):
            raise ServiceError(_("You can only award points to people in the stores you manage."))
    _check_discretionary_limits(person, points)


# Rules for awards someone set up in advance (a mission, a challenge prize) -----------------------------

class Withheld(enum.StrEnum):
    """Why a mission or prize paid less than it says."""
    AUTHOR = "author"        # its author completed or won it: nobody pays themselves
    MAXIMUM = "maximum"      # above the company maximum set after it was written
    DAILY_CAP = "daily_cap"  # a manager's mission or prize, and the receiver's daily cap was reached


def set_by_manager(source_type: str, author: Person | None) -> bool:
    """A mission or prize a store or district manager set up: their decision as much as a manual award, so
    it meets the same per-award maximum and daily cap. HR's are company rules, bounded by the maxima only
    (an unknown author, as for demo data, counts as the company)."""
    return source_type in AUTHORED_SOURCES and author is not None and author.role not in ORG_WIDE_ROLES


def counts_toward_cap(source_type: str, author: Person | None = None) -> bool:
    return source_type in DISCRETIONARY_SOURCES or set_by_manager(source_type, author)


def authored_maximum(source_type: str, author: Person | None) -> int:
    """The most one payment of this mission or prize may be: the company maximum, and for a manager's
    also the per-award maximum."""
    maximum = getattr(limits.current(), AUTHORED_SOURCES[source_type])
    if set_by_manager(source_type, author):
        maximum = min(maximum, current_app.config["POINTS_MAX_PER_AWARD"])
    return maximum


def _check_authored(person: Person, points: int, source_type: str, author: Person | None) -> None:
    if author is not None and author.id == person.id:
        raise ServiceError(_("Nobody earns points from a mission or challenge they created."))
    maximum = authored_maximum(source_type, author)
    if points > maximum:
        raise ServiceError(_("This can pay at most %(n)d points.", n=maximum), field="points")
    if set_by_manager(source_type, author):
        _check_cap(person, points)


@dataclass(frozen=True)
class Payable:
    points: int                     # what may be paid now; 0: nothing
    withheld: Withheld | None = None  # why less than asked


def payable(person: Person, points: int, *, source_type: str, author: Person | None) -> Payable:
    """How much of a mission's points or a prize `person` may be paid now, and why not all of it. Locks the
    receiver when the daily cap applies, so the answer holds until commit."""
    if author is not None and author.id == person.id:
        return Payable(0, Withheld.AUTHOR)
    allowed = min(points, authored_maximum(source_type, author))
    withheld = Withheld.MAXIMUM if allowed < points else None
    if set_by_manager(source_type, author):
        left = _cap_left(person)
        if left < allowed:
            allowed, withheld = left, Withheld.DAILY_CAP
    return Payable(max(0, allowed), withheld)


@dataclass(frozen=True)
class AuthoredPayment:
    entry: PointEntry | None  # None: nothing paid (their own, or no room left under the cap)
    created: bool
    withheld: Withheld | None

    @property
    def paid(self) -> int:
        return self.entry.amount if self.created else 0


def pay_authored(person: Person, points: int, *, author: Person | None, source_type: str,
                 source_id: str | int | None, reason: str, idempotency_key: str,
                 awarded_by: Person | None = None) -> AuthoredPayment:
    """Pay a mission's points or a challenge prize set up by `author`: in full, or what the rules above
    leave (the person did the work: a reached limit pays less, it doesn't undo the completion). Flushes."""
    allowed = payable(person, points, source_type=source_type, author=author)
    if allowed.points == 0:
        existing = _existing(idempotency_key.strip())
        return AuthoredPayment(existing, False, None if existing else allowed.withheld)
    result = award(person, allowed.points, source_type=source_type, source_id=source_id, reason=reason,
                   idempotency_key=idempotency_key, awarded_by=awarded_by, author=author)
    return AuthoredPayment(result.entry, result.created, allowed.withheld if result.created else None)


# The daily cap -----------------------------------------------------------------------------------------

_CAPPED_SINCE = sa.select(sa.func.coalesce(sa.func.sum(PointEntry.amount), 0)).where(
    PointEntry.person_id == sa.bindparam("person_id"), PointEntry.kind == EntryKind.EARN,
    PointEntry.capped.is_(True), PointEntry.created_at >= sa.bindparam("since"))


def _build_receiver_lock() -> sa.Executable:
    # An upsert that changes nothing still takes the row lock, and it creates the row for a first award:
    # one statement, where a "make sure it exists" insert and a SELECT … FOR UPDATE would be two.
    statement = dialect_insert(PointBalance.__table__)
    columns = PointBalance.__table__.c
    return statement.values(person_id=sa.bindparam("person_id"), lifetime=0, balance=0,
                            updated_at=sa.bindparam("updated_at")) \
        .on_conflict_do_update(index_elements=["person_id"], set_={"updated_at": columns.updated_at})


def _lock_receiver(person_id: int) -> None:
    """Hold the receiver's balance row until commit before summing their day: without it, 8 concurrent
    awards of 100 each read "nothing yet" and paid 800 against a 300 cap on PostgreSQL. SQLite writers are
    serialised by BEGIN IMMEDIATE already (app/core/database.py), so there is nothing to lock there."""
    if db.engine.dialect.name == "sqlite":
        return
    db.session.execute(prepared("receiver_lock", _build_receiver_lock),
                       {"person_id": person_id, "updated_at": utcnow()})


def _cap_left(person: Person) -> int:
    """Capped points `person` may still receive in the last 24 hours. Locks the receiver first."""
    _lock_receiver(person.id)
    already = db.session.scalar(_CAPPED_SINCE, {"person_id": person.id, "since": utcnow() - timedelta(hours=24)})
    return max(0, current_app.config["POINTS_DAILY_CAP"] - already)


def _check_cap(person: Person, points: int) -> None:
    left = _cap_left(person)
    if points > left:
        raise ServiceError(_("%(name)s can receive at most %(cap)d discretionary points a day; "
                             "%(left)d left today.", name=person.first_name,
                             cap=current_app.config["POINTS_DAILY_CAP"], left=left), field="points")


def _check_discretionary_limits(person: Person, points: int) -> None:
    """The per-award maximum and the daily cap on discretionary points. Locks the receiver until commit."""
    maximum = current_app.config["POINTS_MAX_PER_AWARD"]
    if points > maximum:
        raise ServiceError(_("One award can be at most %(n)d points.", n=maximum), field="points")
    _check_cap(person, points)


def award(person: Person, points: int, *, source_type: str, reason: str, idempotency_key: str,
          source_id: str | int | None = None, awarded_by: Person | None = None,
          author: Person | None = None, discretionary: bool = False) -> AwardResult:
    """Pay `points` to `person` once per `idempotency_key`. `awarded_by` is the person deciding a
    discretionary award (None for rule-driven awards); `discretionary` bounds an award nobody in Ascent
    decided (the integration API's) like one they did: per-award maximum and daily cap. `author` is the one
    who set up the mission or challenge paying it (see AUTHORED_SOURCES; `pay_authored` pays what the rules
    allow). A key that has paid returns its entry (created False), whatever the checks say now. Flushes;
    the caller commits."""
    key = idempotency_key.strip()
    if not key or len(key) > 200:
        raise ServiceError(_("An idempotency key of 1 to 200 characters is needed."))
    try:
        reason = _checked_award(person, points, reason, awarded_by, source_type, author, discretionary)
    except ServiceError:
        # A key that has already paid returns its entry, whatever the checks say now. Looked up only
        # here and on a conflicting insert: a new key (nearly every call) costs no lookup.
        existing = _existing(key)
        if existing is not None:
            return AwardResult(existing, created=False)
        raise
    entry = _insert_entry({
        "person_id": person.id, "store_id": person.store_id, "amount": points, "kind": EntryKind.EARN,
        "source_type": source_type, "source_id": None if source_id is None else str(source_id),
        "reason": reason, "awarded_by_id": awarded_by.id if awarded_by else None,
        "idempotency_key": key, "capped": counts_toward_cap(source_type, author), "created_at": utcnow(),
    })
    if entry is None:  # the key has paid already, or a concurrent request with it won the race
        return AwardResult(_existing(key), created=False)
    # Link the entry to the person we hold, without history: `entry.person` then needs no query, and the
    # person stays in the session (its identity map keeps unreferenced objects only weakly).
    set_committed_value(entry, "person", person)
    # The lifetime total this transaction now holds (the row stays locked until commit): the receivers
    # get it with the award instead of reading it back.
    lifetime, _balance = _add_to_totals(person.id, lifetime=points, balance=points)
    if awarded_by is not None:
        audit.record("points.awarded", actor_id=awarded_by.id, target_type="person", target_id=person.id,
                     points=points, source=source_type, entry_id=entry.id)
    points_awarded.send(None, event=PointsAwarded(entry=entry, person=person, lifetime=lifetime))
    return AwardResult(entry, created=True)


def _checked_award(person: Person, points: int, reason: str, awarded_by: Person | None, source_type: str,
                   author: Person | None, discretionary: bool) -> str:
    """The award's reason, tidied; ServiceError when the award may not be made."""
    if not person.active:
        raise ServiceError(_("%(name)s is deactivated.", name=person.full_name))
    tidy = squash_spaces(reason)
    if tidy and len(tidy) <= MAX_REASON:
        reason = tidy  # the usual case: no refusal to translate
    else:
        reason = required_text(reason, max_length=MAX_REASON, field="reason",
                               required_message=_("Say why these points are awarded."),
                               too_long_message=_("Keep the reason under %(n)d characters.", n=MAX_REASON))
    _check_award_rules(person, points, awarded_by, source_type, author, discretionary)
    return reason


def spend(person: Person, points: int, *, source_type: str, source_id: str | int | None, reason: str,
          idempotency_key: str) -> AwardResult:
    """Take `points` from the spendable balance, never below zero."""
    if points <= 0:
        raise ServiceError(_("Points must be a whole number above zero."))
    existing = _existing(idempotency_key)
    if existing is not None:
        return AwardResult(existing, created=False)
    if not _move_totals(person.id, lifetime=0, balance=-points, require_balance=points):
        raise ServiceError(_("Not enough points: you have %(have)d, this needs %(need)d.",
                             have=balances(person.id)[1], need=points))
    entry = _insert_entry({
        "person_id": person.id, "store_id": person.store_id, "amount": -points, "kind": EntryKind.SPEND,
        "source_type": source_type, "source_id": None if source_id is None else str(source_id),
        "reason": reason[:MAX_REASON], "awarded_by_id": None, "idempotency_key": idempotency_key,
        "capped": False, "created_at": utcnow(),
    })
    if entry is None:  # replayed concurrently: give the points back, pay nothing twice
        _move_totals(person.id, lifetime=0, balance=points)
        return AwardResult(_existing(idempotency_key), created=False)
    return AwardResult(entry, created=True)


def reverse(entry: PointEntry, *, reason: str, reversed_by: Person | None) -> PointEntry:
    """Undo an entry with an opposite one. An earn reversal is a correction: it leaves lifetime too."""
    reason = squash_spaces(reason)
    if not reason:
        raise ServiceError(_("Say why this entry is reversed."), field="reason")
    if entry.kind == EntryKind.REVERSAL:
        raise ServiceError(_("A reversal can't be reversed; award the points again instead."))
    if db.session.scalar(sa.select(PointEntry.id).where(PointEntry.reverses_id == entry.id)):
        raise ServiceError(_("This entry was already reversed."))
    amount = -entry.amount
    lifetime = amount if entry.kind == EntryKind.EARN else 0
    if not _move_totals(entry.person_id, lifetime=lifetime, balance=amount,
                        require_balance=max(0, -amount)):
        raise ServiceError(_("These points have already been spent, so they can't be taken back. "
                             "Refuse or reverse the redemption first."))
    reversal = _insert_entry({
        "person_id": entry.person_id, "store_id": entry.store_id, "amount": amount,
        "kind": EntryKind.REVERSAL, "source_type": entry.source_type, "source_id": entry.source_id,
        "reason": reason[:MAX_REASON], "awarded_by_id": reversed_by.id if reversed_by else None,
        "idempotency_key": f"reversal:{entry.id}", "reverses_id": entry.id, "capped": False,
        "created_at": utcnow(),
    })
    if reversal is None:
        raise ServiceError(_("This entry was already reversed."))
    audit.record("points.reversed", actor_id=reversed_by.id if reversed_by else None, target_type="person",
                 target_id=entry.person_id, entry_id=entry.id, amount=amount, reason=reason[:200])
    points_reversed.send(None, event=PointsReversed(reversal=reversal, original=entry))
    return reversal


def balances(person_id: int) -> tuple[int, int]:
    """(lifetime, spendable balance) from the cached totals."""
    row = db.session.execute(sa.select(PointBalance.lifetime, PointBalance.balance)
                             .where(PointBalance.person_id == person_id)).first()
    return (row[0], row[1]) if row else (0, 0)


@dataclass(frozen=True)
class Mismatch:
    person_id: int
    cached_lifetime: int
    ledger_lifetime: int
    cached_balance: int
    ledger_balance: int


def verify() -> list[Mismatch]:
    """Recompute every total from the ledger and list where the cache disagrees: lifetime is everything
    earned (app/points/windows.py, over all time), the balance every entry's amount."""
    lifetimes = windows.earned_totals()
    ledger = {person_id: (lifetimes.get(person_id, 0), balance) for person_id, balance in db.session.execute(
        sa.select(PointEntry.person_id, sa.func.sum(PointEntry.amount)).group_by(PointEntry.person_id))}
    cached = {person_id: (lifetime, balance) for person_id, lifetime, balance in db.session.execute(
        sa.select(PointBalance.person_id, PointBalance.lifetime, PointBalance.balance))}
    mismatches = []
    for person_id in sorted(ledger.keys() | cached.keys()):
        cached_lifetime, cached_balance = cached.get(person_id, (0, 0))
        ledger_lifetime, ledger_balance = ledger.get(person_id, (0, 0))
        if (cached_lifetime, cached_balance) != (ledger_lifetime, ledger_balance):
            mismatches.append(Mismatch(person_id, cached_lifetime, ledger_lifetime, cached_balance,
                                       ledger_balance))
    return mismatches
