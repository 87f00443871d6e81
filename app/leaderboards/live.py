""""This board changed" hints over Socket.IO, coalesced per room.

Under a burst of awards (a till closing the day, a challenge paying out) each room hears at most one
"board-changed" per interval: the first change goes out at once, later ones within the interval are
folded into one hint sent when it ends, so a page is never more than one interval late. In-process:
with several workers each coalesces its own awards, which still bounds what a page receives."""

import threading
import time

from app.core.realtime import notify
from app.extensions import socketio

EVENT = "board-changed"
DEFAULT_INTERVAL = 0.3  # seconds: short enough to feel live, long enough to fold a burst

_lock = threading.Lock()
_last_sent: dict[str, float] = {}
_pending: set[str] = set()
_generation = 0  # bumped by reset(): a hint scheduled before it is dropped


def board_changed(rooms, interval: float = DEFAULT_INTERVAL) -> None:
    """Tell each room that a board it shows changed (call after commit)."""
    for room in rooms:
        _hint(room, interval)


def _hint(room: str, interval: float) -> None:
    now = time.monotonic()
    with _lock:
        if room in _pending:
            return  # a hint is already on its way and will cover this change
        wait = _last_sent.get(room, float("-inf")) + interval - now
        if wait > 0:
            _pending.add(room)
        else:
            _last_sent[room] = now
    if wait > 0:
        socketio.start_background_task(_send_later, room, wait, _generation)
    else:
        notify(room, EVENT)


def _send_later(room: str, wait: float, generation: int) -> None:
    socketio.sleep(wait)
    with _lock:
        if generation != _generation:
            return
        _pending.discard(room)
        _last_sent[room] = time.monotonic()
    notify(room, EVENT)


def reset() -> None:
    """Forget what was sent and drop what waits (tests)."""
    global _generation
    with _lock:
        _generation += 1
        _last_sent.clear()
        _pending.clear()
