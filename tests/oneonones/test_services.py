from datetime import date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from app.core.errors import ServiceError
from app.core.models import utcnow
from app.core.timezones import utc_of
from app.extensions import db
from app.nudges.models import Notification
from app.oneonones import queries, services
from app.oneonones.models import ActionItem, OneOnOne, PrivateNote
from tests.oneonones.conftest import add_action, add_agenda, make_one_on_one

SOON = lambda hours=48: (utcnow() + timedelta(hours=hours)).replace(microsecond=0)  # noqa: E731


# Scheduling ---------------------------------------------------------------------------------------

def test_a_store_manager_books_a_1on1_and_the_person_is_nudged(org):
    one = services.schedule(org.sm, org.staff, SOON())
    db.session.commit()
    assert (one.manager_id, one.person_id, one.status) == (org.sm.id, org.staff.id, "scheduled")
    nudge = db.session.scalar(sa.select(Notification).where(Notification.person_id == org.staff.id))
    assert nudge.nudge_type == "one_on_one_scheduled"
    assert "Sofia" in nudge.title
    assert nudge.url == f"/one-on-ones/{one.id}"


def test_a_time_in_the_past_is_refused_and_nothing_is_booked(org):
    with pytest.raises(ServiceError) as refused:
        services.schedule(org.sm, org.staff, utcnow() - timedelta(hours=1))
    assert refused.value.field == "day"
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(OneOnOne.id))) == 0


def test_missing_time_and_far_future_are_refused(org):
    with pytest.raises(ServiceError):
        services.schedule(org.sm, org.staff, None)
    with pytest.raises(ServiceError):
        services.schedule(org.sm, org.staff, utcnow() + timedelta(days=400))


@pytest.mark.parametrize("manager, person", [("sm", "sibling_staff"), ("sm", "other_staff"), ("staff", "colleague"),
                                             ("sm", "sm"), ("sibling_sm", "staff"), ("dm", "other_sm")])
def test_only_people_you_manage_can_be_booked(org, manager, person):
    with pytest.raises(ServiceError):
        services.schedule(getattr(org, manager), getattr(org, person), SOON())


def test_district_managers_and_hr_book_with_people_they_manage(org):
    assert services.schedule(org.dm, org.sm, SOON()).manager_id == org.dm.id
    # Not at the same time: the district manager sits in both (a clash, see the double-booking tests).
    assert services.schedule(org.hr, org.dm, SOON(50)).person_id == org.dm.id


def test_wall_clock_time_is_stored_as_utc():
    # 10:00 in Rome in winter is 09:00 UTC, in summer 08:00 UTC.
    from zoneinfo import ZoneInfo

    rome = ZoneInfo("Europe/Rome")
    assert utc_of(date(2026, 12, 3), time(10, 0), rome) == datetime(2026, 12, 3, 9, 0)
    assert utc_of(date(2026, 7, 3), time(10, 0), rome) == datetime(2026, 7, 3, 8, 0)


def test_reschedule_moves_it_and_tells_the_person_again(org):
    one = services.schedule(org.sm, org.staff, SOON())
    services.reschedule(org.sm, one, SOON(72))
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(Notification.id))
                             .where(Notification.person_id == org.staff.id)) == 2
    with pytest.raises(ServiceError):
        services.reschedule(org.staff, one, SOON(96))  # only the manager moves it


def test_complete_and_cancel_are_the_managers_and_close_the_1on1(org):
    one = make_one_on_one(org.sm, org.staff)
    with pytest.raises(ServiceError):
        services.complete(org.staff, one)
    services.complete(org.sm, one)
    assert one.status == "done" and one.completed_at is not None
    with pytest.raises(ServiceError):
        services.cancel(org.sm, one)  # closed: nothing changes any more
    with pytest.raises(ServiceError):
        services.add_agenda_item(org.staff, one, "Too late")


# Pulse --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["0", "6", "", None, "three", "2.5", "-1", "10"])
def test_pulse_is_a_whole_number_from_1_to_5(org, value):
    one = make_one_on_one(org.sm, org.staff)
    with pytest.raises(ServiceError) as refused:
        services.answer_pulse(org.staff, one, value)
    assert refused.value.field == "pulse"
    assert one.pulse is None


