"""The demo loader rebuilds the boards from the history and hides one associate; running it again is safe."""

import sqlalchemy as sa

from app.extensions import db
from app.leaderboards.demo import load_leaderboards
from app.leaderboards.models import BoardPrivacy, BoardScore
from tests.leaderboards.conftest import award


def test_load_leaderboards_rebuilds_and_hides_one_person(org):
    award(org.staff, 5)
    db.session.execute(sa.delete(BoardScore))
    load_leaderboards()
    load_leaderboards()
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.sum(BoardScore.points)).where(BoardScore.period == "all")) == 5
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BoardPrivacy)) == 1
