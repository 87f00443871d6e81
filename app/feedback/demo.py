"""Demo feedback: kudos in the demo store (public and private), feedback requests, an anonymous question
answered and shared with the team, and reactions in the store feed. Safe to run again."""

import random
from datetime import timedelta

import sqlalchemy as sa

from app.core.models import utcnow
from app.core.signals import KudosGiven
from app.extensions import db
from app.feed import listeners as feed
from app.feed.models import REACTIONS, FeedItem, FeedReaction
from app.feed.services import add_item
from app.feedback.models import CompanyValue, Feedback, FeedbackRequest, UpwardMessage
from app.feedback.values import ensure_defaults
from app.org.models import Person, Role
from app.points import ledger

KUDOS = [
    ("Thanks for staying late to redo the window: it looks amazing.", "ownership", True, 10),
    ("You turned that unhappy customer around in two minutes. Textbook.", "customer_first", True, 15),
    ("Covered my shift on Saturday without a word. Thank you!", "teamwork", True, 0),
    ("Great job learning the new till so quickly.", "learning", True, 5),
    ("Your upsell on the winter coats was spot on.", "customer_first", True, 10),
    ("Thanks for pointing out the pricing mistake — honest and helpful.", "integrity", False, 0),
    ("The stockroom has never been this tidy.", "ownership", True, 0),
]
FEEDBACK = [
    "Greet customers within the first minute, even when the store is busy.",
    "When closing, count the till with a colleague: it saves us the Monday checks.",
]
REQUESTS = [
    ("How did my upsell pitch go with the couple this morning?", True),
    ("Was my window display clear enough from the street?", False),
]


def load_feedback() -> None:
    staff = db.session.scalar(sa.select(Person).where(Person.email == "staff@demo.ascent"))
    manager = db.session.scalar(sa.select(Person).where(Person.email == "sm@demo.ascent"))
    if staff is None or manager is None or staff.store_id is None:
        return
    if db.session.scalar(sa.select(Feedback.id).where(Feedback.giver_id.in_([staff.id, manager.id])).limit(1)):
        return  # already loaded
    ensure_defaults()
    rng = random.Random(20261128)
    values = {value.key: value for value in db.session.scalars(sa.select(CompanyValue)) if value.key}
    team = list(db.session.scalars(sa.select(Person).where(Person.store_id == staff.store_id,
                                                           Person.active.is_(True), Person.role == Role.STAFF,
                                                           Person.id != staff.id).order_by(Person.id)))
    people = [staff, manager, *team]
    now = utcnow()
    for index, (message, value_key, public, points) in enumerate(KUDOS):
        giver = people[index % len(people)]
        receiver = staff if index in (1, 3) else rng.choice([p for p in people if p.id != giver.id])
        if index == 0:
            giver, receiver = manager, staff
        kudos = Feedback(kind="kudos", giver_id=giver.id, receiver_id=receiver.id, message=message,
                         value_id=values[value_key].id if value_key in values else None,
                         visibility="public" if public else "private", points=points,
                         created_at=now - timedelta(hours=3 + index * 9))
        db.session.add(kudos)
        db.session.flush()
        if points:
            ledger.award(receiver, points, source_type="kudos", source_id=kudos.id, awarded_by=None,
                         reason=f"Kudos from {giver.display_name}", idempotency_key=f"kudos:{kudos.id}")
        # Onto the feed as kudos given in the app are, without sending kudos_given: the demo's badges are
        # granted by app/demo/journey.py.
        value = db.session.get(CompanyValue, kudos.value_id) if kudos.value_id else None
        feed.on_kudos_given(None, event=KudosGiven(kudos=kudos, giver=giver, receiver=receiver, value=value,
                                                   public=public))
    for index, message in enumerate(FEEDBACK):
        db.session.add(Feedback(kind="feedback", giver_id=manager.id, receiver_id=(team or [staff])[index % max(
            1, len(team))].id if index else staff.id, message=message, visibility="private",
            created_at=now - timedelta(days=2 + index)))
    asked = team[0] if team else manager
    for index, (question, answered) in enumerate(REQUESTS):
        feedback_request = FeedbackRequest(requester_id=staff.id, asked_id=manager.id if index == 0 else asked.id,
                                           question=question, status="answered" if answered else "pending",
                                           created_at=now - timedelta(days=1, hours=index),
                                           closed_at=now - timedelta(hours=20) if answered else None)
        db.session.add(feedback_request)
        db.session.flush()
        if answered:
            db.session.add(Feedback(kind="feedback", giver_id=manager.id, receiver_id=staff.id,
                                    message="Strong opener. Offer the matching scarf earlier, before the price.",
                                    visibility="private", request_id=feedback_request.id,
                                    created_at=now - timedelta(hours=20)))
    if team:
        db.session.add(FeedbackRequest(requester_id=team[-1].id, asked_id=staff.id,
                                       question="Any tips for my first closing shift?",
                                       created_at=now - timedelta(hours=5)))
    question = UpwardMessage(author_id=(team[1] if len(team) > 1 else staff).id, store_id=staff.store_id,
                             audience="manager", recipient_id=manager.id, anonymous=True,
                             body="Could the weekly rota be published by Thursday instead of Saturday?",
                             answer="Yes — from next week the rota goes up every Thursday at noon.",
                             answered_by_id=manager.id, answered_at=now - timedelta(hours=30), shared=True,
                             created_at=now - timedelta(days=2))
    db.session.add(question)
    db.session.flush()
    add_item(staff.store_id, "upward_answer", f"upward:{question.id}", actor_id=manager.id,
             params={"question": question.body, "answer": question.answer}, created_at=question.answered_at)
    db.session.add(UpwardMessage(author_id=staff.id, store_id=staff.store_id, audience="manager",
                                 recipient_id=manager.id, body="I'd love to train on visual merchandising.",
                                 created_at=now - timedelta(hours=8)))
    db.session.flush()
    items = list(db.session.scalars(sa.select(FeedItem.id).where(FeedItem.store_id == staff.store_id)))
    kinds = list(REACTIONS)
    for item_id in items:
        for person in rng.sample(people, k=min(len(people), rng.randint(1, 5))):
            db.session.add(FeedReaction(item_id=item_id, person_id=person.id, kind=rng.choice(kinds)))
    db.session.flush()