@pytest.mark.parametrize("value", ["1", "3", "5", 4])
def test_the_person_answers_the_pulse(org, value):
    one = make_one_on_one(org.sm, org.staff)
    services.answer_pulse(org.staff, one, value)
    assert one.pulse == int(value) and one.pulse_at is not None


def test_only_the_person_answers_and_only_while_scheduled(org):
    one = make_one_on_one(org.sm, org.staff)
    with pytest.raises(ServiceError):
        services.answer_pulse(org.sm, one, "4")
    done = make_one_on_one(org.sm, org.staff, days=-3, status="done")
    with pytest.raises(ServiceError):
        services.answer_pulse(org.staff, done, "4")


# Agenda and notes ---------------------------------------------------------------------------------

def test_both_add_agenda_points_and_others_cannot(org):
    one = make_one_on_one(org.sm, org.staff)
    services.add_agenda_item(org.staff, one, "  Weekend   shifts ")
    services.add_agenda_item(org.sm, one, "Your onboarding")
    assert [item.text for item in queries.detail(org.staff, one).agenda] == ["Weekend shifts", "Your onboarding"]
    with pytest.raises(ServiceError):
        services.add_agenda_item(org.colleague, one, "Me too")
    with pytest.raises(ServiceError):
        services.add_agenda_item(org.staff, one, "   ")
    with pytest.raises(ServiceError):
        services.add_agenda_item(org.staff, one, "x" * 281)


def test_ticking_an_agenda_point_flips_it(org):
    one = make_one_on_one(org.sm, org.staff)
    item = add_agenda(one, org.staff)
    services.toggle_agenda_item(org.sm, one, item)
    assert item.done
    services.toggle_agenda_item(org.staff, one, item)
    assert not item.done


def test_shared_notes_are_the_managers_and_the_private_note_is_kept_per_author(org):
    one = make_one_on_one(org.sm, org.staff)
    with pytest.raises(ServiceError):
        services.save_notes(org.staff, one, "I write the notes")
    with pytest.raises(ServiceError):
        services.save_private_note(org.staff, one, "Peek")
    services.save_notes(org.sm, one, "We agreed on the weekend rota.")
    services.save_private_note(org.sm, one, "Seems tired; check workload.")
    services.save_private_note(org.sm, one, "Seems tired; check the workload.")
    assert one.notes == "We agreed on the weekend rota."
    notes = db.session.scalars(sa.select(PrivateNote)).all()
    assert [(n.author_id, n.text) for n in notes] == [(org.sm.id, "Seems tired; check the workload.")]
    assert queries.detail(org.staff, one).private_note is None
    assert queries.detail(org.sm, one).private_note.text == "Seems tired; check the workload."


# Action items -------------------------------------------------------------------------------------

def test_an_action_needs_an_owner_of_the_pair_and_a_due_date_not_in_the_past(org):
    one = make_one_on_one(org.sm, org.staff)
    today = date.today()
    with pytest.raises(ServiceError) as refused:
        services.add_action_item(org.sm, one, services.ActionDraft("Do it", org.colleague.id, None), today=today)
    assert refused.value.field == "owner_id"
    with pytest.raises(ServiceError) as refused:
        services.add_action_item(org.sm, one, services.ActionDraft("Do it", org.staff.id,
                                                                   today - timedelta(days=1)), today=today)
    assert refused.value.field == "due_on"
    item = services.add_action_item(org.staff, one, services.ActionDraft("Learn the till", org.staff.id,
                                                                         today + timedelta(days=7)), today=today)
    assert (item.manager_id, item.person_id, item.owner_id, item.created_by_id) == (
        org.sm.id, org.staff.id, org.staff.id, org.staff.id)


def test_open_actions_are_carried_to_every_later_1on1_until_done(org):
    first = make_one_on_one(org.sm, org.staff, days=-30, status="done")
    done_early = add_action(first, org.staff, "Done before the second", done=True)
    done_early.done_at = first.scheduled_at - timedelta(hours=1)
    open_one = add_action(first, org.staff, "Learn the new till")
    second = make_one_on_one(org.sm, org.staff, days=-10, status="done")
    third = make_one_on_one(org.sm, org.staff, days=5)
    other_pair = make_one_on_one(org.sm, org.colleague, days=-20, status="done")
    add_action(other_pair, org.colleague, "Not Sara's")

    def carried(one):
        return [item.text for item in queries.detail(org.sm, one).carried]

    assert carried(second) == ["Learn the new till"]
    assert carried(third) == ["Learn the new till"]
    assert [item.text for item in queries.detail(org.sm, first).actions] == [
        "Learn the new till", "Done before the second"]

    services.toggle_action_item(org.staff, third, open_one)  # ticked from the latest 1:1
    db.session.flush()
    # Still shown (as done) in the next 1:1, the one it was ticked before; gone from a 1:1 after that.
    assert carried(third) == ["Learn the new till"]
    assert queries.detail(org.sm, third).carried[0].is_done
    fourth = make_one_on_one(org.sm, org.staff, days=40)
    assert carried(fourth) == []


