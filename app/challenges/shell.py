"""What challenges show on the associate's home (declared in app/challenges/__init__.py)."""

from app.challenges import queries
from app.org.models import Person


def home_card_context(person: Person) -> dict:
    # The card renders nothing when the person is in no running challenge.
    return {"summaries": queries.running_for_person(person)}
