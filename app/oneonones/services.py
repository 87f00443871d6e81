"""Writes for 1:1 check-ins. Plain arguments, never `request`; services flush, the route commits.

Who may do what (checked here, so the API, jobs and tests get the same rules as the pages):
- scheduling: anyone who manages the person (app.org.authz.can_manage_person), for themselves as manager
- the agenda, action items: both participants; an action item is ticked by its owner or by the manager
- the pulse: only the person, while the 1:1 is still scheduled
- shared notes, private notes, complete, cancel, reschedule: only the manager of the 1:1"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from app.core.errors import ServiceError
from app.core.models import utcnow
from app.core.text import required_text
from app.extensions import db
from app.oneonones.models import (
    PULSE_MAX,
    PULSE_MIN,
    ActionItem,
    AgendaItem,
    OneOnOne,
    OneOnOneStatus,
    PrivateNote,
)
from app.org.authz import can_manage_person
from app.org.models import Person

MAX_ITEM = 280
MAX_NOTES = 5000
# How far ahead a 1:1 can be booked, and how late "now" may be (a form filled in for 10:00 at 10:00).
MAX_AHEAD = timedelta(days=366)
GRACE = timedelta(minutes=5)
# A 1:1 has no end time; it holds both participants for this long. Another 1:1 of either of them (as
# manager or as person) starting less than this before or after is a clash.
SLOT = timedelta(minutes=30)


def _refuse(message: str, field: str | None = None):
    raise ServiceError(message, field=field)


def _require_manager(actor: Person, one: OneOnOne) -> None:
    if actor.id != one.manager_id:
        _refuse(_("Only %(name)s can change that.", name=one.manager.first_name))


def _require_participant(actor: Person, one: OneOnOne) -> None:
    if not one.is_participant(actor.id):
        _refuse(_("This 1:1 isn't yours."))


def _require_open(one: OneOnOne) -> None:
    if not one.is_scheduled:
        _refuse(_("This 1:1 is closed: nothing can change any more."))


def _clean_text(text: str | None, field: str, limit: int = MAX_ITEM) -> str:
    return required_text(text, max_length=limit, field=field, required_message=_("Write a few words first."),
                         too_long_message=_("Keep it under %(n)d characters.", n=limit))


def _check_time(scheduled_at: datetime | None, now: datetime) -> datetime:
    if scheduled_at is None:
        _refuse(_("Choose a day and a time."), "day")
    if scheduled_at < now - GRACE:
        _refuse(_("That time has already passed: choose a time from now on."), "day")
    if scheduled_at > now + MAX_AHEAD:
        _refuse(_("Book it within the next year."), "day")
    return scheduled_at


# Scheduling ---------------------------------------------------------------------------------------

def _lock_participants(*people: Person) -> None:
    """Serialise bookings that share a participant, so two taps (or two managers) can't both find the
    slot free: row locks on both people, in id order against deadlocks (FOR NO KEY UPDATE on PostgreSQL;
    SQLite's BEGIN IMMEDIATE already serialises writers)."""
    ids = sorted({person.id for person in people})
    db.session.execute(sa.select(Person.id).where(Person.id.in_(ids)).order_by(Person.id)
                       .with_for_update(key_share=True))


def _refuse_clash(manager: Person, person: Person, scheduled_at: datetime, *, moving: OneOnOne | None = None) -> None:
    """Refuse a time that overlaps another scheduled 1:1 of the manager or the person (in either seat)."""
    pair = (manager.id, person.id)
    query = (sa.select(OneOnOne).where(
        OneOnOne.status == OneOnOneStatus.SCHEDULED,
        sa.or_(OneOnOne.manager_id.in_(pair), OneOnOne.person_id.in_(pair)),
        OneOnOne.scheduled_at > scheduled_at - SLOT, OneOnOne.scheduled_at < scheduled_at + SLOT)
        .order_by(OneOnOne.scheduled_at, OneOnOne.id).limit(1))
    if moving is not None:
        query = query.where(OneOnOne.id != moving.id)
    clash = db.session.scalar(query)
    if clash is None:
        return
    if person.id in (clash.manager_id, clash.person_id) and manager.id not in (clash.manager_id, clash.person_id):
        _refuse(_("%(name)s already has a 1:1 at that time: choose another time.", name=person.first_name), "day")
    _refuse(_("You already have a 1:1 at that time: choose another time."), "day")


def schedule(manager: Person, person: Person, scheduled_at: datetime | None, *,
             now: datetime | None = None) -> OneOnOne:
    """Book a 1:1 of `manager` with `person` at `scheduled_at` (naive UTC), and nudge the person."""
    if person.id == manager.id or not can_manage_person(manager, person):
        _refuse(_("You can only book 1:1s with people you manage."), "person_id")
    if not person.active:
        _refuse(_("%(name)s's account is switched off.", name=person.first_name), "person_id")
    scheduled_at = _check_time(scheduled_at, now or utcnow())
    _lock_participants(manager, person)
    _refuse_clash(manager, person, scheduled_at)
    one = OneOnOne(manager_id=manager.id, person_id=person.id, scheduled_at=scheduled_at,
                   status=OneOnOneStatus.SCHEDULED, notes="")
    db.session.add(one)
    db.session.flush()
    _nudge_scheduled(one, manager, person)
    return one


def reschedule(actor: Person, one: OneOnOne, scheduled_at: datetime | None, *,
               now: datetime | None = None) -> None:
    _require_manager(actor, one)
    _require_open(one)
    scheduled_at = _check_time(scheduled_at, now or utcnow())
    _lock_participants(actor, one.person)
    _refuse_clash(actor, one.person, scheduled_at, moving=one)
    one.scheduled_at = scheduled_at
    db.session.flush()
    _nudge_scheduled(one, actor, one.person)


def _nudge_scheduled(one: OneOnOne, manager: Person, person: Person) -> None:
    from app import nudges
    from app.oneonones.reminders import stamp, when_for

    nudges.send(person.id, "one_on_one_scheduled", nudges.path_for("oneonones.detail", one_on_one_id=one.id),
                dedupe_key=f"one_on_one_scheduled:{one.id}:{stamp(one)}", name=manager.first_name,
                when=when_for(one, person), one_on_one_id=one.id)


def complete(actor: Person, one: OneOnOne, *, now: datetime | None = None) -> None:
    _close(actor, one, OneOnOneStatus.DONE, "completed_at", now)


def cancel(actor: Person, one: OneOnOne, *, now: datetime | None = None) -> None:
    _close(actor, one, OneOnOneStatus.CANCELLED, "cancelled_at", now)


def _close(actor: Person, one: OneOnOne, status: str, stamp_column: str, now: datetime | None) -> None:
    """The manager ends a scheduled 1:1, done or cancelled, stamping when."""
    _require_manager(actor, one)
    _require_open(one)
    one.status = status
    setattr(one, stamp_column, now or utcnow())
    db.session.flush()


# Pulse --------------------------------------------------------------------------------------------

def answer_pulse(actor: Person, one: OneOnOne, value) -> None:
    """The person's answer to "how did you feel at work since last time?": a whole number 1-5."""
    if actor.id != one.person_id:
        _refuse(_("Only %(name)s answers this question.", name=one.person.first_name))
    _require_open(one)
    try:
        pulse = int(value)
    except (TypeError, ValueError):
        pulse = None
    if pulse is None or not PULSE_MIN <= pulse <= PULSE_MAX or str(value).strip() != str(pulse):
        _refuse(_("Choose a number from 1 to 5."), "pulse")
    one.pulse = pulse
    one.pulse_at = utcnow()
    db.session.flush()


# Agenda -------------------------------------------------------------------------------------------

def add_agenda_item(actor: Person, one: OneOnOne, text: str | None) -> AgendaItem:
    _require_participant(actor, one)
    _require_open(one)
    item = AgendaItem(one_on_one_id=one.id, author_id=actor.id, text=_clean_text(text, "text"), done=False)
    db.session.add(item)
    db.session.flush()
    return item


def toggle_agenda_item(actor: Person, one: OneOnOne, item: AgendaItem) -> None:
    _require_participant(actor, one)
    _require_open(one)
    if item.one_on_one_id != one.id:
        _refuse(_("That point belongs to another 1:1."))
    item.done = not item.done
    db.session.flush()


# Notes --------------------------------------------------------------------------------------------

def save_notes(actor: Person, one: OneOnOne, text: str | None) -> None:
    """Shared notes: written by the manager, read by both. Still editable after the 1:1 is done (notes
    are often finished afterwards); not once it is cancelled."""
    _require_manager(actor, one)
    if one.status == OneOnOneStatus.CANCELLED:
        _refuse(_("This 1:1 was cancelled."))
    text = (text or "").strip()
    if len(text) > MAX_NOTES:
        _refuse(_("Keep it under %(n)d characters.", n=MAX_NOTES), "notes")
    one.notes = text
    db.session.flush()


def save_private_note(actor: Person, one: OneOnOne, text: str | None) -> PrivateNote:
    """The manager's own note: stored under their id and only ever read back for them."""
    _require_manager(actor, one)
    text = (text or "").strip()
    if len(text) > MAX_NOTES:
        _refuse(_("Keep it under %(n)d characters.", n=MAX_NOTES), "private_note")
    note = db.session.scalar(sa.select(PrivateNote).where(PrivateNote.one_on_one_id == one.id,
                                                          PrivateNote.author_id == actor.id))
    if note is None:
        note = PrivateNote(one_on_one_id=one.id, author_id=actor.id, text=text)
        db.session.add(note)
    else:
        note.text = text
    db.session.flush()
    return note


# Action items -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ActionDraft:
    text: str | None
    owner_id: int | None
    due_on: date | None


def add_action_item(actor: Person, one: OneOnOne, draft: ActionDraft, *, today: date | None = None) -> ActionItem:
    _require_participant(actor, one)
    if one.status == OneOnOneStatus.CANCELLED:
        _refuse(_("This 1:1 was cancelled."))
    text = _clean_text(draft.text, "action_text")
    if draft.owner_id not in (one.manager_id, one.person_id):
        _refuse(_("Choose who will do it."), "owner_id")
    if draft.due_on is not None and today is not None and draft.due_on < today:
        _refuse(_("The due date has already passed."), "due_on")
    item = ActionItem(manager_id=one.manager_id, person_id=one.person_id, one_on_one_id=one.id,
                      owner_id=draft.owner_id, text=text, due_on=draft.due_on, created_by_id=actor.id)
    db.session.add(item)
    db.session.flush()
    return item


def toggle_action_item(actor: Person, one: OneOnOne, item: ActionItem) -> None:
    """Done, or open again. The owner ticks their own; the manager can tick any of the pair's."""
    _require_participant(actor, one)
    if (item.manager_id, item.person_id) != (one.manager_id, one.person_id):
        _refuse(_("That action belongs to another 1:1."))
    if actor.id not in (item.owner_id, one.manager_id):
        _refuse(_("Only %(name)s can tick this one.", name=item.owner.first_name))
    item.done_at = None if item.done_at is not None else utcnow()
    db.session.flush()