def test_the_owner_or_the_manager_ticks_an_action(org):
    one = make_one_on_one(org.sm, org.staff)
    managers = add_action(one, org.sm, "Order name badges")
    persons = add_action(one, org.staff, "Read the guide")
    with pytest.raises(ServiceError):
        services.toggle_action_item(org.staff, one, managers)
    services.toggle_action_item(org.sm, one, persons)
    assert persons.is_done
    services.toggle_action_item(org.staff, one, persons)
    assert not persons.is_done
    other = make_one_on_one(org.sm, org.colleague)
    with pytest.raises(ServiceError):
        services.toggle_action_item(org.sm, other, persons)  # an action of another pair


def test_actions_can_still_be_added_after_the_1on1_is_done(org):
    one = make_one_on_one(org.sm, org.staff, days=-1, status="done")
    services.add_action_item(org.sm, one, services.ActionDraft("Follow up", org.sm.id, None))
    assert db.session.scalar(sa.select(sa.func.count(ActionItem.id))) == 1


# Double booking -----------------------------------------------------------------------------------

def test_double_booking_the_same_slot_is_refused_for_the_manager_and_the_person(org):
    services.schedule(org.sm, org.staff, SOON())
    db.session.commit()
    with pytest.raises(ServiceError, match="You already have a 1:1") as refused:  # the manager, another person
        services.schedule(org.sm, org.colleague, SOON() + timedelta(minutes=15))
    assert refused.value.field == "day"
    db.session.rollback()
    with pytest.raises(ServiceError, match="Sara already has a 1:1"):  # the person, another manager
        services.schedule(org.dm, org.staff, SOON())
    db.session.rollback()
    with pytest.raises(ServiceError):  # the store manager is the person of the district manager's 1:1
        services.schedule(org.dm, org.sm, SOON() - timedelta(minutes=29))
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(OneOnOne.id))) == 1
    # Half an hour later is free; so is the same time once the first one is cancelled.
    services.schedule(org.sm, org.colleague, SOON() + timedelta(minutes=30))
    first = db.session.scalar(sa.select(OneOnOne).where(OneOnOne.person_id == org.staff.id))
    services.cancel(org.sm, first)
    services.schedule(org.sm, org.staff, SOON())
    db.session.commit()


def test_double_booking_by_rescheduling_onto_a_taken_slot_is_refused(org):
    services.schedule(org.sm, org.staff, SOON())
    other = services.schedule(org.sm, org.colleague, SOON(50))
    db.session.commit()
    with pytest.raises(ServiceError, match="You already have a 1:1"):
        services.reschedule(org.sm, other, SOON() + timedelta(minutes=10))
    db.session.rollback()
    services.reschedule(org.sm, other, SOON(50) + timedelta(minutes=10))  # moving within its own slot is fine


def test_double_booking_under_two_simultaneous_taps_books_once(app, org):
    """Two requests booking the same slot at the same moment, each in its own session and transaction:
    the participants' row locks make the second one see the first, on SQLite and PostgreSQL alike."""
    import threading

    from app.org.models import Person

    when = SOON()
    manager_id, person_id = org.sm.id, org.staff.id
    db.session.commit()
    barrier = threading.Barrier(2)
    outcomes = []

    def tap():
        with app.app_context():
            manager, person = db.session.get(Person, manager_id), db.session.get(Person, person_id)
            db.session.commit()
            barrier.wait()
            try:
                services.schedule(manager, person, when)
                db.session.commit()
                outcomes.append("booked")
            except ServiceError:
                db.session.rollback()
                outcomes.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=tap) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["booked", "refused"]
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(OneOnOne.id))) == 1
