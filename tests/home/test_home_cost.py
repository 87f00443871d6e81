"""What the associate's home costs (issue 15): a fixed, small number of statements however much the person
holds, none of them while the page renders, and the kept counts (app/core/shortcache.py) right on the
person's next page after their own change."""

import itertools
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import before_render_template, template_rendered

from app import nudges
from app.badges import services as badges
from app.core.shortcache import ShortCache
from app.core.signals import ActivityRecorded, activity_recorded
from app.extensions import db
from app.journey import services as journey
from app.journey.models import Endorsement
from app.missions.models import EvidenceType, MissionSubmission, StepCheck, SubmissionStatus
from app.nudges.models import Notification
from app.org.models import Person, Store
from app.streaks.models import DayOff
from tests.challenges.helpers import make_challenge
from tests.factories import make_person
from tests.journey.helpers import badge, pay, stage
from tests.missions.factories import assign, loyalty_quiz, make_mission, today_for

HOME_STATEMENTS = 8  # issue 15: sign-in included
_keys = itertools.count(1)


@pytest.fixture(autouse=True)
def _defaults(journey_defaults):
    return journey_defaults


def _missions(person: Person, store: Store, count: int) -> None:
    """Open missions of every kind a card describes: a checklist half done, a quiz, a photo sent back."""
    today = today_for(person)
    for n in range(count):
        checklist = make_mission(store=store, title=f"Checklist {next(_keys)}", steps=("a", "b", "c"))
        done = assign(checklist, person, due=today + timedelta(days=n))
        db.session.add(StepCheck(assignment_id=done.id, step_id=checklist.steps[0].id))
        assign(loyalty_quiz(store=store), person, due=today)
        photo = make_mission(store=store, title=f"Window {next(_keys)}", evidence_type=EvidenceType.PHOTO,
                             requires_approval=True)
        sent_back = assign(photo, person, due=today)
        db.session.add(MissionSubmission(assignment_id=sent_back.id, person_id=person.id,
                                         status=SubmissionStatus.REJECTED, review_comment="Too dark"))
    db.session.flush()


def _holdings(person: Person, manager: Person, days: int, given: str = "helping_hand") -> None:
    """Points, badges, a streak bridged by a day off yesterday, an unread nudge."""
    pay(person, 200)
    yesterday = today_for(person) - timedelta(days=1)
    for n in range(days):
        badges.record_event(person, "kudos_received", f"kudos:{next(_keys)}")
        activity_recorded.send(None, event=ActivityRecorded(person=person, activity="mission",
                                                            on=yesterday - timedelta(days=n + 1)))
    if db.session.scalar(sa.select(DayOff.id).where(DayOff.person_id == person.id, DayOff.day == yesterday)) is None:
        db.session.add(DayOff(person_id=person.id, day=yesterday))
    badges.manual_grant(manager, person, badge(given), "Thanks")
    nudges.send(person.id, "badge_earned", "/badges/", badge="Helping hand")
    db.session.flush()


def _count(client, count_queries) -> tuple[int, list[str]]:
    with count_queries(kept=True) as counter:
        assert client.get("/home").status_code == 200
    return counter.count, counter.statements


def test_the_associates_home_reads_a_fixed_handful_of_statements(client, sign_in, org, count_queries):
    leader = stage("leader")  # the next stage asks for missions too: every kind of need is read
    required = make_mission(store=org.store, title="Required")
    leader.required_mission_ids = [required.id]
    _missions(org.staff, org.store, 2)
    _holdings(org.staff, org.sm, 4)
    db.session.commit()
    staff_id, manager_id, store_id = org.staff.id, org.sm.id, org.store.id
    sign_in(org.staff)
    client.get("/home")  # what the process keeps a few seconds (the bell, the board card, the team) is kept now
    small, statements = _count(client, count_queries)
    assert small <= HOME_STATEMENTS, "\n".join(statements)

    staff, manager = db.session.get(Person, staff_id), db.session.get(Person, manager_id)
    store = db.session.get(Store, store_id)
    _missions(staff, store, 5)
    _holdings(staff, manager, 9, given="customer_hero")
    for _ in range(6):
        make_person(store=store, manager=manager)
    db.session.add(Endorsement(person_id=staff.id, stage_id=stage("leader").id, endorsed_by_id=manager.id,
                               note="Ready"))
    db.session.commit()
    client.get("/home")  # their own changes dropped the kept counts: read once again
    large, statements = _count(client, count_queries)
    assert large == small, "\n".join(statements)


def test_a_cold_home_reads_the_kept_counts_once_more(app, client, sign_in, org, count_queries):
    _missions(org.staff, org.store, 1)
    _holdings(org.staff, org.sm, 2)
    db.session.commit()
    sign_in(org.staff)
    client.get("/home")
    warm, _statements = _count(client, count_queries)
    app.extensions.pop("ascent.shortcache")  # a process that has kept nothing yet
    cold, statements = _count(client, count_queries)
    # The bell's count, the board card (two), the store's team and whether it runs a challenge.
    assert warm < cold <= warm + 5, "\n".join(statements)


