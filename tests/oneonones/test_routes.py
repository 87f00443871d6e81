from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.core.models import utcnow
from app.core.timezones import local_time, zone_for
from app.extensions import db
from app.oneonones.models import ActionItem, AgendaItem, OneOnOne
from tests.oneonones.conftest import add_action, add_agenda, add_private_note, make_one_on_one

SECRET = "Thinking about moving her to the Monza store"


@pytest.fixture
def one(org):
    one = make_one_on_one(org.sm, org.staff, notes="We agreed on the weekend rota.")
    add_agenda(one, org.staff, "Weekend shifts")
    add_private_note(one, SECRET)
    db.session.commit()
    return one


# Who sees a 1:1 -----------------------------------------------------------------------------------

@pytest.mark.parametrize("who, status", [("staff", 200), ("sm", 200), ("colleague", 404), ("sibling_sm", 404),
                                         ("other_sm", 404), ("dm", 404), ("hr", 404), ("admin", 404)])
def test_only_the_two_participants_see_a_1on1(client, sign_in, org, one, who, status):
    sign_in(getattr(org, who))
    response = client.get(f"/one-on-ones/{one.id}")
    assert response.status_code == status
    if status == 200:
        assert "Weekend shifts" in response.text


@pytest.mark.parametrize("who", ["colleague", "sibling_sm", "hr"])
def test_others_cannot_change_it_either(client, sign_in, org, one, who):
    sign_in(getattr(org, who))
    assert client.post(f"/one-on-ones/{one.id}/agenda", data={"text": "Me too"}).status_code == 404
    assert client.post(f"/one-on-ones/{one.id}/pulse", data={"pulse": "5"}).status_code == 404
    assert client.post(f"/one-on-ones/{one.id}/complete").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(AgendaItem.id))) == 1


def test_private_notes_never_reach_the_person(client, sign_in, org, one):
    sign_in(org.staff)
    page = client.get(f"/one-on-ones/{one.id}").text
    fragment = client.htmx_get(f"/one-on-ones/{one.id}").text
    after_add = client.post(f"/one-on-ones/{one.id}/agenda", data={"text": "Holidays"},
                            headers={"HX-Request": "true"}).text
    for body in (page, fragment, after_add):
        assert SECRET not in body
        assert "Private note" not in body
    assert "We agreed on the weekend rota." in page  # the shared notes are theirs too
    sign_in(org.sm)
    assert SECRET in client.get(f"/one-on-ones/{one.id}").text


def test_the_person_cannot_write_private_or_shared_notes(client, sign_in, org, one):
    sign_in(org.staff)
    assert client.post(f"/one-on-ones/{one.id}/private-note", data={"private_note": "x"}).status_code == 404
    assert client.post(f"/one-on-ones/{one.id}/notes", data={"notes": "x"}).status_code == 404
    assert client.post(f"/one-on-ones/{one.id}/cancel").status_code == 404


# The page and its regions -------------------------------------------------------------------------

def test_the_person_is_asked_the_pulse_first(client, sign_in, org, one):
    sign_in(org.staff)
    page = client.get(f"/one-on-ones/{one.id}").text
    assert page.index("How did you feel at work since last time?") < page.index("Agenda")
    assert page.count('name="pulse"') == 5
    for word in ("Rough", "Not great", "Okay", "Good", "Great"):
        assert word in page


