"""What one API award costs, and that the shortened path still moves everything an award moves.

The award path was cut from 28 statements to 14 (issue 8: ≥ 500 awards/s): the ledger, balance and board
writes return what the receivers used to read back, the idempotency record is written once the award
has paid, and the answer is built before commit. These tests keep it that way."""

import sqlalchemy as sa

from app.badges.models import BadgeGrant
from app.extensions import db
from app.journey.models import PersonStage, Stage
from app.leaderboards import periods
from app.leaderboards.models import BoardScore
from app.points import ledger
from app.points.models import PointEntry

BODY = {"employee_number": "E1001", "points": 5, "reason": "Loyalty card sign-up", "source": "till-3"}


def _award(api, points: int, key: str):
    response = api.award({**BODY, "points": points}, key=key)
    assert response.status_code in (200, 201), response.get_data(as_text=True)
    return response


def test_an_award_and_its_replay_cost_a_fixed_number_of_statements(api, org, journey_defaults, count_queries):
    _award(api, 5, "warm-up")  # the token's once-a-minute "last used" write happens here
    with count_queries() as new_key:
        _award(api, 5, "counted")
    with count_queries() as replay:
        assert _award(api, 5, "counted").status_code == 200
    # SQLite also counts its BEGIN IMMEDIATE; PostgreSQL begins implicitly, one statement fewer.
    assert new_key.count <= 14, "\n".join(new_key.statements)
    assert replay.count <= 5, "\n".join(replay.statements)


def test_awards_move_balance_boards_badges_and_stage_as_before(app, api, org, journey_defaults):
    app.config.update(POINTS_MAX_PER_AWARD=1000, POINTS_DAILY_CAP=10_000)
    staff_id = org.staff.id
    first = _award(api, 160, "a-160").get_json()  # past the 50-point badge and the 150-point stage
    _award(api, 350, "a-350")  # past 500: "Rising star" pays 20 more points through the ledger
    db.session.expire_all()
    assert ledger.balances(staff_id) == (530, 530)
    assert ledger.verify() == []
    boards = {period: points for period, points in db.session.execute(
        sa.select(BoardScore.period, BoardScore.points).where(BoardScore.person_id == staff_id))}
    assert boards == {periods.WEEK: 530, periods.MONTH: 530, periods.ALL_TIME: 530}
    badge_sources = db.session.scalars(sa.select(PointEntry.source_type).where(PointEntry.person_id == staff_id)
                                       .order_by(PointEntry.id)).all()
    assert badge_sources == ["api", "api", "badge"]
    assert db.session.scalar(sa.select(sa.func.count(BadgeGrant.id)).where(BadgeGrant.person_id == staff_id)) == 2
    stage_key = db.session.scalar(sa.select(Stage.key).join(PersonStage, PersonStage.stage_id == Stage.id)
                                  .where(PersonStage.person_id == staff_id))
    assert stage_key == "engagement"
    assert first["person"] == {"id": staff_id, "employee_number": "E1001"}
