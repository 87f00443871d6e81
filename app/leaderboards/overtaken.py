""""Someone passed you" on the store's week board. Who was passed is worked out in the award's
transaction, the only place that knows the scores before it (app/leaderboards/listeners.py). Everything
leaves after commit: the toast on their open pages at once (a live hint, like the board's own update), the
nudge by a job, as challenges tell theirs (app/challenges/jobs.py)."""

from datetime import datetime, timedelta
from functools import partial

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import nudges
from app.core.aftercommit import after_commit
from app.core.realtime import notify, person_room
from app.core.timezones import local_date, zone_for
from app.extensions import db
from app.jobs import job
from app.org.models import Person, Role

OVERTAKEN = "overtaken"

nudges.register_nudge_type(
    OVERTAKEN, label=_l("Someone passes me on the store board"),
    title=_l("%(name)s just passed you"), body=_l("%(gap)s points take your place back on this week's board."),
    tag="overtaken", fresh_for=timedelta(hours=2), roles=(Role.STAFF, Role.STORE_MANAGER), order=70)


def announce(scorer: Person, at: datetime, passed: list[tuple[int, int]]) -> None:
    """In the award's transaction: queue, for after commit, a toast to each (person id, points that take
    their place back) in `passed`, in their language, and the job that nudges them."""
    people = db.session.scalars(sa.select(Person).where(Person.id.in_([person_id for person_id, _gap in passed])))
    gaps = dict(passed)
    for other in people:
        with force_locale(other.locale):
            message = _("%(name)s just passed you on the store board: %(gap)d points take your place back.",
                        name=scorer.display_name, gap=gaps[other.id])
        after_commit(partial(notify, person_room(other.id), OVERTAKEN,
                             {"name": scorer.display_name, "gap": gaps[other.id], "message": message}))
    after_commit(partial(tell_overtaken, scorer.id, at, passed))


@job(retries=1)
def tell_overtaken(scorer_id: int, at: datetime, passed: list[tuple[int, int]]) -> int:
    """Nudge each (person id, points that take their place back) in `passed` that `scorer_id`'s award at
    `at` passed them, once a day. How many were told."""
    scorer = db.session.get(Person, scorer_id)
    if scorer is None:
        return 0
    told = 0
    for person_id, gap in passed:
        other = db.session.get(Person, person_id)
        if other is None:
            continue
        day = local_date(at, zone_for(other))
        nudges.send(other.id, OVERTAKEN, nudges.path_for("leaderboards.board"),
                    dedupe_key=f"{OVERTAKEN}:{other.id}:{day.isoformat()}", name=scorer.display_name, gap=gap)
        told += 1
    db.session.commit()
    return told
