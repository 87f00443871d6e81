"""Reward-rule bypasses through challenge prizes: a store manager's prize paying each associate 1,000 past
the per-award maximum and the daily cap, a prize above the company maximum, a prize won by the challenge's
own author, and a manager raising HR's prize. The rules live in app.points.ledger."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from flask import url_for

from app.badges.models import BadgeDefinition, BadgeGrant
from app.challenges import authoring, lifecycle
from app.challenges.authoring import ChallengeDraft, DraftError
from app.challenges.models import Challenge, Kind
from app.extensions import db
from app.points import ledger, limits
from app.points.models import PointEntry
from tests.challenges.helpers import ago, earn, make_challenge


@pytest.fixture
def caps(app):
    app.config.update(POINTS_MAX_PER_AWARD=200, POINTS_DAILY_CAP=300)


def _tomorrow() -> date:
    return datetime.now(ZoneInfo("Europe/Rome")).date() + timedelta(days=1)


def _draft(**overrides) -> ChallengeDraft:
    values = {"title": "Saturday sprint", "reward_points": 30, "starts_on": _tomorrow(),
              "ends_on": _tomorrow() + timedelta(days=6)}
    values.update(overrides)
    return ChallengeDraft(**values)


def _prizes(challenge: Challenge) -> dict[int, int]:
    return dict(db.session.execute(sa.select(PointEntry.person_id, PointEntry.amount).where(
        PointEntry.source_type == "challenge", PointEntry.source_id == str(challenge.id))).all())


def test_store_manager_prize_above_the_per_award_maximum_is_refused(org, caps):
    with pytest.raises(DraftError) as refused:
        authoring.create_challenge(org.sm, _draft(store_id=org.store.id, reward_points=1000))
    assert "between 0 and 200" in refused.value.problems["reward_points"][0]
    assert authoring.create_challenge(org.sm, _draft(store_id=org.store.id, reward_points=200)).reward_points == 200


def test_hr_prize_above_the_company_maximum_is_refused(org):
    with pytest.raises(DraftError) as refused:
        authoring.create_challenge(org.hr, _draft(audience="all", reward_points=501))
    assert "between 0 and 500" in refused.value.problems["reward_points"][0]
    limits.save(org.hr, mission_max=200, prize_max=800)
    assert authoring.create_challenge(org.hr, _draft(audience="all", reward_points=800)).reward_points == 800


def test_store_manager_prize_pays_within_the_per_award_maximum_and_daily_cap(org, caps):
    """A store manager's 1,000-point prize (written before the rules, or straight into the table) paid each
    winner 1,000. The ledger now pays it like the manager's own award: at most 200, within the cap."""
    challenge = make_challenge([org.store], created_by=org.sm, winners=2, reward_points=1000,
                               ends_at=ago(minutes=1))
    earn(org.staff, 20, ago(hours=3))
    earn(org.colleague, 10, ago(hours=3))
    earn(org.colleague, 250, source_type="api")  # today's sales: 260 of the colleague's 300 already used
    db.session.commit()
    assert lifecycle.close_challenge(challenge.id)
    db.session.commit()
    assert _prizes(challenge) == {org.staff.id: 200, org.colleague.id: 40}
    assert ledger.verify() == []


def test_challenge_author_in_the_winning_store_gets_no_prize(org, journey_defaults):
    """A store challenge pays everyone in the winning store: never its author, points or badge."""
    badge = db.session.scalar(sa.select(BadgeDefinition).where(BadgeDefinition.key == "store_champion"))
    challenge = make_challenge([org.store, org.sibling_store], created_by=org.sm, kind=Kind.STORES, winners=1,
                               reward_points=40, badge=badge, ends_at=ago(minutes=1))
    earn(org.staff, 50, ago(hours=2))
    db.session.commit()
    assert lifecycle.close_challenge(challenge.id)
    db.session.commit()
    assert _prizes(challenge) == {org.staff.id: 40, org.colleague.id: 40}
    grants = set(db.session.scalars(sa.select(BadgeGrant.person_id).where(BadgeGrant.badge_id == badge.id)))
    assert grants == {org.staff.id, org.colleague.id}


def test_challenge_author_is_told_the_prize_is_not_theirs(client, sign_in, org):
    challenge = make_challenge([org.store], created_by=org.sm, reward_points=50)
    db.session.commit()
    sign_in(org.sm)
    page = client.get(url_for("challenges.detail", challenge_id=challenge.id)).get_data(as_text=True)
    assert "never for you: you created this challenge" in page
    sign_in(org.staff)
    page = client.get(url_for("challenges.detail", challenge_id=challenge.id)).get_data(as_text=True)
    assert "never for you" not in page


def test_manager_cannot_raise_the_prize_of_an_hr_challenge(org):
    challenge = authoring.create_challenge(org.hr, _draft(audience="store", store_id=org.store.id,
                                                          reward_points=30))
    challenge.created_by_id = org.hr.id
    with pytest.raises(DraftError) as refused:
        authoring.update_challenge(org.dm, challenge, _draft(audience="store", store_id=org.store.id,
                                                             reward_points=200))
    assert "Only HR can change the prize" in refused.value.problems["reward_points"][0]
