import sqlalchemy as sa

from app.extensions import db
from app.feed.models import FeedItem
from app.feedback.demo import load_feedback
from app.feedback.models import Feedback, UpwardMessage
from app.org.demo import load_org


def test_demo_feedback_loads_once(app):
    load_org()
    db.session.commit()
    load_feedback()
    db.session.commit()
    kudos = db.session.scalar(sa.select(sa.func.count(Feedback.id)))
    assert kudos >= 8
    assert db.session.scalar(sa.select(sa.func.count(FeedItem.id))) >= 6
    assert db.session.scalar(sa.select(UpwardMessage).where(UpwardMessage.shared.is_(True))).anonymous
    load_feedback()
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(Feedback.id))) == kudos
