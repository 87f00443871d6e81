import sys
import types
from datetime import timedelta

import pytest

from app.core.models import utcnow
from app.extensions import db
from app.oneonones import queries
from app.org.models import Person, Role
from tests.factories import make_person
from tests.oneonones.conftest import add_action, in_ascent_since, make_one_on_one


@pytest.fixture
def feedback_dates(monkeypatch):
    """Stand in for app.feedback.queries.last_feedback_at (built by the feedback feature)."""
    known: dict[int, object] = {}
    fake = types.ModuleType("app.feedback.queries")
    fake.last_feedback_at = lambda ids: {pid: when for pid, when in known.items() if pid in ids}
    monkeypatch.setitem(sys.modules, "app.feedback.queries", fake)
    return known


@pytest.fixture
def no_feedback_module(monkeypatch):
    monkeypatch.setitem(sys.modules, "app.feedback.queries", None)  # importing it raises ImportError


def _row(view, person):
    return next(row for row in view.rows if row.person.id == person.id)


def test_who_is_listed_for_each_manager(org):
    inactive = make_person(Role.STAFF, store=org.store, manager=org.sm, active=False)
    db.session.commit()
    names = lambda manager: {row.person.full_name for row in queries.coaching(manager).rows}  # noqa: E731
    assert names(org.sm) == {org.staff.full_name, org.colleague.full_name}
    assert inactive.full_name not in names(org.sm)
    assert names(org.dm) == {org.sm.full_name, org.sibling_sm.full_name}
    assert names(org.hr) == {org.dm.full_name, org.other_dm.full_name}
    assert names(org.admin) == {org.hr.full_name}


def test_days_since_last_1on1_open_actions_and_pulses(org, no_feedback_module):
    now = utcnow()
    in_ascent_since(400, org.sm, org.staff, org.colleague)
    for days, pulse in ((-70, 2), (-50, 3), (-40, None), (-30, 4), (-20, 5), (-10, 3), (-12, 1)):
        status = "cancelled" if days == -12 else "done"
        one = make_one_on_one(org.sm, org.staff, at=now + timedelta(days=days), status=status, pulse=pulse)
    add_action(one, org.staff, "Open")
    add_action(one, org.sm, "Late", due_on=(now - timedelta(days=2)).date())
    add_action(one, org.staff, "Done", done=True)
    make_one_on_one(org.dm, org.staff, at=now - timedelta(days=1), status="done", pulse=1)  # another manager's
    upcoming = make_one_on_one(org.sm, org.staff, days=3)
    db.session.commit()

    view = queries.coaching(org.sm, now=now)
    row = _row(view, org.staff)
    assert row.days_since_one_on_one == 10
    assert (row.open_actions, row.overdue_actions) == (2, 1)
    assert row.pulses == [2, 3, 4, 5, 3]  # the last five answered, oldest first; not the cancelled one
    assert row.pulse_trend == "down"
    assert row.next_one_on_one.id == upcoming.id
    assert not view.feedback_known and row.days_since_feedback is None

    never = _row(view, org.colleague)
    assert never.days_since_one_on_one is None and never.pulses == [] and never.open_actions == 0
    assert never.level(False) == "overdue"  # hired and in Ascent for 400 days, never met 1:1


def test_coaching_debt_sort_puts_the_longest_gap_first(org, feedback_dates):
    # Midday: 40 days back crosses the end of summer time, and late in the evening the store's calendar
    # would count 39 days between the two local dates.
    now = utcnow().replace(hour=12, minute=0)
    recent = make_person(Role.STAFF, store=org.store, manager=org.sm, name="Nina Nuova", hired_days_ago=3)
    in_ascent_since(400, org.sm, org.staff, org.colleague)
    in_ascent_since(3, recent, now=now)
    make_one_on_one(org.sm, org.staff, at=now - timedelta(days=5), status="done")
    make_one_on_one(org.sm, org.colleague, at=now - timedelta(days=2), status="done")
    feedback_dates[org.staff.id] = now - timedelta(days=40)
    feedback_dates[org.colleague.id] = now - timedelta(days=1)
    feedback_dates[recent.id] = now - timedelta(days=1)
    db.session.commit()
    view = queries.coaching(org.sm, now=now)
    assert view.feedback_known
    assert [row.person.id for row in view.rows] == [org.staff.id, recent.id, org.colleague.id]
    assert _row(view, org.staff).days_since_feedback == 40
    assert _row(view, org.staff).level(True) == "overdue"
    assert _row(view, org.colleague).level(True) == "ok"
    assert [row.person.full_name for row in queries.coaching(org.sm, "name", now=now).rows] == sorted(
        [org.staff.full_name, org.colleague.full_name, recent.full_name], key=str.casefold)


