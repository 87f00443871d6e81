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
from sqlalchemy.orm import joinedload

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


# Built once: every award that passes someone reads who they are.
_LOCALES = sa.select(Person.id, Person.locale).where(Person.id.in_(sa.bindparam("ids", expanding=True)))


def announce(scorer: Person, at: datetime, passed: list[tuple[int, int]]) -> None:
    """In the award's transaction: queue, for after commit, a toast to each (person id, points that take
    their place back) in `passed`, in their language, and the one job that nudges them all. Their
    languages are read here, in one query; the toasts are written after commit, once per language."""
    locales = dict(db.session.execute(_LOCALES, {"ids": [person_id for person_id, _gap in passed]}).all())
    toasts = [(person_id, gap, locales[person_id]) for person_id, gap in passed if person_id in locales]
    after_commit(partial(_toast, scorer.display_name, toasts))
    after_commit(partial(tell_overtaken, scorer.id, at, passed))


def _toast(name: str, toasts: list[tuple[int, int, str]]) -> None:
    by_locale: dict[str, list[tuple[int, int]]] = {}
    for person_id, gap, locale in toasts:
        by_locale.setdefault(locale, []).append((person_id, gap))
    for locale, people in by_locale.items():
        with force_locale(locale):
            for person_id, gap in people:
                message = _("%(name)s just passed you on the store board: %(gap)d points take your place back.",
                            name=name, gap=gap)
                notify(person_room(person_id), OVERTAKEN, {"name": name, "gap": gap, "message": message})


@job(retries=1)
def tell_overtaken(scorer_id: int, at: datetime, passed: list[tuple[int, int]]) -> int:
    """Nudge each (person id, points that take their place back) in `passed` that `scorer_id`'s award at
    `at` passed them, once a day: one query for the people, one insert for the nudges. How many were told."""
    scorer = db.session.get(Person, scorer_id)
    if scorer is None:
        return 0
    gaps = dict(passed)
    people = db.session.scalars(sa.select(Person).options(joinedload(Person.store))
                                .where(Person.id.in_(gaps)).order_by(Person.id))
    url = nudges.path_for("leaderboards.board")
    batch = [nudges.Nudge(other.id, OVERTAKEN, url,
                          dedupe_key=f"{OVERTAKEN}:{other.id}:{local_date(at, zone_for(other)).isoformat()}",
                          params={"name": scorer.display_name, "gap": gaps[other.id]})
             for other in people]
    nudges.send_many(batch)
    db.session.commit()
    return len(batch)