def test_answering_the_pulse_swaps_the_pulse_card(client, sign_in, org, one):
    sign_in(org.staff)
    response = client.post(f"/one-on-ones/{one.id}/pulse", data={"pulse": "4"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section class="card oo-pulse" id="pulse"')
    assert 'aria-pressed="true"' in response.text
    assert db.session.get(OneOnOne, one.id).pulse == 4
    bad = client.post(f"/one-on-ones/{one.id}/pulse", data={"pulse": "9"}, headers={"HX-Request": "true"})
    assert bad.status_code == 422
    assert "Choose a number from 1 to 5." in bad.text
    db.session.expire_all()
    assert db.session.get(OneOnOne, one.id).pulse == 4


def test_the_manager_sees_the_answer_not_the_question(client, sign_in, org, one):
    one.pulse = 2
    db.session.commit()
    sign_in(org.sm)
    page = client.get(f"/one-on-ones/{one.id}").text
    assert 'name="pulse"' not in page
    assert "Not great" in page


def test_adding_an_agenda_point_returns_the_agenda_fragment(client, sign_in, org, one):
    sign_in(org.sm)
    response = client.post(f"/one-on-ones/{one.id}/agenda", data={"text": "Your first month"},
                           headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section class="card" id="agenda"')
    assert "Your first month" in response.text and "<html" not in response.text
    empty = client.post(f"/one-on-ones/{one.id}/agenda", data={"text": " "}, headers={"HX-Request": "true"})
    assert empty.status_code == 422
    assert "Write a few words first." in empty.text


def test_without_javascript_a_change_redirects_back_with_a_message(client, sign_in, org, one):
    sign_in(org.staff)
    response = client.post(f"/one-on-ones/{one.id}/agenda", data={"text": "Your first month"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/one-on-ones/{one.id}")
    assert "Added to the agenda." in client.get(f"/one-on-ones/{one.id}").text


def test_the_detail_fragment_is_the_body_without_the_shell(client, sign_in, org, one):
    sign_in(org.sm)
    fragment = client.htmx_get(f"/one-on-ones/{one.id}")
    assert fragment.status_code == 200
    assert '<div id="oneonone-body"' in fragment.text and "<html" not in fragment.text


def test_actions_are_added_and_ticked(client, sign_in, org, one):
    sign_in(org.sm)
    due = (local_time(utcnow(), zone_for(org.sm)).date() + timedelta(days=3)).isoformat()
    response = client.post(f"/one-on-ones/{one.id}/actions", headers={"HX-Request": "true"},
                           data={"action_text": "Learn the till", "owner_id": org.staff.id, "due_on": due})
    assert response.status_code == 200 and "Learn the till" in response.text
    item = db.session.scalar(sa.select(ActionItem))
    assert item.owner_id == org.staff.id and item.due_on.isoformat() == due
    bad = client.post(f"/one-on-ones/{one.id}/actions", headers={"HX-Request": "true"},
                      data={"action_text": "Whose?", "owner_id": org.colleague.id})
    assert bad.status_code == 422
    sign_in(org.staff)
    ticked = client.post(f"/one-on-ones/{one.id}/actions/{item.id}/toggle", headers={"HX-Request": "true"})
    assert ticked.status_code == 200
    db.session.expire_all()
    assert db.session.get(ActionItem, item.id).done_at is not None


def test_an_action_of_another_pair_is_not_found(client, sign_in, org, one):
    other = make_one_on_one(org.sm, org.colleague)
    item = add_action(other, org.colleague)
    db.session.commit()
    sign_in(org.staff)
    assert client.post(f"/one-on-ones/{one.id}/actions/{item.id}/toggle").status_code == 404


def test_complete_with_confirmation_then_nothing_changes(client, sign_in, org, one):
    sign_in(org.sm)
    page = client.get(f"/one-on-ones/{one.id}").text
    assert "Mark as done…" in page and "Yes, it" in page
    assert client.post(f"/one-on-ones/{one.id}/complete").status_code == 303
    db.session.expire_all()
    assert db.session.get(OneOnOne, one.id).status == "done"
    sign_in(org.staff)
    assert client.post(f"/one-on-ones/{one.id}/agenda", data={"text": "Late"},
                       headers={"HX-Request": "true"}).status_code == 422


# My 1:1s -------------------------------------------------------------------------------------------

def test_my_list_shows_what_i_am_in(client, sign_in, org, one):
    make_one_on_one(org.dm, org.sm, days=3)
    make_one_on_one(org.sm, org.colleague, days=-5, status="done")
    make_one_on_one(org.sibling_sm, org.sibling_staff, days=1)
    db.session.commit()
    sign_in(org.staff)
    page = client.get("/one-on-ones/").text
    assert org.sm.full_name in page and "Pulse to answer" in page
    assert org.colleague.full_name not in page and "Book a 1:1" not in page
    sign_in(org.sm)
    page = client.get("/one-on-ones/").text
    assert all(person.full_name in page for person in (org.staff, org.colleague, org.dm))
    assert org.sibling_staff.full_name not in page
    fragment = client.htmx_get("/one-on-ones/")
    assert '<div class="stack" id="oneonone-list">' in fragment.text and "<html" not in fragment.text


# Booking -------------------------------------------------------------------------------------------

def _when(days: int = 2):
    moment = local_time(utcnow() + timedelta(days=days), zone_for_default())
    return {"day": moment.date().isoformat(), "time": "10:30"}


def zone_for_default():
    from zoneinfo import ZoneInfo

    return ZoneInfo("Europe/Rome")


def test_the_form_preselects_the_person_from_the_coaching_link(client, sign_in, org):
    sign_in(org.sm)
    page = client.get(f"/one-on-ones/new?with={org.staff.id}").text
    assert f'<option selected value="{org.staff.id}">' in page
    assert org.sibling_staff.full_name not in page and org.dm.full_name not in page
    assert client.get(f"/one-on-ones/new?with={org.sibling_staff.id}").status_code == 404


def test_booking_a_1on1(client, sign_in, org):
    sign_in(org.sm)
    response = client.post("/one-on-ones/new", data={"person_id": org.staff.id, **_when()})
    assert response.status_code == 303
    one = db.session.scalar(sa.select(OneOnOne))
    assert (one.manager_id, one.person_id) == (org.sm.id, org.staff.id)
    assert local_time(one.scheduled_at, zone_for_default()).strftime("%H:%M") == "10:30"


def test_booking_in_the_past_is_refused_with_a_message(client, sign_in, org):
    sign_in(org.sm)
    response = client.post("/one-on-ones/new", data={"person_id": org.staff.id, **_when(-2)})
    assert response.status_code == 422
    assert "That time has already passed" in response.text
    assert db.session.scalar(sa.select(sa.func.count(OneOnOne.id))) == 0


def test_booking_someone_outside_your_scope_is_not_found(client, sign_in, org):
    sign_in(org.sm)
    assert client.post("/one-on-ones/new", data={"person_id": org.other_staff.id, **_when()}).status_code == 404
    sign_in(org.staff)
    assert client.post("/one-on-ones/new", data={"person_id": org.colleague.id, **_when()}).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(OneOnOne.id))) == 0


def test_rescheduling(client, sign_in, org, one):
    sign_in(org.sm)
    assert client.get(f"/one-on-ones/{one.id}/reschedule").status_code == 200
    response = client.post(f"/one-on-ones/{one.id}/reschedule", data=_when(5))
    assert response.status_code == 303
    db.session.expire_all()
    assert local_time(db.session.get(OneOnOne, one.id).scheduled_at, zone_for_default()).strftime("%H:%M") == "10:30"
    assert client.post(f"/one-on-ones/{one.id}/reschedule", data=_when(-5)).status_code == 422
    sign_in(org.staff)
    assert client.get(f"/one-on-ones/{one.id}/reschedule").status_code == 404


def test_detail_page_query_count_does_not_grow_with_items(client, sign_in, org, one, count_queries):
    sign_in(org.sm)
    earlier_id = make_one_on_one(org.sm, org.staff, days=-20, status="done").id
    one_id, staff_id, sm_id = one.id, org.staff.id, org.sm.id
    db.session.commit()

    def measure():
        with count_queries() as counter:
            assert client.get(f"/one-on-ones/{one_id}").status_code == 200
        return counter.count

    few = measure()
    earlier = db.session.get(OneOnOne, earlier_id)
    current = db.session.get(OneOnOne, one_id)
    staff, sm = db.session.get(type(org.staff), staff_id), db.session.get(type(org.sm), sm_id)
    for n in range(8):
        add_action(earlier, staff if n % 2 else sm, f"Carried {n}")
        add_action(current, staff, f"New {n}")
        add_agenda(current, staff if n % 2 else sm, f"Point {n}")
    db.session.commit()
    assert measure() == few
