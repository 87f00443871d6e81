"""Challenge jobs: the periodic tick that starts, warns and closes challenges by their dates, and the
"someone passed you" check after a points award (queued after commit by app/challenges/listeners.py).

The tick is safe to run twice, even at the same moment on two consumers: each status change is a guarded
update that only one run wins (see lifecycle)."""

from datetime import datetime

import sqlalchemy as sa
from huey import crontab

from app.challenges import lifecycle, nudging, queries, standings
from app.challenges.models import Challenge, Kind, Metric, Status, challenge_stores
from app.core.definitions import Definitions
from app.core.models import utcnow
from app.extensions import db
from app.jobs import job, periodic_job
from app.org.models import Person
from app.points.models import PointEntry


@periodic_job(crontab(minute="*/5"))
def tick_challenges() -> dict:
    result = lifecycle.tick(utcnow())
    return {"started": result.started, "ending": result.ending, "closed": result.closed}


# Overtaken ------------------------------------------------------------------------------------------------

def running_points_challenges(store_id: int) -> sa.Select:
    return (sa.select(Challenge.id)
            .join(challenge_stores, challenge_stores.c.challenge_id == Challenge.id)
            .where(challenge_stores.c.store_id == store_id, Challenge.status == Status.RUNNING,
                   Challenge.kind == Kind.INDIVIDUAL, Challenge.metric == Metric.POINTS))


def _load_running_stores() -> frozenset[int]:
    return frozenset(db.session.scalars(
        sa.select(challenge_stores.c.store_id).join(Challenge, challenge_stores.c.challenge_id == Challenge.id)
        .where(Challenge.status == Status.RUNNING, Challenge.kind == Kind.INDIVIDUAL,
               Challenge.metric == Metric.POINTS).distinct()))


# Every award asks whether its store runs a points challenge: the answer is kept by the process, and read
# again only after a challenge changes (it starts, closes, or is edited; app/core/definitions.py).
RUNNING_STORES = Definitions("challenges.running_stores", _load_running_stores,
                             tables=("challenges", "challenge_stores"))


def runs_points_challenge(store_id: int) -> bool:
    return store_id in RUNNING_STORES.get()


@job(retries=1)
def check_overtaken(entry_id: int) -> int:
    """Nudge the people the awarded person has just passed, once a day per challenge."""
    entry = db.session.get(PointEntry, entry_id)
    if entry is None or entry.store_id is None:
        return 0
    sent = 0
    for challenge_id in db.session.scalars(running_points_challenges(entry.store_id)):
        challenge = db.session.get(Challenge, challenge_id)
        sent += overtaken_in(challenge, entry)
    db.session.commit()
    return sent


def overtaken_in(challenge: Challenge, entry: PointEntry, now: datetime | None = None) -> int:
    if not standings.window_start(challenge) <= entry.created_at <= challenge.ends_at:
        return 0
    current = standings.compute(challenge, now)
    mine, _ahead = standings.position_of(current, entry.person_id)
    if mine is None:
        return 0
    # The nudge names the passer: not to others when they hide from boards across stores.
    if not queries.shown_lines(challenge, [mine], None):
        return 0
    before = mine.score - entry.amount
    passer = db.session.get(Person, entry.person_id)
    day = standings.local_day(challenge, entry.created_at).isoformat()
    sent = 0
    for other in current:
        if other.entrant_id == entry.person_id or not other.score:
            continue
        if before <= other.score < mine.score:
            nudging.overtaken(challenge, other.entrant_id, passer.display_name, day)
            sent += 1
    return sent
