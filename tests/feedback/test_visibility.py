"""Who may read private feedback, and anonymous upward feedback."""

import pytest
import sqlalchemy as sa

from app.core.audit import AuditEntry
from app.core.errors import ServiceError
from app.extensions import db
from app.feed.models import FeedItem
from app.feedback import queries, services
from app.nudges.models import Notification


@pytest.fixture
def private_feedback(org):
    item = services.give_feedback(org.sm, org.staff.id, "Greet customers within a minute, please.")
    db.session.commit()
    return item


@pytest.mark.parametrize("reader, allowed", [
    ("staff", True),        # the receiver
    ("sm", True),           # the giver, and the receiver's manager
    ("dm", True),           # the manager chain
    ("hr", True),           # HR manages everyone
    ("admin", True),
    ("colleague", False),   # a colleague of the same store: never
    ("sibling_sm", False),  # another store's manager
    ("other_dm", False),
    ("sibling_staff", False),
])
def test_who_reads_constructive_feedback(org, private_feedback, reader, allowed):
    assert (queries.feedback_or_none(getattr(org, reader), private_feedback.id) is not None) is allowed


def test_a_colleague_giver_reads_what_they_gave(org):
    item = services.give_feedback(org.colleague, org.staff.id, "You left the till open.")
    db.session.commit()
    assert queries.feedback_or_none(org.colleague, item.id) is not None
    assert queries.feedback_or_none(org.sibling_staff, item.id) is None


def test_private_kudos_hidden_from_colleagues_public_kudos_visible(org):
    private = services.give_kudos(org.sm, org.staff.id, "Private thanks", public=False)
    public = services.give_kudos(org.sm, org.staff.id, "Public thanks", public=True)
    db.session.commit()
    assert queries.feedback_or_none(org.colleague, private.id) is None
    assert queries.feedback_or_none(org.colleague, public.id) is not None
    assert queries.feedback_or_none(org.sibling_staff, public.id) is None


def test_private_feedback_page_is_404_for_a_colleague(client, sign_in, org, private_feedback):
    sign_in(org.colleague)
    assert client.get(f"/feedback/{private_feedback.id}").status_code == 404
    sign_in(org.staff)
    page = client.get(f"/feedback/{private_feedback.id}")
    assert page.status_code == 200 and "Greet customers within a minute" in page.get_data(as_text=True)


# -- Upward --------------------------------------------------------------------------------------------

def test_anonymous_upward_hides_the_author_from_the_manager_but_not_from_the_audit(client, sign_in, org):
    message = services.ask_upward(org.staff, "manager", "The rota changes too late every week.", anonymous=True)
    db.session.commit()
    assert message.recipient_id == org.sm.id

    sign_in(org.sm)
    for url in (f"/feedback/upward/{message.id}", "/feedback/?tab=upward"):
        body = client.get(url).get_data(as_text=True)
        assert "The rota changes too late" in body or url.endswith("upward")
        assert org.staff.full_name not in body
        assert "Anonymous colleague" in body
    notification = db.session.scalar(sa.select(Notification).where(Notification.person_id == org.sm.id))
    assert org.staff.display_name not in notification.title

    audit = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "feedback.upward_sent"))
    assert audit.actor_id == org.staff.id and audit.target_id == message.id and audit.details["anonymous"]

    sign_in(org.hr)  # abuse handling
    assert org.staff.full_name in client.get(f"/feedback/upward/{message.id}").get_data(as_text=True)


def test_upward_readers(org):
    to_manager = services.ask_upward(org.staff, "manager", "A question for Sofia")
    to_management = services.ask_upward(org.staff, "management", "A question for management")
    db.session.commit()
    assert queries.upward_or_none(org.sm, to_manager.id) is not None
    assert queries.upward_or_none(org.dm, to_manager.id) is None  # addressed to the store manager only
    assert queries.upward_or_none(org.hr, to_manager.id) is not None
    assert queries.upward_or_none(org.colleague, to_manager.id) is None
    assert queries.upward_or_none(org.dm, to_management.id) is not None
    assert queries.upward_or_none(org.sibling_sm, to_management.id) is None
    assert queries.upward_or_none(org.staff, to_management.id) is not None  # the author


def test_answer_shared_goes_to_the_feed_without_the_anonymous_author(org):
    message = services.ask_upward(org.staff, "manager", "Can we get more hangers?", anonymous=True)
    db.session.commit()
    with pytest.raises(ServiceError):
        services.answer_upward(org.colleague, message, "Sure")
    db.session.rollback()
    services.answer_upward(org.sm, message, "Ordered 200 for Monday.", share=True)
    db.session.commit()
    item = db.session.scalar(sa.select(FeedItem).where(FeedItem.source_ref == f"upward:{message.id}"))
    assert item.subject_id is None and item.actor_id == org.sm.id
    assert item.params == {"question": "Can we get more hangers?", "answer": "Ordered 200 for Monday."}
    assert db.session.scalar(sa.select(Notification).where(Notification.person_id == org.staff.id,
                                                           Notification.nudge_type == "upward_answered"))
    with pytest.raises(ServiceError, match="already been answered"):
        services.answer_upward(org.sm, message, "Again")


def test_feed_card_of_a_shared_anonymous_answer_names_nobody(client, sign_in, org):
    message = services.ask_upward(org.staff, "manager", "Can we get more hangers?", anonymous=True)
    services.answer_upward(org.sm, message, "Ordered.", share=True)
    db.session.commit()
    sign_in(org.colleague)
    body = client.get("/feed/").get_data(as_text=True)
    assert "Can we get more hangers?" in body and org.staff.display_name not in body


def test_upward_to_a_missing_manager_is_refused(org):
    with pytest.raises(ServiceError, match="no manager"):
        services.ask_upward(org.admin, "manager", "Hello")


# -- Requests ------------------------------------------------------------------------------------------

def test_request_answered_becomes_private_feedback(org):
    asked = services.request_feedback(org.staff, org.sm.id, "How did my upsell pitch go?")
    db.session.commit()
    assert queries.requests_to_answer(org.sm) == [asked]
    with pytest.raises(ServiceError):
        services.answer_request(org.colleague, asked, "Not mine to answer")
    db.session.rollback()
    item = services.answer_request(org.sm, asked, "Good opener; offer the belt earlier.")
    db.session.commit()
    assert asked.status == "answered" and item.request_id == asked.id
    assert item.receiver_id == org.staff.id and item.giver_id == org.sm.id and not item.is_public
    assert queries.requests_to_answer(org.sm) == []
    with pytest.raises(ServiceError):
        services.cancel_request(org.staff, asked)


def test_request_cancelled_cannot_be_answered(org):
    asked = services.request_feedback(org.staff, org.colleague.id, "Was my window display clear?")
    db.session.commit()
    with pytest.raises(ServiceError):
        services.cancel_request(org.colleague, asked)
    db.session.rollback()
    services.cancel_request(org.staff, asked)
    db.session.commit()
    with pytest.raises(ServiceError):
        services.answer_request(org.colleague, asked, "Too late")


def test_request_to_self_or_out_of_scope_is_refused(org):
    with pytest.raises(ServiceError):
        services.request_feedback(org.staff, org.staff.id, "Me?")
    with pytest.raises(ServiceError):
        services.request_feedback(org.staff, org.other_staff.id, "You?")
