"""A job whose worker dies mid-run runs again.

Huey takes a task off the queue before running it and has no acknowledgement, so a consumer killed
mid-job (kill -9, out of memory, a host going down) would lose it. Each job a consumer runs leaves a claim
in the queue's own storage (Huey's key-value store: the same Redis or SQLite file as the queue) naming
the process running it: written before the job starts, removed once it has finished (done, failed, or
put back on the schedule to retry). A consumer starting up queues again every claim whose process is
gone. Jobs are idempotent (app.jobs), so one that died after committing but before its claim was removed
runs a second time harmlessly.

Whether the process is gone: on this host, its pid is no longer running (or is ours: a restarted
container reuses pid 1). A claim from another host can't be checked, so it counts as abandoned once older
than STALE_AFTER: no job here runs that long."""

import logging
import os
import pickle
import socket
import time
import uuid

from huey.constants import EmptyData

from app.jobs.queue import huey

log = logging.getLogger("app.jobs")

PREFIX = "ascent.claim:"
STALE_AFTER = 60 * 60  # seconds
_THIS_CONSUMER = uuid.uuid4().hex  # tells our claims from a dead process's that had our pid


def _key(task) -> str:
    return PREFIX + task.id


@huey.pre_execute(name="ascent_claim")
def claim(task) -> None:
    if huey.immediate:
        return  # run inline by the caller: nothing to lose
    huey.storage.put_data(_key(task), pickle.dumps({
        "host": socket.gethostname(), "pid": os.getpid(), "consumer": _THIS_CONSUMER, "since": time.time(),
        "message": huey.serialize_task(task)}))


@huey.post_execute(name="ascent_release")
def release(task, _value, _exception) -> None:
    if huey.immediate:
        return
    huey.storage.delete_data(_key(task))


def _pid_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def abandoned(owner: dict, now: float | None = None) -> bool:
    if owner["host"] == socket.gethostname():
        if owner["pid"] == os.getpid():
            return owner["consumer"] != _THIS_CONSUMER
        return not _pid_running(owner["pid"])
    return (now or time.time()) - owner["since"] > STALE_AFTER


def requeue_abandoned() -> int:
    """Queue again the jobs whose consumer died while running them; returns how many. Call when a consumer
    starts. Two consumers starting together can't both take one: the claim is popped before queueing."""
    requeued = 0
    for key, value in huey.storage.result_items().items():
        if not key.startswith(PREFIX):
            continue
        try:
            owner = pickle.loads(value)  # noqa: S301 - written by claim() above, in the queue's own storage
        except Exception:
            log.exception("unreadable job claim %s: dropped", key)
            huey.storage.delete_data(key)
            continue
        if not abandoned(owner):
            continue
        if huey.storage.pop_data(key) is EmptyData:
            continue  # finished meanwhile, or another consumer took it
        task = huey.deserialize_task(owner["message"])
        huey.enqueue(task)
        requeued += 1
        log.warning("job %s (%s) was running in process %s on %s, which stopped before it finished: "
                    "queued again", type(task).__name__, task.id, owner["pid"], owner["host"])
    return requeued
