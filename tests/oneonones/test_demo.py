import sqlalchemy as sa

from app.extensions import db
from app.oneonones import queries
from app.oneonones.demo import load_oneonones
from app.oneonones.models import ActionItem, OneOnOne
from app.org.demo import load_org
from app.org.models import Person


def test_the_demo_gives_the_coaching_view_something_to_show(app):
    load_org()
    load_oneonones()
    db.session.commit()
    sm = db.session.scalar(sa.select(Person).where(Person.email == "sm@demo.ascent"))
    sara = db.session.scalar(sa.select(Person).where(Person.email == "staff@demo.ascent"))
    tomorrow = db.session.scalars(sa.select(OneOnOne).where(OneOnOne.status == "scheduled",
                                                            OneOnOne.person_id == sara.id)).all()
    assert len(tomorrow) == 1
    assert db.session.scalar(sa.select(sa.func.count(ActionItem.id)).where(ActionItem.done_at.is_(None))) >= 3
    view = queries.coaching(sm)
    assert any(row.pulses for row in view.rows)
    assert any(row.days_since_one_on_one is None for row in view.rows)
    detail = queries.detail(sara, tomorrow[0])
    assert detail.carried and detail.agenda

    before = db.session.scalar(sa.select(sa.func.count(OneOnOne.id)))
    load_oneonones()  # again: nothing added
    assert db.session.scalar(sa.select(sa.func.count(OneOnOne.id))) == before
