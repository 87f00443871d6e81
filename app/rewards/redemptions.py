"""Redeeming points for a reward, and the approval that follows.

A redemption is one transaction: the person's row is locked (so their per-person limit can't be raced),
one unit of stock is taken with `stock = stock - 1 WHERE stock > 0`, and the points are spent through the
ledger (`balance >= cost` or nothing). Any refusal raises and the caller rolls the whole thing back.
Status changes are `UPDATE … WHERE status = <expected>`: two managers deciding at once can't both win."""

import re
import uuid
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from app import nudges
from app.core import audit, realtime
from app.core.aftercommit import after_commit
from app.core.errors import ServiceError
from app.core.models import utcnow
from app.core.text import required_text
from app.extensions import db
from app.org.models import Person
from app.points import ledger
from app.points.models import PointEntry
from app.rewards.models import Redemption, RedemptionStatus, Reward
from app.rewards.queries import approvable_redemptions, available_rewards, held_count

SOURCE_TYPE = "redemption"
_REQUEST_KEY = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


@dataclass(frozen=True)
class RedeemResult:
    redemption: Redemption
    created: bool  # False when the same request key had already redeemed (a double tap, a retry)


def _lock_person(person_id: int) -> None:
    """Serialise one person's redemptions (a no-op on SQLite, where BEGIN IMMEDIATE already does).
    FOR NO KEY UPDATE, so inserts that merely reference the person (ledger entries) don't wait."""
    db.session.execute(sa.select(Person.id).where(Person.id == person_id).with_for_update(key_share=True))


def redeem(person: Person, reward_id: int, *, request_key: str | None = None) -> RedeemResult:
    """Spend `person`'s points on one unit of a reward. `request_key` (from the form) makes a double
    submission return the first redemption instead of buying twice. Flushes; the caller commits."""
    if not person.active:
        raise ServiceError(_("%(name)s is deactivated.", name=person.full_name))
    request_key = request_key if request_key and _REQUEST_KEY.match(request_key) else uuid.uuid4().hex
    spend_key = f"redemption:{person.id}:{request_key}"
    _lock_person(person.id)
    replay = db.session.scalar(sa.select(Redemption)
                               .join(PointEntry, PointEntry.id == Redemption.spend_entry_id)
                               .where(PointEntry.idempotency_key == spend_key))
    if replay is not None:
        return RedeemResult(replay, created=False)
    reward = db.session.scalar(available_rewards(person).where(Reward.id == reward_id))
    if reward is None:
        raise ServiceError(_("That reward isn't available in your store."))
    if reward.per_person_limit is not None and held_count(person.id, reward.id) >= reward.per_person_limit:
        raise ServiceError(_("You've already redeemed %(name)s the most times allowed (%(n)d).",
                             name=reward.name, n=reward.per_person_limit))
    if reward.stock is not None:
        taken = db.session.execute(
            sa.update(Reward).where(Reward.id == reward.id, Reward.stock > 0).values(stock=Reward.stock - 1),
            execution_options={"synchronize_session": False}).rowcount
        if taken != 1:
            raise ServiceError(_("Sorry, %(name)s has just run out.", name=reward.name))
    redemption = Redemption(reward_id=reward.id, person_id=person.id, store_id=person.store_id,
                            cost=reward.cost, status=RedemptionStatus.PENDING)
    db.session.add(redemption)
    db.session.flush()
    spent = ledger.spend(person, reward.cost, source_type=SOURCE_TYPE, source_id=redemption.id,
                         reason=reward.name, idempotency_key=spend_key)
    redemption.spend_entry_id = spent.entry.id
    db.session.flush()
    _announce(redemption)
    return RedeemResult(redemption, created=True)


def _move_status(redemption: Redemption, expected: str, new: str, **values) -> None:
    moved = db.session.execute(
        sa.update(Redemption).where(Redemption.id == redemption.id, Redemption.status == expected)
        .values(status=new, **values), execution_options={"synchronize_session": False}).rowcount
    if moved != 1:
        db.session.refresh(redemption)
        raise ServiceError(_("Someone has already dealt with this request: it is now “%(status)s”.",
                             status=redemption.status_label))
    db.session.refresh(redemption)


