"""Boards for the demo chain: the period scores rebuilt from the points history (which is stamped
back in time after it is written), and one associate who keeps off the district and company boards."""

import sqlalchemy as sa

from app.extensions import db
from app.leaderboards.models import BoardPrivacy
from app.leaderboards.scores import rebuild_scores, set_hidden
from app.org.models import Person, Role


def load_leaderboards() -> None:
    """Safe to run again: the rebuild replaces the scores; the privacy choice is set once."""
    rebuild_scores()
    if db.session.scalar(sa.select(sa.func.count()).select_from(BoardPrivacy)):
        return
    demo_staff = db.session.scalar(sa.select(Person).where(Person.email == "staff@demo.ascent"))
    # A colleague in another store, so the demo associate's district board shows one name fewer.
    shy = db.session.scalar(
        sa.select(Person).where(Person.role == Role.STAFF, Person.active.is_(True),
                                Person.store_id != (demo_staff.store_id if demo_staff else -1))
        .order_by(Person.id).limit(1))
    if shy is not None:
        set_hidden(shy, True)
    db.session.flush()
