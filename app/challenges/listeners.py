"""Challenges follow the ledger: an award in a store with a running points challenge may pass someone
there. Who is worked out by a job after commit (app/challenges/jobs.py), off the award's path."""

from functools import partial

from app.challenges import jobs, standings
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


def connect() -> None:
    points_awarded.connect(on_points_awarded)
