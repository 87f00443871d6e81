import pytest
import sqlalchemy as sa

from app.core.audit import AuditEntry
from app.core.errors import ServiceError
from app.extensions import db
from app.feed.models import FeedItem
from app.feedback import queries, services
from app.feedback.models import Feedback
from app.nudges.models import Notification
from app.points.ledger import balances
from app.points.models import PointEntry


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_public_kudos_with_points_pays_feeds_nudges_and_audits(org, company_values):
    kudos = services.give_kudos(org.staff, org.colleague.id, "Great upsell on the jackets",
                                value_id=company_values["customer_first"].id, public=True, points=10)
    db.session.commit()
    assert kudos.points == 10
    assert balances(org.colleague.id) == (10, 10)
    entry = db.session.scalar(sa.select(PointEntry).where(PointEntry.idempotency_key == f"kudos:{kudos.id}"))
    assert entry.source_type == "kudos" and entry.awarded_by_id == org.staff.id
    item = db.session.scalar(sa.select(FeedItem).where(FeedItem.source_ref == f"kudos:{kudos.id}"))
    assert item.store_id == org.store.id and item.params["message"] == "Great upsell on the jackets"
    assert db.session.scalar(sa.select(Notification).where(Notification.person_id == org.colleague.id,
                                                           Notification.nudge_type == "kudos_received"))
    assert db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "feedback.kudos_points",
                                                         AuditEntry.actor_id == org.staff.id))


def test_private_kudos_never_reach_the_feed(org):
    services.give_kudos(org.staff, org.colleague.id, "Thanks for covering my shift", public=False)
    db.session.commit()
    assert _count(FeedItem) == 0


def test_self_kudos_is_refused_and_changes_nothing(org):
    with pytest.raises(ServiceError, match="yourself"):
        services.give_kudos(org.staff, org.staff.id, "I'm great", points=5)
    db.session.rollback()
    assert _count(Feedback) == 0 and _count(PointEntry) == 0 and _count(FeedItem) == 0


def test_kudos_outside_scope_is_refused(org):
    with pytest.raises(ServiceError):
        services.give_kudos(org.staff, org.other_staff.id, "Hello")
    db.session.rollback()
    assert _count(Feedback) == 0


def test_budget_exhaustion_is_refused_with_a_clear_message(org, app):
    app.config["KUDOS_MONTHLY_BUDGET"] = 30
    services.give_kudos(org.sm, org.staff.id, "Window display", points=20)
    services.give_kudos(org.sm, org.colleague.id, "Stockroom", points=10)
    db.session.commit()
    assert queries.budget(org.sm).left == 0
    with pytest.raises(ServiceError, match="0 of 30 points left"):
        services.give_kudos(org.sm, org.staff.id, "Again", points=1)
    db.session.rollback()
    assert _count(Feedback) == 2 and balances(org.staff.id) == (20, 20)
    # Kudos without points are always possible.
    services.give_kudos(org.sm, org.staff.id, "Again, without points")
    db.session.commit()
    assert _count(Feedback) == 3


def test_per_kudos_maximum(org, app):
    app.config["KUDOS_MAX_POINTS"] = 20
    with pytest.raises(ServiceError, match="at most 20 points"):
        services.give_kudos(org.staff, org.colleague.id, "Wow", points=21)


def test_ledger_daily_cap_message_is_surfaced(org, app):
    app.config["POINTS_DAILY_CAP"] = 5
    with pytest.raises(ServiceError, match="discretionary points a day"):
        services.give_kudos(org.staff, org.colleague.id, "Wow", points=10)
    db.session.rollback()
    assert _count(Feedback) == 0 and _count(PointEntry) == 0


def test_message_is_required_and_bounded(org):
    with pytest.raises(ServiceError):
        services.give_kudos(org.staff, org.colleague.id, "   ")
    with pytest.raises(ServiceError):
        services.give_kudos(org.staff, org.colleague.id, "x" * 501)


def test_inactive_value_is_refused(org, company_values):
    value = company_values["teamwork"]
    value.active = False
    db.session.commit()
    with pytest.raises(ServiceError):
        services.give_kudos(org.staff, org.colleague.id, "Nice", value_id=value.id)


def test_last_feedback_at_is_one_query(org, count_queries):
    first = services.give_kudos(org.staff, org.colleague.id, "One")
    second = services.give_feedback(org.sm, org.colleague.id, "Two")
    services.give_kudos(org.sm, org.staff.id, "Three")
    db.session.commit()
    latest = max(first.created_at, second.created_at)
    ids = [org.colleague.id, org.staff.id, org.sibling_staff.id]
    with count_queries() as counter:
        result = queries.last_feedback_at(ids)
    selects = [s for s in counter.statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1, counter.statements
    assert set(result) == {ids[0], ids[1]}
    assert result[ids[0]] == latest
    assert queries.last_feedback_at([]) == {}


def test_kudos_received_in_the_app_count_toward_team_player(org, journey_defaults):
    """Kudos given through the app (public or private) are counted events for the kudos badges, once each:
    before, only seeded events counted and "Team player" never came."""
    from app.badges.models import BadgeEvent, BadgeGrant
    from tests.journey.helpers import badge

    givers = [org.colleague, org.sm, org.colleague, org.sm, org.colleague]
    for number, giver in enumerate(givers):
        services.give_kudos(giver, org.staff.id, f"Thanks, number {number}", public=number % 2 == 0)
    db.session.commit()
    events = list(db.session.scalars(sa.select(BadgeEvent.source_key).where(
        BadgeEvent.person_id == org.staff.id, BadgeEvent.event_type == "kudos_received")))
    assert len(events) == 5 and all(key.startswith("kudos:") for key in events)
    team_player = badge("team_player")
    assert db.session.scalar(sa.select(BadgeGrant).where(BadgeGrant.person_id == org.staff.id,
                                                         BadgeGrant.badge_id == team_player.id))
    # The giver counts nothing.
    assert not db.session.scalar(sa.select(sa.func.count(BadgeEvent.id)).where(
        BadgeEvent.person_id == org.colleague.id))
