""""This board changed" hints over Socket.IO: to the pages showing that board, coalesced per board, sent by
one thread per process.

Rooms. A board's hints go to its watch room ("board-changed@store:4", app.core.realtime.watch_room), which
a socket joins only while its page shows that board (data-live-watch on the board, the home card, a TV).
The access rooms (store, district, company) would reach every open page of the company on every award.
Who may watch: anyone whose socket sits in the board's access room, and whoever may open the board
(access.resolve: a district manager looking at one of their stores).

Coalescing. Under a burst of awards (a till closing the day, a challenge paying out) each board hears at
most one hint per interval: the first change goes out at once, later ones within the interval are folded
into one hint sent when it ends, so a page is never more than one interval late.

The sends. Each hint reaches every page watching the board, a thousand sends for a big store; done in the
award's request thread they held the award's answer (and the next award) back. The request only puts the
board on a queue; the emitter thread takes it from there. Per process: with several web processes (Redis
message queue) or a job worker each coalesces its own awards, which still bounds what a page receives."""

import atexit
import logging
import os
import queue
import threading
import time

from app.core import realtime
from app.core.realtime import notify
from app.leaderboards import access

EVENT = "board-changed"
DEFAULT_INTERVAL = 0.3  # seconds: short enough to feel live, long enough to fold a burst

log = logging.getLogger(__name__)


def access_room(kind: str, scope_id: int | None) -> str:
    if kind == access.STORE:
        return realtime.store_room(scope_id)
    if kind == access.DISTRICT:
        return realtime.district_room(scope_id)
    return realtime.COMPANY_ROOM


def watch_room(kind: str, scope_id: int | None) -> str:
    """The room of the pages showing this board (any period: an award moves all three)."""
    return realtime.watch_room(EVENT, access_room(kind, scope_id))


def may_watch(person, room: str) -> bool:
    """Whether `person` may watch the board of `room` beyond their own access rooms: whenever they may
    open it."""
    if room == realtime.COMPANY_ROOM:
        return True
    kind, _, number = room.partition(":")
    if kind not in (access.STORE, access.DISTRICT) or not number.isdigit():
        return False
    return access.resolve(person, kind, int(number)) is not None


realtime.register_watch_rule(EVENT, may_watch)


def board_changed(rooms, interval: float = DEFAULT_INTERVAL) -> None:
    """Tell the pages showing the boards of these access rooms that they changed (call after commit).
    Returns at once: the emitter thread sends."""
    emitter = _running_emitter()
    generation = _state.generation
    for room in rooms:
        emitter.put((realtime.watch_room(EVENT, room), interval, generation))


def reset() -> None:
    """Forget what was sent and drop what waits (tests)."""
    _state.generation += 1


# -- The emitter --------------------------------------------------------------------------------------

class _State:
    def __init__(self) -> None:
        self.inbox: queue.SimpleQueue = queue.SimpleQueue()
        self.thread: threading.Thread | None = None
        self.generation = 0  # bumped by reset(): a hint queued or waiting before it is dropped
        self.flushed = threading.Event()


_state = _State()
_start_lock = threading.Lock()
_FLUSH = object()  # at exit: send what waits now, later is never


def _running_emitter() -> queue.SimpleQueue:
    thread = _state.thread
    if thread is None or not thread.is_alive():
        with _start_lock:
            if _state.thread is None or not _state.thread.is_alive():
                # A plain daemon thread, not socketio.start_background_task: the job worker and the CLI
                # emit through a write-only client manager, which has no server to start tasks.
                _state.thread = threading.Thread(target=_run, args=(_state.inbox,), name="board-hints",
                                                 daemon=True)
                _state.thread.start()
    return _state.inbox


def _run(inbox: queue.SimpleQueue) -> None:
    last_sent: dict[str, float] = {}
    due: dict[str, float] = {}  # room -> when its folded hint leaves
    seen = _state.generation
    while True:
        timeout = max(0.0, min(due.values()) - time.monotonic()) if due else None
        batch = _take(inbox, timeout)
        if _state.generation != seen:
            seen = _state.generation
            last_sent.clear()
            due.clear()
        flush = _FLUSH in batch
        now = time.monotonic()
        ready = []
        for item in batch:
            if item is _FLUSH:
                continue
            room, interval, generation = item
            if generation != seen or room in due:
                continue  # queued before a reset; or a hint already waits and will cover this change
            if last_sent.get(room, float("-inf")) + interval <= now:
                ready.append(room)
                last_sent[room] = now
            else:
                due[room] = last_sent[room] + interval
        for room, when in list(due.items()):
            if when <= now or flush:
                ready.append(room)
                last_sent[room] = now
                del due[room]
        for room in ready:
            _send(room)
        if flush:
            _state.flushed.set()


def _take(inbox: queue.SimpleQueue, timeout: float | None) -> list:
    """What waits on the queue, blocking up to `timeout` for the first: a burst is handled in one pass."""
    try:
        batch = [inbox.get(timeout=timeout)]
    except queue.Empty:
        return []
    while True:
        try:
            batch.append(inbox.get_nowait())
        except queue.Empty:
            return batch


def _send(room: str) -> None:
    try:
        notify(room, EVENT)
    except Exception:  # a dropped hint costs a page one refresh; a dead thread would cost every later one
        log.exception("board hint to %s failed", room)


def _flush_at_exit() -> None:
    """A CLI command or job process that awarded points and exits: send the folded hints first."""
    thread = _state.thread
    if thread is not None and thread.is_alive():
        _state.inbox.put(_FLUSH)
        _state.flushed.wait(timeout=2.0)


def _forget_after_fork() -> None:
    """A forked child (a gunicorn worker) has the parent's queue and lock but not its thread: start afresh."""
    global _state, _start_lock
    _state, _start_lock = _State(), threading.Lock()


atexit.register(_flush_at_exit)
os.register_at_fork(after_in_child=_forget_after_fork)