def test_nothing_is_read_while_the_home_renders(app, client, sign_in, org):
    """Every template reads what the card contexts loaded: no lazy relationship, no query from a template."""
    _missions(org.staff, org.store, 2)
    _holdings(org.staff, org.sm, 3)
    make_challenge([org.store])
    db.session.commit()
    sign_in(org.staff)
    client.get("/home")
    rendering, during = [], []

    def _started(_app, template, **_extra):
        if template.name == "home/staff.html":
            rendering.append(True)

    def _finished(_app, template, **_extra):
        if template.name == "home/staff.html":
            rendering.clear()

    def _statement(_conn, _cursor, statement, *_args):
        if rendering:
            during.append(statement)

    db.session.remove()
    before_render_template.connect(_started, app)
    template_rendered.connect(_finished, app)
    sa.event.listen(db.engine, "before_cursor_execute", _statement)
    try:
        html = client.get("/home").get_data(as_text=True)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", _statement)
        before_render_template.disconnect(_started, app)
        template_rendered.disconnect(_finished, app)
    assert during == []
    assert "Sent back: see the comment" in html
    assert "Checklist · 1 of 3 done" in html and "Quiz · 2 questions" in html
    assert "Helping hand" in html and "Challenges" in html


def test_the_bell_is_right_on_the_next_page_after_the_persons_own_change(client, sign_in, org):
    sign_in(org.staff)
    assert "nudge-bell__count" not in client.get("/home").get_data(as_text=True)
    notification = nudges.send(org.staff.id, "badge_earned", "/badges/", badge="Mentor")
    db.session.commit()
    assert 'aria-label="Notifications, 1 unread"' in client.get("/home").get_data(as_text=True)
    client.get(f"/notifications/{notification.id}")  # opening it marks it read
    assert "nudge-bell__count" not in client.get("/home").get_data(as_text=True)
    nudges.send(org.staff.id, "badge_earned", "/badges/", badge="Team player")
    db.session.commit()
    client.post("/notifications/read-all")
    assert "nudge-bell__count" not in client.get("/me").get_data(as_text=True)


def test_a_nudge_written_elsewhere_shows_when_the_bell_refreshes(client, sign_in, org):
    """Another process's nudge reaches this one through the live hint: the bell's own fetch reads afresh."""
    sign_in(org.staff)
    client.get("/home")
    db.session.add(Notification(person_id=org.staff.id, nudge_type="badge_earned", title="Mentor", body="",
                                url="/badges/", tag="badge", params={}, push_status="skipped"))
    db.session.commit()  # written without the service, as another process's would be seen here
    assert "1 unread" in client.htmx_get("/notifications/bell").get_data(as_text=True)
    assert 'aria-label="Notifications, 1 unread"' in client.get("/home").get_data(as_text=True)


def test_the_board_card_follows_the_persons_own_points_at_once(client, sign_in, org):
    sign_in(org.staff)
    assert "pts this week" not in client.get("/home").get_data(as_text=True)
    pay(org.staff, 30)
    db.session.commit()
    assert "30 pts this week" in client.get("/home").get_data(as_text=True)


def test_the_team_and_the_challenges_follow_changes_made_in_this_process(client, sign_in, org):
    sign_in(org.staff)
    html = client.get("/home").get_data(as_text=True)
    assert "Cosimo Collega" in html and 'id="challenge-card-title"' not in html
    make_person(store=org.store, manager=org.sm, name="Nina Nuova")
    make_challenge([org.store], title="Spring sprint")
    db.session.commit()
    html = client.get("/home").get_data(as_text=True)
    assert "Nina Nuova" in html and "Spring sprint" in html


def test_the_kept_values_are_the_apps_own(app):
    """Each app (each test) starts empty, and SHORT_CACHE_SECONDS = 0 keeps nothing."""
    cache, loads = ShortCache("tests.counter"), []

    def load():
        loads.append(1)
        return len(loads)

    assert cache.get("k", load) == 1 and cache.get("k", load) == 1
    app.config["SHORT_CACHE_SECONDS"] = 0
    assert cache.get("k", load) == 2 and cache.get("k", load) == 3


def test_a_change_rolled_back_still_forgets_what_was_kept(app):
    cache = ShortCache("tests.rollback")
    cache.put("k", "old")
    cache.forget_after_commit("k")
    db.session.rollback()
    assert cache.get("k", lambda: "new") == "new"
    cache.forget_after_commit("k")
    assert cache.get("k", lambda: "read in between") == "read in between"  # another request, before commit
    db.session.commit()
    assert cache.get("k", lambda: "after commit") == "after commit"


def test_stage_ups_are_read_with_the_journey(client, sign_in, org):
    pay(org.staff, 200)
    journey.evaluate_stage(org.staff)
    db.session.commit()
    html = sign_in(org.staff).get("/home").get_data(as_text=True)
    assert "celebration-slot" in html and "To reach <strong>Leader</strong>:" in html
