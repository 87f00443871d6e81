"""Challenges follow the ledger: an award in a store with a running points challenge may pass someone
there. Who is worked out by a job after commit (app/challenges/jobs.py), off the award's path. And any
challenge written through the ORM forgets the stores' kept "none running" (queries.forget_running_stores);
the lifecycle's guarded UPDATEs forget it themselves."""

from functools import partial

from sqlalchemy import event

from app.challenges import jobs, queries, standings
from app.challenges.models import Challenge
from app.core.aftercommit import after_commit
from app.core.signals import PointsAwarded, points_awarded


def on_points_awarded(_sender, *, event: PointsAwarded) -> None:
    entry = event.entry
    if entry.source_type == standings.PRIZE_SOURCE or entry.store_id is None:
        return
    # The stores running a points challenge are kept by the process; the standings are computed later,
    # off the request.
    if not jobs.runs_points_challenge(entry.store_id):
        return
    after_commit(partial(jobs.check_overtaken, entry.id))


def _challenge_changed(_mapper, _connection, _challenge) -> None:
    queries.forget_running_stores()


def connect() -> None:
    points_awarded.connect(on_points_awarded)
    for change in ("after_insert", "after_update", "after_delete"):
        if not event.contains(Challenge, change, _challenge_changed):
            event.listen(Challenge, change, _challenge_changed)
