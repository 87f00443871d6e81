import pytest
import sqlalchemy as sa

from app.badges.models import BadgeGrant
from app.extensions import db
from app.journey.demo import load_journey
from app.journey.models import PersonStage, StageChange
from app.journey.queries import journey_for
from app.org.demo import load_org
from app.org.models import Person
from app.streaks.queries import streak_status


@pytest.mark.slow
def test_demo_journey(app):
    load_org()
    assert load_journey() > 0
    db.session.commit()
    sara = db.session.scalar(sa.select(Person).where(Person.email == "staff@demo.ascent"))
    journey = journey_for(sara)
    assert journey.current.key == "engagement"
    assert 40 <= journey.percent <= 90
    assert streak_status(sara).current >= 5
    held = db.session.scalar(sa.select(sa.func.count(BadgeGrant.id)).where(BadgeGrant.person_id == sara.id))
    assert held >= 3
    unseen = db.session.scalar(sa.select(sa.func.count(BadgeGrant.id)).where(
        BadgeGrant.person_id == sara.id, BadgeGrant.seen_at.is_(None)))
    assert unseen == 1  # one celebration waiting for her first visit
    leaders = db.session.scalar(sa.select(sa.func.count()).select_from(PersonStage).join(
        PersonStage.stage).where(sa.text("journey_stages.key = 'leader'")))
    assert leaders >= 2
    assert db.session.scalar(sa.select(sa.func.count(StageChange.id))) >= 5
    assert load_journey() == 0  # safe to run again
