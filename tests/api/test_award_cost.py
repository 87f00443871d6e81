"""What one API award costs, and that the shortened path still moves everything an award moves.

The award path was cut from 28 statements to 14 (issue 8: ≥ 500 awards/s): the ledger, balance and board
writes return what the receivers used to read back, the idempotency record is written once the award
has paid, and the answer is built before commit. Then to 10 (issue 15): badge rules, stages, running
challenges and API tokens are kept by the process behind one version check (app/core/definitions.py), and
the person is read with what their key already recorded.
These tests keep it that way."""

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
    assert new_key.count <= 10, "\n".join(new_key.statements)
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


def test_statements_per_award_do_not_grow_with_badges_or_challenges(app, api, org, journey_defaults,
                                                                    count_queries):
    """Badge rules, stages and running challenges are kept by the process (app/core/definitions.py): an
    award reads none of them, however many there are. (The challenges run in other stores: one in the
    receiver's store queues its standings job, which runs off the request.)"""
    from app.badges.models import BadgeDefinition, Criterion
    from tests.challenges.helpers import make_challenge

    app.config.update(POINTS_MAX_PER_AWARD=5000, POINTS_DAILY_CAP=100_000)
    _award(api, 3000, "veteran")  # past every lifetime badge and points threshold: the rules are all checked

    def counted(key: str) -> list[str]:
        with count_queries() as counter:
            _award(api, 5, key)
        return counter.statements

    before = counted("before")
    for n in range(20):
        db.session.add(BadgeDefinition(key=f"extra-{n}", name=f"Extra {n}", image="star.svg",
                                       criterion=Criterion.LIFETIME_POINTS, threshold=100_000 + n))
        make_challenge([org.sibling_store if n % 2 else org.other_store])
    db.session.commit()
    counted("reload")  # the first award after the change reads the definitions again, once
    after = counted("after")
    assert len(after) == len(before), "\n".join(after)
    # Someone past every badge threshold and near a stage that needs badges: what they hold and where
    # they stand come with the person, so they cost no more than a newcomer's award.
    assert len(after) <= 10, "\n".join(after)