def approve(actor: Person, redemption: Redemption) -> None:
    """The reward is ready to collect. Flushes; the caller commits."""
    _check_decider(actor, redemption)
    _move_status(redemption, RedemptionStatus.PENDING, RedemptionStatus.APPROVED, decided_by_id=actor.id,
                 decided_at=utcnow())
    audit.record("reward.redemption_approved", actor_id=actor.id, target_type="redemption",
                 target_id=redemption.id, person_id=redemption.person_id, reward_id=redemption.reward_id)
    nudges.send(redemption.person_id, "reward_approved", nudges.path_for("rewards.mine"),
                dedupe_key=f"reward_approved:{redemption.id}", reward=redemption.reward.name,
                redemption_id=redemption.id)
    _announce(redemption)


def fulfil(actor: Person, redemption: Redemption) -> None:
    """The reward has been handed over."""
    _check_decider(actor, redemption)
    _move_status(redemption, RedemptionStatus.APPROVED, RedemptionStatus.FULFILLED, fulfilled_at=utcnow())
    audit.record("reward.redemption_fulfilled", actor_id=actor.id, target_type="redemption",
                 target_id=redemption.id, person_id=redemption.person_id, reward_id=redemption.reward_id)
    _announce(redemption)


def refuse(actor: Person, redemption: Redemption, reason: str) -> None:
    """Say no, with a reason the person will read: their points and the unit of stock come back."""
    _check_decider(actor, redemption)
    reason = required_text(reason, max_length=280, field="reason",
                           required_message=_("Tell them why, so they understand the refusal."),
                           too_long_message=_("Keep the reason under 280 characters."))
    _move_status(redemption, RedemptionStatus.PENDING, RedemptionStatus.REFUSED, decided_by_id=actor.id,
                 decided_at=utcnow(), refusal_reason=reason)
    _give_back(redemption, reason=_("Refused: %(reason)s", reason=reason), by=actor)
    audit.record("reward.redemption_refused", actor_id=actor.id, target_type="redemption",
                 target_id=redemption.id, person_id=redemption.person_id, reward_id=redemption.reward_id,
                 reason=reason)
    nudges.send(redemption.person_id, "reward_refused", nudges.path_for("rewards.mine"),
                dedupe_key=f"reward_refused:{redemption.id}", reward=redemption.reward.name, reason=reason,
                redemption_id=redemption.id)
    _announce(redemption)


def cancel(person: Person, redemption: Redemption) -> None:
    """The person changes their mind while the request still waits."""
    if redemption.person_id != person.id:
        raise ServiceError(_("Only the person who redeemed it can cancel this request."))
    _move_status(redemption, RedemptionStatus.PENDING, RedemptionStatus.CANCELLED, decided_at=utcnow())
    _give_back(redemption, reason=_("Cancelled by you"), by=person)
    _announce(redemption)


def _check_decider(actor: Person, redemption: Redemption) -> None:
    if db.session.scalar(approvable_redemptions(actor).where(Redemption.id == redemption.id)
                         .with_only_columns(Redemption.id)) is None:
        raise ServiceError(_("You can't decide on this request."))


def _give_back(redemption: Redemption, *, reason: str, by: Person) -> None:
    spend_entry = db.session.get(PointEntry, redemption.spend_entry_id)
    refund = ledger.reverse(spend_entry, reason=reason, reversed_by=by)
    redemption.refund_entry_id = refund.id
    # NULL (unlimited) stays NULL.
    db.session.execute(sa.update(Reward).where(Reward.id == redemption.reward_id)
                       .values(stock=Reward.stock + 1), execution_options={"synchronize_session": False})
    db.session.flush()


def _announce(redemption: Redemption) -> None:
    """After commit: the approval queue of the person's store and the person's own list refresh."""
    person_id, store_id = redemption.person_id, redemption.store_id

    def hint() -> None:
        realtime.notify(realtime.person_room(person_id), "redemptions-changed")
        if store_id is not None:
            realtime.notify(realtime.store_room(store_id), "redemptions-changed")

    after_commit(hint)
