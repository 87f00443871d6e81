"""The notification centre (page and htmx fragments), the bell's unread count, and the settings page."""

import re
from datetime import time

import pytest
import sqlalchemy as sa

from app import nudges
from app.extensions import db
from app.nudges import services
from app.nudges.models import Notification, NudgePreference, NudgeTypeChoice


def _send(person, badge: str = "Mentor") -> int:
    notification_id = nudges.send(person.id, "badge_earned", "/badges/", badge=badge).id
    db.session.commit()
    return notification_id


def _unread(person) -> int:
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.person_id == person.id, Notification.read_at.is_(None)))
    db.session.rollback()
    return count


@pytest.fixture
def staff_client(client, auth, org):
    auth.login(org.staff)
    return client


def test_the_bell_shows_the_unread_count_on_every_page(push_app, staff_client, org):
    html = staff_client.get("/home").get_data(as_text=True)
    assert 'id="nudge-bell"' in html and 'aria-label="Notifications"' in html
    assert "nudge-bell__count" not in html
    _send(org.staff)
    _send(org.staff, "Team player")
    _send(org.colleague)
    html = staff_client.get("/me").get_data(as_text=True)
    assert 'aria-label="Notifications, 2 unread"' in html
    assert re.search(r'nudge-bell__count" aria-hidden="true">2<', html)


def test_the_bell_fragment_refreshes_itself(push_app, staff_client, org):
    _send(org.staff)
    response = staff_client.htmx_get("/notifications/bell")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert 'data-live-on="notifications-changed"' in html and "1 unread" in html
    assert staff_client.get("/notifications/bell").status_code == 302  # not a page of its own


