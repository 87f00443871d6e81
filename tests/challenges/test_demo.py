"""The demo challenges load on top of the demo chain (the slow points history left out), and only once."""

import sqlalchemy as sa

from app.challenges.demo import load_challenges
from app.challenges.models import Challenge, ChallengeResult, Status
from app.extensions import db
from app.org.demo import load_org


def test_demo_challenges_load_once(app):
    load_org()
    db.session.commit()
    assert load_challenges() == 3
    db.session.commit()
    statuses = sorted(db.session.scalars(sa.select(Challenge.status)))
    assert statuses == [Status.CLOSED, Status.RUNNING, Status.RUNNING]
    assert db.session.scalar(sa.select(sa.func.count(ChallengeResult.id))) > 0
    assert load_challenges() == 0
