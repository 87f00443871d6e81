"""What the journey shows on people's homes (declared in app/journey/__init__.py)."""

from app.journey import queries
from app.org.models import Person


def home_card_context(person: Person) -> dict:
    return {"journey": queries.journey_for(person), "has_celebration": queries.has_unseen_celebration(person.id)}


def stage_ups_context(manager: Person) -> dict:
    return {"stage_ups": queries.recent_stage_ups(manager)}
