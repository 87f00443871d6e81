""""Someone passed you" on the store's week board. Who was passed is worked out in the award's
transaction, the only place that knows the scores before it (app/leaderboards/listeners.py); they are
told after commit, by a job, as challenges tell theirs (app/challenges/jobs.py)."""

from datetime import datetime, timedelta
from functools import partial

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


@job(retries=1)
def tell_overtaken(scorer_id: int, at: datetime, passed: list[tuple[int, int]]) -> int:
    """Tell each (person id, points that take their place back) in `passed` that `scorer_id`'s award at
    `at` passed them: a nudge once a day, and a toast on their open pages. How many were told."""
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
        with force_locale(other.locale):
            message = _("%(name)s just passed you on the store board: %(gap)d points take your place back.",
                        name=scorer.display_name, gap=gap)
        after_commit(partial(notify, person_room(other.id), OVERTAKEN,
                             {"name": scorer.display_name, "gap": gap, "message": message}))
        told += 1
    db.session.commit()
    return told
