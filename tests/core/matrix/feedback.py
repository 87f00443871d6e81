"""Feedback routes in the authorization matrix."""

from tests.core.access import EVERYONE, MANAGED, ORG_ADMINS, OWN, OWN_OR_MANAGED, Access


def _someone_else(org, person):
    """Who gives (or asks) `person`: their manager, else HR, else the admin."""
    if person.manager_id is not None:
        return person.manager
    return org.hr if person.id != org.hr.id else org.admin


def _feedback_id(org, person) -> dict:
    """Private, constructive feedback received by `person`."""
    from app.extensions import db
    from app.feedback.models import Feedback

    item = Feedback(kind="feedback", giver_id=_someone_else(org, person).id, receiver_id=person.id,
                    message="Greet customers sooner.", visibility="private")
    db.session.add(item)
    db.session.commit()
    return {"feedback_id": item.id}


def _request(org, person, *, asked: bool) -> dict:
    from app.extensions import db
    from app.feedback.models import FeedbackRequest

    other = _someone_else(org, person)
    feedback_request = FeedbackRequest(requester_id=other.id if asked else person.id,
                                       asked_id=person.id if asked else other.id, question="How did it go?")
    db.session.add(feedback_request)
    db.session.commit()
    return {"feedback_request_id": feedback_request.id}


def _upward_id(_org, person) -> dict:
    """A question `person` sent to management (everyone who manages them)."""
    from app.extensions import db
    from app.feedback.models import UpwardMessage

    message = UpwardMessage(author_id=person.id, store_id=person.store_id, audience="management",
                            body="Could we get the rota earlier?", anonymous=False)
    db.session.add(message)
    db.session.commit()
    return {"upward_id": message.id}


def _value_id(_org, _person) -> dict:
    from app.extensions import db
    from app.feedback.models import CompanyValue

    value = CompanyValue(name="Curiosity", description="Ask why.")
    db.session.add(value)
    db.session.commit()
    return {"company_value_id": value.id}


EXPECTATIONS = {
    "feedback.index": Access(EVERYONE),
    "feedback.item": Access(EVERYONE, scope=OWN_OR_MANAGED),  # receiver, giver, receiver's managers
    "feedback.give_kudos": Access(EVERYONE),
    "feedback.give_feedback": Access(EVERYONE),
    "feedback.request_feedback": Access(EVERYONE),
    "feedback.answer_request": Access(EVERYONE, scope=OWN),  # only the person asked
    "feedback.cancel_request": Access(EVERYONE, scope=OWN),  # only the person who asked
    "feedback.ask_upward": Access(EVERYONE),
    "feedback.upward_item": Access(EVERYONE, scope=OWN_OR_MANAGED),  # author and management
    "feedback.answer_upward": Access(EVERYONE, scope=MANAGED),  # management, never the author
    "feedback.company_values": Access(ORG_ADMINS),
    "feedback.edit_value": Access(ORG_ADMINS),
    "feedback.set_value_active": Access(ORG_ADMINS),
}
PERSON_ARGUMENTS = frozenset({"feedback_id", "feedback_request_id", "upward_id"})
ARGUMENT_VALUES = {
    "feedback_id": _feedback_id,
    "feedback_request_id": lambda org, person: _request(org, person, asked=True),
    "upward_id": _upward_id,
    "company_value_id": _value_id,
}
ENDPOINT_ARGUMENT_VALUES = {
    ("feedback.cancel_request", "feedback_request_id"): lambda org, person: _request(org, person, asked=False),
}