def test_a_team_imported_yesterday_has_nobody_overdue(client, sign_in, org, feedback_dates):
    # Hired more than a year ago (the factories' hire date), brought into Ascent yesterday with their manager:
    # no 1:1 and no feedback yet, and no clock could have run out.
    in_ascent_since(1, org.sm, org.staff, org.colleague)
    db.session.commit()
    view = queries.coaching(org.sm)
    assert view.feedback_known and view.overdue == 0
    assert {row.level(True) for row in view.rows} == {"ok"}
    sign_in(org.sm)
    page = client.get("/one-on-ones/coaching").text
    assert "coach-status--overdue" not in page and "coach-status--ok" in page


def test_never_counts_from_the_latest_arrival_of_the_person_or_their_manager(org, no_feedback_module):
    in_ascent_since(400, org.staff, org.colleague)
    in_ascent_since(5, org.sm)  # a store manager who joined Ascent five days ago takes over the team
    db.session.commit()
    assert {row.level(False) for row in queries.coaching(org.sm).rows} == {"ok"}
    in_ascent_since(40, org.sm)
    db.session.commit()
    assert {row.level(False) for row in queries.coaching(org.sm).rows} == {"overdue"}


def test_journey_stage_of_each_person(org, journey_defaults):
    import sqlalchemy as sa

    from app.journey.models import PersonStage, Stage

    leader = db.session.scalar(sa.select(Stage).where(Stage.key == "leader"))
    db.session.add(PersonStage(person_id=org.staff.id, stage_id=leader.id))
    db.session.commit()
    view = queries.coaching(org.sm)
    assert _row(view, org.staff).stage.key == "leader"
    assert _row(view, org.colleague).stage.key == "onboarding"


def test_the_page_shows_numbers_and_one_tap_actions(client, sign_in, org, no_feedback_module):
    make_one_on_one(org.sm, org.staff, at=utcnow() - timedelta(days=9), status="done", pulse=4)
    db.session.commit()
    sign_in(org.sm)
    response = client.get("/one-on-ones/coaching")
    assert response.status_code == 200
    page = response.text
    assert "9 days" in page and "Never" in page
    assert f'href="/one-on-ones/new?with={org.staff.id}"' in page
    assert f"/feedback/kudos?to={org.staff.id}" in page
    assert 'href="/org/people"' in page or "/people" in page
    assert "style=" not in page.split("<main", 1)[1]
    assert 'aria-label="Pulse, oldest to latest: 4"' in page


def test_the_fragment_for_sorting(client, sign_in, org):
    sign_in(org.sm)
    fragment = client.htmx_get("/one-on-ones/coaching?sort=name")
    assert fragment.status_code == 200
    assert "<html" not in fragment.text and "coach-list" in fragment.text
    assert 'coach-sort coach-sort--active" href="/one-on-ones/coaching?sort=name"' in fragment.text


def test_staff_have_no_coaching_view(client, sign_in, org):
    sign_in(org.staff)
    assert client.get("/one-on-ones/coaching").status_code == 403


def _team(sm_id: int, size: int, start: int = 0) -> None:
    store_manager = db.session.get(Person, sm_id)
    now = utcnow()
    for n in range(start, start + size):
        person = make_person(Role.STAFF, store=store_manager.store, manager=store_manager, name=f"Team Member{n:02d}")
        for days in (-40, -20):
            one = make_one_on_one(store_manager, person, at=now + timedelta(days=days), status="done", pulse=1 + n % 5)
            add_action(one, person, f"Action {n}")
        make_one_on_one(store_manager, person, days=2)
    db.session.commit()


def test_query_count_does_not_grow_with_the_team(client, sign_in, org, count_queries, feedback_dates,
                                                 journey_defaults):
    sign_in(org.sm)
    sm_id = org.sm.id

    def measure():
        with count_queries() as counter:
            response = client.get("/one-on-ones/coaching")
            assert response.status_code == 200
        return counter.count, response.text.count('class="coach-row ')

    _team(sm_id, 1)  # + staff and colleague: 3 people
    small, rows = measure()
    assert rows == 3
    _team(sm_id, 12, start=1)  # 15 people
    large, rows = measure()
    assert rows == 15
    assert large == small
