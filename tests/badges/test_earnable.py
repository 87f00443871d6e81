"""Every built-in badge can be earned: an automatic rule on an event some feature really records, or a
manual badge HR can give. HR and admins may give any manual badge (audited, with a reason, idempotent,
the person notified); the Ambassador stage's "Idea spark" is one of them."""

from datetime import datetime

import pytest
import sqlalchemy as sa

from app.badges import services
from app.badges.catalogue import BUILTIN_BADGES, MANUAL_SINCE_0021
from app.badges.listeners import KUDOS_RECEIVED
from app.badges.models import BadgeDefinition, BadgeGrant, Criterion
from app.core.audit import AuditEntry
from app.core.errors import ServiceError
from app.extensions import db
from app.journey.defaults import DEFAULT_STAGES
from app.nudges.models import Notification
from tests.journey.helpers import badge

# Events some feature records through app.badges.services.record_event (grep "record_event" in app/).
RECORDED_EVENTS = {"mission_completed", KUDOS_RECEIVED}
AUTOMATIC = {Criterion.LIFETIME_POINTS, Criterion.STREAK, Criterion.MISSION}


def test_every_builtin_badge_is_earnable(org):
    for key, *_rest in BUILTIN_BADGES:
        definition = badge(key)
        if definition.criterion == Criterion.EVENT_COUNT:
            assert definition.event_type in RECORDED_EVENTS, f"{key}: nothing records {definition.event_type}"
        elif definition.criterion == Criterion.MANUAL:
            assert definition in services.giveable_badges(org.hr, org.staff), f"{key}: HR can't give it"
        else:
            assert definition.criterion in AUTOMATIC, key
    for key in MANUAL_SINCE_0021:
        assert badge(key).criterion == Criterion.MANUAL


def test_every_builtin_badge_is_earnable_including_every_stage_requirement(org):
    needed = {key for *_head, badges, _endorsement, _points in DEFAULT_STAGES for key in badges}
    assert "idea_spark" in needed
    for key in needed:
        definition = badge(key)
        assert definition.criterion == Criterion.MANUAL or definition.event_type in RECORDED_EVENTS, key
    grant = services.manual_grant(org.hr, org.staff, badge("idea_spark"), "The new fitting-room queue")
    assert grant.badge.key == "idea_spark"


def _peers_only_badge() -> BadgeDefinition:
    definition = BadgeDefinition(key="buddy", name="Buddy", description="", image="mentor.svg",
                                 criterion=Criterion.MANUAL, granters=["peers"], monthly_limit=1, points=0)
    db.session.add(definition)
    db.session.flush()
    return definition


@pytest.mark.parametrize("granter", ["hr", "admin"])
def test_hr_grants_any_manual_badge(org, granter):
    buddy = _peers_only_badge()
    giver = getattr(org, granter)
    assert buddy in services.giveable_badges(giver, org.other_staff)  # any store: HR's scope is the company
    services.manual_grant(giver, org.other_staff, buddy, "Showed the new starter round", now=datetime(2026, 5, 2))
    # Monthly limits keep everyday thanks rare; they don't bind HR.
    services.manual_grant(giver, org.staff, buddy, "Covered a shift", now=datetime(2026, 5, 3))
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "badge.granted",
                                                          AuditEntry.target_id == org.other_staff.id))
    assert entry.actor_id == giver.id and entry.details["note"] == "Showed the new starter round"
    with pytest.raises(ServiceError):  # managers still can't: only peers who hold it, and HR
        services.manual_grant(org.sm, org.colleague, buddy, "Nice")
    with pytest.raises(ServiceError):  # nobody gives themselves a badge
        services.manual_grant(giver, giver, buddy, "Me")


def test_hr_grants_any_manual_badge_from_the_page_once_and_the_person_is_told(client, sign_in, org):
    buddy = _peers_only_badge()
    db.session.commit()
    sign_in(org.hr)
    page = client.get(f"/badges/people/{org.other_staff.id}/give").get_data(as_text=True)
    assert "Buddy" in page and "left to give this month" not in page
    data = {"badge_id": buddy.id, "note": "Showed the new starter round"}
    assert client.post(f"/badges/people/{org.other_staff.id}/give", data=data).status_code == 303
    again = client.post(f"/badges/people/{org.other_staff.id}/give", data=data)  # a second tap
    assert again.status_code == 422 and "already has the Buddy badge" in again.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(BadgeGrant.id))) == 1
    assert db.session.scalar(sa.select(Notification).where(Notification.person_id == org.other_staff.id,
                                                           Notification.nudge_type == "badge_earned"))
    refused = client.post(f"/badges/people/{org.other_staff.id}/give", data={"badge_id": buddy.id, "note": " "})
    assert refused.status_code == 422
    sign_in(org.staff)  # staff don't hold it: no giving
    response = client.post(f"/badges/people/{org.colleague.id}/give", data=data)
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count(BadgeGrant.id))) == 1
