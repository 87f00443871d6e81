"""A few seconds of memory for what every page shows and few things change: the bell's unread count, a
store's team, the rank on the home card. Per process and per app, keyed by whatever the caller names (a
person's id, a store's).

    unread = ShortCache("nudges.unread")
    count = unread.get(person.id, lambda: queries.unread_count(person.id))
    unread.forget_after_commit(person.id)   # in the service that changes it

Rules for a caller:

- A person must see their own change at once: every service that changes the cached value calls
  `forget_after_commit(key)` (forgotten now, and again once the transaction commits, so a neighbouring
  request of this process that read the old rows in between doesn't keep them).
- What other processes change (another worker, a job) shows within `SHORT_CACHE_SECONDS`; say in the
  caller what may be that stale. A live refresh that exists because something changed reads fresh and
  `put`s the value, never `get`s it.
- Keep values small and plain (numbers, frozen dataclasses): they are shared by every request of the
  process, across threads, and must never be ORM objects tied to one request's session.
- A value loaded while anything in its cache was forgotten is returned but not kept. A request of this
  process whose transaction began before the change committed may still keep what it read then, for
  SHORT_CACHE_SECONDS at most.

`SHORT_CACHE_SECONDS` = 0 turns every cache off (each `get` loads)."""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from functools import partial
from typing import Any

from flask import current_app

from app.core.aftercommit import after_commit

DEFAULT_SECONDS = 5
MAX_ENTRIES = 20_000  # per cache: beyond it the least recently stored entries go first
_APP_KEY = "ascent.shortcache"


class _Store:
    def __init__(self):
        self.lock = threading.Lock()
        self.entries: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()
        # Counts forgettings: a value loaded while one happened may predate the change, so it isn't kept.
        self.forgotten = 0


def _drop(store: _Store, key: Hashable) -> None:
    with store.lock:
        store.entries.pop(key, None)
        store.forgotten += 1


def _clear(store: _Store) -> None:
    with store.lock:
        store.entries.clear()
        store.forgotten += 1


class ShortCache:
    """Named once at import time; the entries live on the current app (each test's app starts empty)."""

    def __init__(self, name: str, max_entries: int = MAX_ENTRIES):
        self.name, self.max_entries = name, max_entries

    def _store(self) -> _Store:
        stores = current_app.extensions.setdefault(_APP_KEY, {})
        store = stores.get(self.name)
        if store is None:
            store = stores.setdefault(self.name, _Store())
        return store

    @staticmethod
    def _seconds() -> float:
        return current_app.config.get("SHORT_CACHE_SECONDS", DEFAULT_SECONDS)

    def get(self, key: Hashable, load: Callable[[], Any]) -> Any:
        """The value kept for `key` if younger than SHORT_CACHE_SECONDS, else `load()` (kept)."""
        seconds = self._seconds()
        if seconds <= 0:
            return load()
        store, now = self._store(), time.monotonic()
        with store.lock:
            found = store.entries.get(key)
            forgotten = store.forgotten
        if found is not None and found[0] > now:
            return found[1]
        value = load()  # outside the lock: two threads may both load, and the later one is kept
        self._keep(store, key, value, now + seconds, forgotten)
        return value

    def put(self, key: Hashable, value: Any) -> None:
        """Keep a value just read fresh (a live refresh), so the next page shows the same."""
        seconds = self._seconds()
        if seconds > 0:
            self._keep(self._store(), key, value, time.monotonic() + seconds)

    def _keep(self, store: _Store, key: Hashable, value: Any, until: float, forgotten: int | None = None) -> None:
        with store.lock:
            if forgotten is not None and forgotten != store.forgotten:
                return  # something was forgotten while this loaded: the value may be the old one
            store.entries[key] = (until, value)
            store.entries.move_to_end(key)
            while len(store.entries) > self.max_entries:
                store.entries.popitem(last=False)

    def forget(self, key: Hashable) -> None:
        _drop(self._store(), key)

    def forget_after_commit(self, key: Hashable) -> None:
        """Forget `key` now and once the current transaction commits."""
        store = self._store()
        _drop(store, key)
        after_commit(partial(_drop, store, key))

    def clear(self) -> None:
        _clear(self._store())

    def clear_after_commit(self) -> None:
        """Forget every key now and once the current transaction commits: for a change that touches many
        keys at once (a challenge's stores)."""
        store = self._store()
        _clear(store)
        after_commit(partial(_clear, store))


def forget_everything() -> None:
    """Empty every cache of the current app: a process that has kept nothing yet (tests that count a cold
    request's statements)."""
    for store in list(current_app.extensions.get(_APP_KEY, {}).values()):
        _clear(store)
