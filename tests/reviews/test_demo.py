import sqlalchemy as sa

from app.extensions import db
from app.org.demo import load_org
from app.reviews.demo import load_reviews
from app.reviews.models import Review, ReviewCycle


def test_demo_reviews_load_once(app):
    load_org()
    load_reviews()
    load_reviews()
    db.session.commit()
    phases = sorted(db.session.scalars(sa.select(ReviewCycle.phase)))
    assert phases == ["closed", "self_review"]
    closed = db.session.scalar(sa.select(ReviewCycle).where(ReviewCycle.phase == "closed"))
    reviews = db.session.scalars(sa.select(Review).where(Review.cycle_id == closed.id)).all()
    assert reviews and all(r.signed_off_at and r.final_rating for r in reviews)
    assert any(r.calibrated_rating and r.calibration_reason for r in reviews)
