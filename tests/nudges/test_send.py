"""nudges.send: one call for any feature; the notification joins the caller's transaction and the push
job is queued only after commit. The registry takes new types without touching the layer."""

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from app import nudges
from app.badges.catalogue import seed_builtin_badges
from app.badges.services import grant
from app.extensions import db
from app.journey.defaults import seed_default_stages
from app.journey.services import evaluate_stage
from app.nudges import registry
from app.nudges.models import Notification, PushStatus
from app.org.models import ROLE_LABELS, Role
from tests.journey.helpers import badge, pay
from tests.push.support import subscribe


def notifications(person=None) -> list[Notification]:
    query = sa.select(Notification).order_by(Notification.id)
    if person is not None:
        query = query.where(Notification.person_id == person.id)
    return list(db.session.scalars(query))


def test_send_writes_the_notification_in_the_callers_transaction_and_pushes_after_commit(
        push_app, org, receiver, browser):
    subscribe(org.staff, browser, receiver)
    notification = nudges.send(org.staff.id, "badge_earned", "/badges/", badge="Mentor")
    assert notification.id is not None and notification.push_status == PushStatus.QUEUED
    assert receiver.received == []  # nothing leaves before the commit
    db.session.commit()
    assert len(receiver.wait_for(1)) == 1


def test_a_rolled_back_change_nudges_nobody(push_app, org, receiver, browser):
    subscribe(org.staff, browser, receiver)
    nudges.send(org.staff.id, "badge_earned", "/badges/", badge="Mentor")
    db.session.rollback()
    db.session.commit()
    assert notifications() == []
    assert receiver.received == []


def test_the_text_is_rendered_in_the_persons_language(push_app, org):
    org.staff.locale = "it"
    db.session.commit()
    nudges.send(org.staff.id, "badge_earned", "/badges/", badge=ROLE_LABELS[Role.STAFF])
    with force_locale("it"):
        expected = str(ROLE_LABELS[Role.STAFF])
    assert expected == "Addetto/a alle vendite"
    [notification] = notifications(org.staff)
    assert expected in notification.title
    assert notification.params == {"badge": expected}


def test_a_dedupe_key_nudges_once(push_app, org):
    first = nudges.send(org.staff.id, "badge_earned", "/badges/", dedupe_key="badge_earned:1", badge="A")
    again = nudges.send(org.staff.id, "badge_earned", "/badges/", dedupe_key="badge_earned:1", badge="A")
    db.session.commit()
    assert first is not None and again is None
    assert len(notifications()) == 1


def test_inactive_people_are_not_nudged(push_app, org):
    org.staff.active = False
    db.session.commit()
    assert nudges.send(org.staff.id, "badge_earned", "/badges/", badge="A") is None


def test_mistakes_in_the_call_are_programming_errors(push_app, org):
    with pytest.raises(ValueError, match="unknown nudge type"):
        nudges.send(org.staff.id, "no_such_type", "/home")
    with pytest.raises(ValueError, match="inside the app"):
        nudges.send(org.staff.id, "badge_earned", "https://evil.example/", badge="A")
    with pytest.raises(ValueError, match="inside the app"):
        nudges.send(org.staff.id, "badge_earned", "//evil.example/", badge="A")
    with pytest.raises(ValueError, match="inside the app"):
        nudges.send(org.staff.id, "badge_earned", "/\\evil.example/", badge="A")


def test_long_text_is_clipped_for_the_phone(push_app, org):
    nudges.send(org.staff.id, "dispute_resolved", "/points", answer="word " * 200, dispute_id=1)
    [notification] = notifications()
    assert len(notification.body) <= registry.MAX_BODY and notification.body.endswith("…")


def test_a_feature_adds_its_own_type_without_touching_the_layer(push_app, org, receiver, browser):
    subscribe(org.staff, browser, receiver)
    # A key no feature uses: the feedback feature registers the real "kudos_received" at import, and
    # removing it afterwards would take it away from every later test in this process.
    nudges.register_nudge_type("test_cheer", label=_l("Kudos"), title=_l("Kudos from %(name)s"),
                               body=_l("%(message)s"), tag="kudos-%(kudos_id)s")
    try:
        nudges.send(org.staff.id, "test_cheer", nudges.path_for("points.mine"), name="Sofia",
                    message="Great work with the new window display!", kudos_id=7)
        db.session.commit()
        [request] = receiver.wait_for(1)
        payload = browser.decrypt(request.body)
        assert payload["title"] == "Kudos from Sofia"
        assert payload["body"] == "Great work with the new window display!"
        assert payload["tag"] == "kudos-7"
        assert "test_cheer" in [t.key for t in registry.types_for(Role.STAFF)]
    finally:
        registry._types.pop("test_cheer", None)


def test_path_for_builds_paths_without_a_request(push_app):
    assert nudges.path_for("missions.assignment", assignment_id=12) == "/missions/12"
    assert nudges.path_for("no.such.endpoint") == "/home"


def test_a_badge_earned_nudges_its_holder(push_app, org):
    seed_builtin_badges()
    db.session.commit()
    result = grant(org.staff, badge("mentor"), granted_by=org.sm)
    db.session.commit()
    [notification] = [n for n in notifications(org.staff) if n.nudge_type == "badge_earned"]
    assert notification.title == f"New badge: {badge('mentor').display_name}"
    assert notification.url == "/badges/"
    assert notification.dedupe_key == f"badge_earned:{result.grant.id}"


def test_reaching_a_stage_nudges_the_person(push_app, org):
    seed_default_stages()
    seed_builtin_badges()
    db.session.commit()
    pay(org.staff, 2000)
    evaluate_stage(org.staff)
    db.session.commit()
    stages = [n for n in notifications(org.staff) if n.nudge_type == "stage_reached"]
    assert stages, [n.title for n in notifications(org.staff)]
    assert all(n.url == "/journey/" for n in stages)
    assert stages[0].title.startswith("You've reached ")


def test_a_failing_nudge_never_undoes_the_badge(push_app, org, monkeypatch):
    from app.badges.models import BadgeGrant
    from app.nudges import services

    def broken(*_args, **_kwargs):
        raise RuntimeError("the nudge layer is broken")

    monkeypatch.setattr(services, "send", broken)
    seed_builtin_badges()
    db.session.commit()
    grant(org.staff, badge("mentor"), granted_by=org.sm)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BadgeGrant)) == 1


def test_the_badge_push_and_everyone_elses_hints_wait_for_the_real_commit(push_app, org, receiver, browser):
    """The listener's savepoint must not run the transaction's after-commit callbacks early."""
    from app.core.aftercommit import after_commit

    subscribe(org.staff, browser, receiver)
    seed_builtin_badges()
    db.session.commit()
    ran = []
    after_commit(lambda: ran.append("earlier hint"))
    grant(org.staff, badge("mentor"), granted_by=org.sm)
    assert ran == [] and receiver.received == []
    db.session.commit()
    assert ran == ["earlier hint"]
    [request] = receiver.wait_for(1)
    assert browser.decrypt(request.body)["title"].startswith("New badge: ")