def test_the_centre_lists_every_nudge_newest_first(push_app, staff_client, org):
    first = _send(org.staff, "First")
    second = _send(org.staff, "Second")
    _send(org.colleague, "Someone else's")
    db.session.execute(sa.update(Notification).where(Notification.id == first)
                       .values(push_status="skipped", push_note="turned_off"))  # not pushed: listed anyway
    db.session.commit()
    response = staff_client.get("/notifications/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" in html
    assert html.index("New badge: Second") < html.index("New badge: First")
    assert "Someone else" not in html
    assert "2 unread" in html and "Mark all as read" in html
    assert f'href="/notifications/{second}"' in html

    fragment = staff_client.htmx_get("/notifications/")
    body = fragment.get_data(as_text=True)
    assert "<html" not in body and body.lstrip().startswith("<div id=\"notification-list\"")


def test_older_notifications_load_below(push_app, staff_client, org):
    ids = [_send(org.staff, f"Badge {n}") for n in range(35)]
    page = staff_client.get("/notifications/").get_data(as_text=True)
    assert "Badge 34" in page and "Badge 5" in page and "Badge 4<" not in page
    assert f"/notifications/?before={ids[5]}" in page
    more = staff_client.htmx_get(f"/notifications/?before={ids[5]}").get_data(as_text=True)
    assert more.lstrip().startswith("<li") and "Badge 4" in more and "Badge 0" in more
    assert "Badge 5" not in more


def test_opening_a_notification_marks_it_read_and_goes_where_it_points(push_app, staff_client, org):
    notification_id = _send(org.staff)
    response = staff_client.get(f"/notifications/{notification_id}")
    assert response.status_code == 303 and response.headers["Location"] == "/badges/"
    assert _unread(org.staff) == 0


def test_someone_elses_notification_is_a_404(push_app, staff_client, org):
    theirs = _send(org.colleague)
    assert staff_client.get(f"/notifications/{theirs}").status_code == 404
    assert staff_client.get("/notifications/999999").status_code == 404
    assert _unread(org.colleague) == 1


def test_mark_all_read_from_the_page(push_app, staff_client, org):
    _send(org.staff)
    _send(org.staff)
    _send(org.colleague)
    response = staff_client.post("/notifications/read-all")
    assert response.status_code == 303 and response.headers["Location"].endswith("/notifications/")
    assert _unread(org.staff) == 0 and _unread(org.colleague) == 1
    assert "All caught up" in staff_client.get("/notifications/").get_data(as_text=True)


def test_mark_all_read_with_htmx_swaps_the_list_and_refreshes_the_bell(push_app, staff_client, org):
    _send(org.staff)
    response = staff_client.post("/notifications/read-all", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert "All caught up" in html and "nudge-item--unread" not in html
    assert response.headers["HX-Trigger"] == "notifications-changed"
    assert _unread(org.staff) == 0


def test_mark_all_read_needs_the_csrf_token(push_app, staff_client, org):
    _send(org.staff)
    assert staff_client.post("/notifications/read-all", csrf=False).status_code == 400
    assert _unread(org.staff) == 1


def test_the_settings_page_shows_the_types_and_defaults(push_app, staff_client, org):
    push_app.config.update(NUDGE_QUIET_START="21:00", NUDGE_QUIET_END="08:00")
    html = staff_client.get("/notifications/settings").get_data(as_text=True)
    assert "Badges I earn" in html and "My streak is at risk" in html
    assert "weekly summary" not in html  # a manager's type
    assert 'value="21:00"' in html and 'value="08:00"' in html
    assert "Europe/Rome" in html
    assert re.search(r'value="badge_earned"\s+checked', html)


def test_saving_settings(push_app, staff_client, org):
    response = staff_client.post("/notifications/settings", data={
        "pushed": ["badge_earned", "streak_at_risk"], "quiet_hours": "y", "quiet_start": "22:00",
        "quiet_end": "07:30", "daily_cap": "3"})
    assert response.status_code == 303
    preference = db.session.get(NudgePreference, org.staff.id)
    assert (preference.quiet_hours, preference.quiet_start, preference.quiet_end, preference.daily_cap) == (
        True, time(22, 0), time(7, 30), 3)
    pushed = services.pushed_types(org.staff)
    assert pushed["badge_earned"] and pushed["streak_at_risk"] and not pushed["mission_assigned"]
    page = staff_client.get("/notifications/settings").get_data(as_text=True)
    assert "Notification settings saved." in page


@pytest.mark.parametrize(("data", "message"), [
    ({"quiet_hours": "y", "quiet_start": "22:00", "quiet_end": "22:00", "daily_cap": "3"},
     "Quiet hours need different start and end times."),
    ({"quiet_start": "", "quiet_end": "07:00", "daily_cap": "3"}, "Pick a time."),
    ({"quiet_start": "22:00", "quiet_end": "07:00", "daily_cap": "999"}, "Not a valid choice"),
    ({"pushed": ["no_such_type"], "quiet_start": "22:00", "quiet_end": "07:00", "daily_cap": "3"},
     "not a valid choice"),
])
def test_bad_settings_are_explained_and_change_nothing(push_app, staff_client, org, data, message):
    response = staff_client.post("/notifications/settings", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.get(NudgePreference, org.staff.id) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(NudgeTypeChoice)) == 0


@pytest.mark.parametrize(("method", "url"), [
    ("get", "/notifications/"), ("get", "/notifications/1"), ("get", "/notifications/bell"),
    ("get", "/notifications/settings"), ("post", "/notifications/settings"),
    ("post", "/notifications/read-all"),
])
def test_anonymous_visitors_are_sent_to_sign_in(push_app, client, method, url):
    response = getattr(client, method)(url)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_bell_costs_one_query_and_fragments_pay_nothing(push_app, staff_client, org, count_queries):
    for n in range(5):
        _send(org.staff, f"Badge {n}")
    with count_queries() as counter:
        staff_client.get("/push/devices", headers={"HX-Request": "true"})
    assert not any("FROM notifications" in statement for statement in counter.statements)
    with count_queries() as counter:
        staff_client.get("/me")
    assert sum("FROM notifications" in statement for statement in counter.statements) == 1


def test_times_are_shown_in_the_store_time_zone(push_app, staff_client, org):
    from datetime import datetime

    notification_id = _send(org.staff)
    db.session.execute(sa.update(Notification).where(Notification.id == notification_id)
                       .values(created_at=datetime(2026, 1, 15, 12, 0)))  # noon UTC: 13:00 in Milan
    db.session.commit()
    html = staff_client.get("/notifications/").get_data(as_text=True)
    assert "1/15/26, 1:00\u202fPM" in html or "1/15/26, 1:00 PM" in html
