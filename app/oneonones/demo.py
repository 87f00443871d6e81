"""1:1s for the demo chain: Sofia Moretti (sm@demo.ascent) has met most of her Milano Duomo team every few
weeks, with pulses and action items (some still open, so they carry over), and meets Sara Bianchi
(staff@demo.ascent) tomorrow morning. A few people she hasn't met for a while, so the coaching view has
some "coaching debt" to show. Davide Marchetti (dm@demo.ascent) met Sofia last month.

Rows are written directly (the services nudge people, which a demo load shouldn't). Flushes; the caller
commits. Running it again adds nothing."""

import random
from datetime import datetime, time, timedelta

import sqlalchemy as sa

from app.core.models import utcnow
from app.core.timezones import local_time, utc_of, zone_for
from app.extensions import db
from app.oneonones.models import ActionItem, AgendaItem, OneOnOne, OneOnOneStatus, PrivateNote
from app.org.models import Person, Role

AGENDA = ["Weekend rota", "The new loyalty app", "How the window display went", "Training on the new till",
          "Feedback from customers", "Holidays in August", "Stock room order", "Upselling accessories"]
ACTIONS = ["Shadow Giulia on a Saturday shift", "Finish the till training module", "Try the accessory pitch",
           "Order name badges for the new starters", "Set up the loyalty app on the store tablet",
           "Draft the autumn window plan", "Book a day at the VM academy", "Share the customer comments"]
NOTES = ["Good month: conversion up on her shifts. Agreed to try the accessory pitch on quiet afternoons.",
         "Talked about the weekend rota and the new starters. Happy with the team, a bit tired of late closings.",
         "Reviewed the till training. Wants more time on the shop floor with the visual merchandising team."]


def _at(days_from_today: int, hour: int, minute: int, person: Person) -> datetime:
    zone = zone_for(person)
    today = local_time(utcnow(), zone).date()
    return utc_of(today + timedelta(days=days_from_today), time(hour, minute), zone)


def _meeting(manager: Person, person: Person, when: datetime, *, status: str, pulse: int | None = None,
             notes: str = "") -> OneOnOne:
    one = OneOnOne(manager_id=manager.id, person_id=person.id, scheduled_at=when, status=status, pulse=pulse,
                   pulse_at=when if pulse else None, notes=notes, created_at=when - timedelta(days=7),
                   completed_at=when + timedelta(minutes=30) if status == OneOnOneStatus.DONE else None)
    db.session.add(one)
    db.session.flush()
    return one


def _action(one: OneOnOne, owner: Person, text: str, *, due_in_days: int, done: bool) -> None:
    db.session.add(ActionItem(
        manager_id=one.manager_id, person_id=one.person_id, one_on_one_id=one.id, owner_id=owner.id, text=text,
        due_on=(one.scheduled_at + timedelta(days=due_in_days)).date(), created_by_id=one.manager_id,
        created_at=one.scheduled_at + timedelta(minutes=25),
        done_at=one.scheduled_at + timedelta(days=max(1, due_in_days - 2)) if done else None))


def load_oneonones() -> None:
    sm = db.session.scalar(sa.select(Person).where(Person.email == "sm@demo.ascent"))
    if sm is None or db.session.scalar(sa.select(OneOnOne.id).where(OneOnOne.manager_id == sm.id).limit(1)):
        return
    rng = random.Random(20261203)
    team = list(db.session.scalars(sa.select(Person).where(
        Person.store_id == sm.store_id, Person.role == Role.STAFF, Person.active.is_(True))
        .order_by(Person.email.is_(None), Person.employee_number)))
    # The first two (Sara among them) meet every three weeks; the next few less often; the rest never yet.
    for index, person in enumerate(team[:7]):
        gap = 21 if index < 2 else 35
        meetings = 3 if index < 4 else 1
        start = -(gap * meetings) - (0 if index < 2 else 12)
        pulse = rng.randint(3, 5)
        for n in range(meetings):
            when = _at(start + gap * n, 10 + n % 3, 0 if n % 2 else 30, sm)
            pulse = max(1, min(5, pulse + rng.choice((-1, 0, 0, 1)) - (1 if index == 3 and n else 0)))
            one = _meeting(sm, person, when, status=OneOnOneStatus.DONE, pulse=pulse, notes=NOTES[(index + n) % 3])
            for k, text in enumerate(rng.sample(AGENDA, 2)):
                db.session.add(AgendaItem(one_on_one_id=one.id, author_id=person.id if k == 0 else sm.id,
                                          text=text, done=True, created_at=when - timedelta(days=2)))
            last = n == meetings - 1
            _action(one, person, ACTIONS[(index + n) % len(ACTIONS)], due_in_days=14, done=not last)
            if index % 2 == 0:
                _action(one, sm, ACTIONS[(index + n + 3) % len(ACTIONS)], due_in_days=7, done=not (last and index))
        if index == 0:
            db.session.add(PrivateNote(one_on_one_id=one.id, author_id=sm.id,
                                       text="Ready for more responsibility: think about the Leader stage."))
    sara = next((person for person in team if person.email == "staff@demo.ascent"), team[0] if team else None)
    if sara is not None:
        tomorrow = _meeting(sm, sara, _at(1, 10, 0, sm), status=OneOnOneStatus.SCHEDULED)
        db.session.add_all([
            AgendaItem(one_on_one_id=tomorrow.id, author_id=sara.id, text="Can I lead the Saturday team huddle?"),
            AgendaItem(one_on_one_id=tomorrow.id, author_id=sm.id, text="Your first month on the new till"),
        ])
    if len(team) > 2:
        _meeting(sm, team[2], _at(6, 15, 0, sm), status=OneOnOneStatus.SCHEDULED)

    dm = db.session.scalar(sa.select(Person).where(Person.email == "dm@demo.ascent"))
    if dm is not None:
        one = _meeting(dm, sm, _at(-26, 9, 0, dm), status=OneOnOneStatus.DONE, pulse=4,
                       notes="Store on track. Agreed to book 1:1s with the two newest associates.")
        _action(one, sm, "Book 1:1s with the new starters", due_in_days=14, done=False)
    db.session.flush()
