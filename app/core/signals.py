"""Signals that let features react to each other without importing each other's internals.

The convention, for every signal here:

- A signal carries one payload, a frozen dataclass declared below with it, holding what its receivers
  need: `points_awarded.send(None, event=PointsAwarded(entry=entry, person=person, lifetime=lifetime))`.
  The sender is always None; `send` refuses any other payload type.
- A receiver is `def on_something(_sender, *, event: Payload) -> None`, connected by its feature's
  `listeners.connect()` (never at import time), which is safe to call twice.
- Receivers run in the order they were connected (blinker on its own keeps them in a set of their ids,
  memory addresses, whose order changes from one process to the next), so the order the features
  connect in is the order they react in.

In-transaction signals fire inside the writer's transaction (badge rules, stage-up): a receiver's
writes commit or roll back with the change that caused them. Side effects that leave the process
(sockets, push) are queued with `app.core.aftercommit.after_commit` instead. Work that should happen once
per event, however many nested signals the event sets off (the journey's stage check), is queued with
`when_settled`."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Hashable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from blinker import NamedSignal

if TYPE_CHECKING:  # core imports nothing from the features at run time: the types are for readers
    from app.badges.models import BadgeDefinition, BadgeGrant
    from app.challenges.models import Challenge
    from app.feedback.models import CompanyValue, Feedback, UpwardMessage
    from app.journey.models import Stage
    from app.missions.models import Mission, MissionAssignment
    from app.org.models import Person
    from app.points.models import PointEntry


# Payloads ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PointsAwarded:
    entry: PointEntry
    person: Person
    lifetime: int  # the person's lifetime total right after this entry (their balance row stays locked)


@dataclass(frozen=True)
class PointsReversed:
    reversal: PointEntry  # the new, opposite entry
    original: PointEntry  # the entry it undoes


@dataclass(frozen=True)
class ActivityRecorded:
    person: Person
    activity: str     # "mission", "training"… the first one of the day is kept
    on: date | None   # the store's today when None


@dataclass(frozen=True)
class StreakExtended:
    """A new active day counted: the streak grew, or started again from 1."""
    person: Person
    current: int  # consecutive active days, this one included


@dataclass(frozen=True)
class PersonCreated:
    person: Person  # new, flushed: onboarding journeys start from here


@dataclass(frozen=True)
class PeopleCreated:
    people: tuple[Person, ...]  # a whole import at once (flushed), so receivers can work in bulk


@dataclass(frozen=True)
class MissionCompleted:
    person: Person
    mission: Mission
    assignment: MissionAssignment


@dataclass(frozen=True)
class KudosGiven:
    kudos: Feedback  # flushed
    giver: Person
    receiver: Person
    value: CompanyValue | None  # the company value it is tagged with
    public: bool                # shown on the receiver's store feed


@dataclass(frozen=True)
class UpwardAnswered:
    message: UpwardMessage  # answered (and `shared` with the author's store, or not)
    answered_by: Person


@dataclass(frozen=True)
class BadgeGranted:
    person: Person
    badge: BadgeDefinition
    grant: BadgeGrant


@dataclass(frozen=True)
class StageReached:
    person: Person
    stage: Stage
    previous: Stage  # the one they left


@dataclass(frozen=True)
class ChallengeWinner:
    id: int              # the winning Person's id, or the Store's in a store challenge
    name: str            # as the feed shows it: the person's display name, or the store's name
    store_id: int | None  # where the win is celebrated: the person's store, or the store itself


@dataclass(frozen=True)
class ChallengeClosed:
    challenge: Challenge
    winners: tuple[ChallengeWinner, ...]  # in rank order


@dataclass(frozen=True)
class KpiMeasurementsSaved:
    store_id: int
    day: date
    kpi_ids: tuple[int, ...]  # sorted


# Signals ---------------------------------------------------------------------------------------------------

class _ReceiverIds:
    """The set blinker keeps receiver ids in, remembering the order they were added: with a plain set,
    blinker calls receivers in the order of their ids (memory addresses), which changes between
    processes. Only what blinker uses of a set."""

    def __init__(self, ids: Iterable[Hashable] = ()) -> None:
        self._ids = dict.fromkeys(ids)

    def add(self, receiver_id: Hashable) -> None:
        self._ids[receiver_id] = None  # connecting again keeps the first place

    def discard(self, receiver_id: Hashable) -> None:
        self._ids.pop(receiver_id, None)

    def copy(self) -> _ReceiverIds:
        return _ReceiverIds(self._ids)

    def __or__(self, other: Iterable[Hashable]) -> _ReceiverIds:
        return _ReceiverIds([*self._ids, *other])

    def __iter__(self) -> Iterator[Hashable]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, receiver_id: object) -> bool:
        return receiver_id in self._ids


class EventSignal(NamedSignal):
    """A signal with one payload type, calling its receivers in the order they were connected."""

    set_class = _ReceiverIds

    def __init__(self, name: str, payload: type) -> None:
        super().__init__(name, doc=f"Sent with event={payload.__name__}(...).")
        self.payload = payload

    def send(self, sender: Any = None, /, *, event: Any, **kwargs: Any) -> list[tuple[Callable, Any]]:
        if sender is not None or kwargs or not isinstance(event, self.payload):
            raise TypeError(f"send {self.name!r} as send(None, event={self.payload.__name__}(...))")
        with settling():
            return super().send(None, event=event)


points_awarded = EventSignal("points-awarded", PointsAwarded)
points_reversed = EventSignal("points-reversed", PointsReversed)
activity_recorded = EventSignal("activity-recorded", ActivityRecorded)
streak_extended = EventSignal("streak-extended", StreakExtended)
person_created = EventSignal("person-created", PersonCreated)
people_created = EventSignal("people-created", PeopleCreated)
mission_completed = EventSignal("mission-completed", MissionCompleted)
kudos_given = EventSignal("kudos-given", KudosGiven)
upward_answered = EventSignal("upward-answered", UpwardAnswered)
badge_granted = EventSignal("badge-granted", BadgeGranted)
stage_reached = EventSignal("stage-reached", StageReached)
challenge_closed = EventSignal("challenge-closed", ChallengeClosed)
kpi_measurements_saved = EventSignal("kpi-measurements-saved", KpiMeasurementsSaved)


# Once per event --------------------------------------------------------------------------------------------

@dataclass
class _Settling:
    depth: int = 0
    pending: dict[Hashable, Callable[[], None]] = field(default_factory=dict)


_settling: ContextVar[_Settling | None] = ContextVar("ascent_signals_settling", default=None)


@contextlib.contextmanager
def settling() -> Iterator[None]:
    """One event, however many signals it sends: what `when_settled` queues inside runs once, at the end.
    Every `send` opens one (a send inside it, by a receiver, joins it); a sender whose one event is several
    signals (a mission completion pays points, then sends mission_completed and activity_recorded) wraps
    them in one of its own."""
    state = _settling.get()
    if state is None:
        state = _Settling()
        _settling.set(state)
    state.depth += 1
    try:
        yield
    except BaseException:
        if state.depth == 1:
            state.pending.clear()  # the event failed: its caller rolls back what the callbacks would check
        raise
    finally:
        state.depth -= 1
    if state.depth == 0:
        _run_pending(state)


def _run_pending(state: _Settling) -> None:
    state.depth += 1  # a signal a callback sends queues into this loop, not into a loop of its own
    try:
        while state.pending:
            key = next(iter(state.pending))
            state.pending.pop(key)()
    except BaseException:
        state.pending.clear()
        raise
    finally:
        state.depth -= 1


def when_settled(key: Hashable, make: Callable[[], Callable[[], None]]) -> Callable[[], None]:
    """Queue a callback to run once the event being sent has reached every receiver, the receivers of
    the signals it set off included (now, when no signal is being sent). The first callback queued under
    `key` stands and is returned: `make` builds it only when none is queued yet."""
    state = _settling.get()
    if state is None or state.depth == 0:
        callback = make()
        callback()
        return callback
    if key not in state.pending:
        state.pending[key] = make()
    return state.pending[key]
