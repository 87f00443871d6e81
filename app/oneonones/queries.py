"""Read models for 1:1s: my list, one 1:1 with its agenda and carried action items, and the managers'
coaching view. Each runs a fixed number of queries, whatever the number of people or items."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import aliased, joinedload

from app.core.models import utcnow
from app.core.timezones import local_time, zone_for
from app.extensions import db
from app.oneonones.models import ActionItem, AgendaItem, OneOnOne, OneOnOneStatus, PrivateNote
from app.oneonones.timing import days_since
from app.org.authz import managed_people
from app.org.models import Person, Role

PAST_LIMIT = 30
PULSE_TREND = 5
# A 1:1 booked for 10:00 still counts as "now" until it is closed, for this long.
RUNNING_FOR = timedelta(hours=2)


# One 1:1 ------------------------------------------------------------------------------------------

def one_on_one_for(viewer: Person, one_on_one_id: int) -> OneOnOne | None:
    """The 1:1 if `viewer` is one of its two participants; None for anyone else (the route says 404)."""
    return db.session.scalar(
        sa.select(OneOnOne).options(joinedload(OneOnOne.manager).joinedload(Person.store),
                                    joinedload(OneOnOne.person).joinedload(Person.store))
        .where(OneOnOne.id == one_on_one_id,
               sa.or_(OneOnOne.manager_id == viewer.id, OneOnOne.person_id == viewer.id)))


def managed_one_on_one_for(viewer: Person, one_on_one_id: int) -> OneOnOne | None:
    """The 1:1 if `viewer` runs it (manager-only actions)."""
    one = one_on_one_for(viewer, one_on_one_id)
    return one if one is not None and one.manager_id == viewer.id else None


@dataclass
class Detail:
    one: OneOnOne
    agenda: list[AgendaItem]
    actions: list[ActionItem]  # raised in this 1:1
    carried: list[ActionItem]  # from earlier 1:1s of the pair: open, or done since the previous one
    private_note: PrivateNote | None
    previous: OneOnOne | None
    viewer_is_manager: bool

    @property
    def open_actions(self) -> int:
        return sum(1 for item in (*self.actions, *self.carried) if not item.is_done)


def detail(viewer: Person, one: OneOnOne) -> Detail:
    """Everything the 1:1 page shows `viewer`. The private note is read only for its author."""
    previous = db.session.scalar(
        sa.select(OneOnOne).where(OneOnOne.manager_id == one.manager_id, OneOnOne.person_id == one.person_id,
                                  OneOnOne.status != OneOnOneStatus.CANCELLED,
                                  OneOnOne.scheduled_at < one.scheduled_at, OneOnOne.id != one.id)
        .order_by(OneOnOne.scheduled_at.desc()).limit(1))
    agenda = list(db.session.scalars(
        sa.select(AgendaItem).options(joinedload(AgendaItem.author))
        .where(AgendaItem.one_on_one_id == one.id).order_by(AgendaItem.done, AgendaItem.id)))
    actions, carried = _actions_for(one, previous)
    note = None
    if viewer.id == one.manager_id:
        note = db.session.scalar(sa.select(PrivateNote).where(PrivateNote.one_on_one_id == one.id,
                                                              PrivateNote.author_id == viewer.id))
    return Detail(one, agenda, actions, carried, note, previous, viewer.id == one.manager_id)


def _actions_for(one: OneOnOne, previous: OneOnOne | None) -> tuple[list[ActionItem], list[ActionItem]]:
    source = aliased(OneOnOne)
    earlier = sa.and_(source.scheduled_at < one.scheduled_at, ActionItem.one_on_one_id != one.id)
    still_relevant = ActionItem.done_at.is_(None)
    if previous is not None:
        # Ticked after the previous 1:1 began: it was still open then, so it came along to this one.
        still_relevant = sa.or_(still_relevant, ActionItem.done_at >= previous.scheduled_at)
    rows = db.session.scalars(
        sa.select(ActionItem).join(source, source.id == ActionItem.one_on_one_id)
        .options(joinedload(ActionItem.owner))
        .where(ActionItem.manager_id == one.manager_id, ActionItem.person_id == one.person_id,
               sa.or_(ActionItem.one_on_one_id == one.id, sa.and_(earlier, still_relevant)))
        .order_by(ActionItem.done_at.is_not(None), ActionItem.due_on.is_(None), ActionItem.due_on,
                  ActionItem.id)).all()
    return ([item for item in rows if item.one_on_one_id == one.id],
            [item for item in rows if item.one_on_one_id != one.id])


def action_item_of(one: OneOnOne, action_id: int) -> ActionItem | None:
    """An action item of the pair of `one` (raised in it or in any other 1:1 of theirs)."""
    return db.session.scalar(sa.select(ActionItem).options(joinedload(ActionItem.owner)).where(
        ActionItem.id == action_id, ActionItem.manager_id == one.manager_id,
        ActionItem.person_id == one.person_id))


def agenda_item_of(one: OneOnOne, item_id: int) -> AgendaItem | None:
    return db.session.scalar(sa.select(AgendaItem).where(AgendaItem.id == item_id,
                                                         AgendaItem.one_on_one_id == one.id))


# My 1:1s ------------------------------------------------------------------------------------------

@dataclass
class MyOneOnOnes:
    upcoming: list[OneOnOne]  # still scheduled, soonest first (an overdue one stays here until closed)
    past: list[OneOnOne]  # done or cancelled, newest first
    runs_any: bool  # the viewer manages someone: show the coaching link and "Book a 1:1"


def my_one_on_ones(viewer: Person) -> MyOneOnOnes:
    mine = sa.or_(OneOnOne.manager_id == viewer.id, OneOnOne.person_id == viewer.id)
    options = (joinedload(OneOnOne.manager), joinedload(OneOnOne.person))
    upcoming = list(db.session.scalars(
        sa.select(OneOnOne).options(*options)
        .where(mine, OneOnOne.status == OneOnOneStatus.SCHEDULED).order_by(OneOnOne.scheduled_at, OneOnOne.id)))
    past = list(db.session.scalars(
        sa.select(OneOnOne).options(*options)
        .where(mine, OneOnOne.status != OneOnOneStatus.SCHEDULED)
        .order_by(OneOnOne.scheduled_at.desc(), OneOnOne.id.desc()).limit(PAST_LIMIT)))
    return MyOneOnOnes(upcoming, past, viewer.role != Role.STAFF)


def schedulable_people(manager: Person) -> list[Person]:
    """Active people `manager` may book a 1:1 with: direct reports first, then by name."""
    return list(db.session.scalars(
        managed_people(manager).options(joinedload(Person.store)).where(Person.active.is_(True))
        .order_by(sa.case((Person.manager_id == manager.id, 0), else_=1), Person.full_name, Person.id)))


# Coaching view ------------------------------------------------------------------------------------

# When a gap starts to count as coaching debt ("due") and when it is overdue. A gap is measured from the last
# feedback or 1:1; "never" is measured from when the clock could have started (`_days_on_the_clock`), so a
# team imported yesterday has nobody overdue.
FEEDBACK_SOON, FEEDBACK_OVERDUE = 7, 14
ONE_ON_ONE_SOON, ONE_ON_ONE_OVERDUE = 21, 30


def direct_reports(manager: Person) -> sa.Select:
    """Whom the coaching view lists: the people `manager` coaches directly.

    - store manager: every active associate of their store (managed_people already means exactly that)
    - district manager: the store managers of their district, plus anyone else who reports to them
    - HR and admin: the people whose manager they are (manager_id), among those they manage
    Always inside app.org.authz.managed_people, so nobody appears whom the manager couldn't manage."""
    query = managed_people(manager).where(Person.active.is_(True))
    if manager.role == Role.STORE_MANAGER:
        return query.where(Person.role == Role.STAFF)
    if manager.role == Role.DISTRICT_MANAGER:
        return query.where(sa.or_(Person.role == Role.STORE_MANAGER, Person.manager_id == manager.id))
    return query.where(Person.manager_id == manager.id)


@dataclass
class CoachingRow:
    person: Person
    stage: object | None  # app.journey.models.Stage
    last_feedback_at: datetime | None
    days_since_feedback: int | None
    last_one_on_one_at: datetime | None
    days_since_one_on_one: int | None
    next_one_on_one: OneOnOne | None
    open_actions: int
    overdue_actions: int
    pulses: list[int] = field(default_factory=list)  # oldest first, at most PULSE_TREND
    days_on_clock: int = 0  # what "never" is measured against: see `_days_on_the_clock`

    @property
    def feedback_gap(self) -> int:
        return self.days_since_feedback if self.days_since_feedback is not None else self.days_on_clock

    @property
    def one_on_one_gap(self) -> int:
        return self.days_since_one_on_one if self.days_since_one_on_one is not None else self.days_on_clock

    def debt_days(self, feedback_known: bool) -> int:
        """The longest gap: without feedback, or without a 1:1 ("never" counts from the clock's start)."""
        gaps = [self.one_on_one_gap]
        if feedback_known:
            gaps.append(self.feedback_gap)
        return max(gaps)

    def level(self, feedback_known: bool) -> str:
        """overdue | soon | ok: told by an icon and a word in the page, never by colour alone."""
        fb = self.feedback_gap if feedback_known else 0
        oo = self.one_on_one_gap
        if fb >= FEEDBACK_OVERDUE or oo >= ONE_ON_ONE_OVERDUE:
            return "overdue"
        if fb >= FEEDBACK_SOON or oo >= ONE_ON_ONE_SOON or self.overdue_actions:
            return "soon"
        return "ok"

    @property
    def pulse_trend(self) -> str | None:
        """up | down | flat between the last two pulses."""
        if len(self.pulses) < 2:
            return None
        last, before = self.pulses[-1], self.pulses[-2]
        return "up" if last > before else "down" if last < before else "flat"


@dataclass
class Coaching:
    rows: list[CoachingRow]
    feedback_known: bool  # False until app.feedback answers last_feedback_at
    sort: str

    @property
    def overdue(self) -> int:
        return sum(1 for row in self.rows if row.level(self.feedback_known) == "overdue")

    @property
    def open_actions(self) -> int:
        return sum(row.open_actions for row in self.rows)

    @property
    def booked(self) -> int:
        return sum(1 for row in self.rows if row.next_one_on_one is not None)


SORTS = ("debt", "name", "feedback", "one_on_one", "actions", "pulse")


def coaching(manager: Person, sort: str = "debt", *, now: datetime | None = None) -> Coaching:
    """One row per direct report. Queries: people, 1:1 dates, open actions, pulses, stages, feedback
    (and the stage list): the same number for 3 people or 300."""
    now = now or utcnow()
    zone = zone_for(manager)
    today = local_time(now, zone).date()
    people = list(db.session.scalars(direct_reports(manager).options(joinedload(Person.store))
                                     .order_by(Person.full_name, Person.id)))
    ids = [person.id for person in people]
    last_held, next_ids = _one_on_one_dates(manager, ids, now)
    upcoming = {one.person_id: one for one in db.session.scalars(
        sa.select(OneOnOne).where(OneOnOne.id.in_(next_ids)))} if next_ids else {}
    open_counts = _open_actions(manager, ids, today)
    pulses = _pulses(manager, ids)
    stages = stages_of(people)
    feedback = _last_feedback(ids)
    rows = []
    for person in people:
        given = feedback.get(person.id) if feedback is not None else None
        held = last_held.get(person.id)
        open_total, overdue = open_counts.get(person.id, (0, 0))
        rows.append(CoachingRow(
            person=person, stage=stages.get(person.id), last_feedback_at=given,
            days_since_feedback=days_since(given, zone, today), last_one_on_one_at=held,
            days_since_one_on_one=days_since(held, zone, today), next_one_on_one=upcoming.get(person.id),
            open_actions=open_total, overdue_actions=overdue, pulses=pulses.get(person.id, []),
            days_on_clock=_days_on_the_clock(person, manager, zone, today)))
    sort = sort if sort in SORTS else "debt"
    return Coaching(_sorted(rows, sort, feedback is not None), feedback is not None, sort)


def _days_on_the_clock(person: Person, manager: Person, zone: ZoneInfo, today: date) -> int:
    """Days since the coaching clock could have started for this pair: the latest of the person's hire date,
    their arrival in Ascent (created_at) and the manager's own arrival (nobody coached in Ascent before
    their account existed: the best-known start of "their current manager manages them", since a change of
    manager is not dated). Someone hired in 2019 and imported yesterday has been on the clock one day.

    No company-wide go-live is needed: the first account's creation is never later than anyone's own."""
    days = [days_since(moment, zone, today) for moment in (person.created_at, manager.created_at)]
    if person.hire_date is not None:
        days.append(max(0, (today - person.hire_date).days))
    known = [count for count in days if count is not None]
    return min(known) if known else 0


def _sorted(rows: list[CoachingRow], sort: str, feedback_known: bool) -> list[CoachingRow]:
    name = lambda row: (row.person.full_name.casefold(), row.person.id)  # noqa: E731
    if sort == "name":
        return sorted(rows, key=name)
    if sort == "feedback":
        return sorted(rows, key=lambda row: (-row.feedback_gap, *name(row)))
    if sort == "one_on_one":
        return sorted(rows, key=lambda row: (-row.one_on_one_gap, *name(row)))
    if sort == "actions":
        return sorted(rows, key=lambda row: (-row.overdue_actions, -row.open_actions, *name(row)))
    if sort == "pulse":  # lowest latest pulse first; no pulse last
        return sorted(rows, key=lambda row: (row.pulses[-1] if row.pulses else 99, *name(row)))
    return sorted(rows, key=lambda row: (-row.debt_days(feedback_known), *name(row)))


def _one_on_one_dates(manager: Person, ids: list[int], now: datetime) -> tuple[dict[int, datetime], list[int]]:
    """({person: when the last held 1:1 took place}, ids of each person's next booked 1:1)."""
    if not ids:
        return {}, []
    pair = sa.and_(OneOnOne.manager_id == manager.id, OneOnOne.person_id.in_(ids))
    held = dict(db.session.execute(
        sa.select(OneOnOne.person_id, sa.func.max(OneOnOne.scheduled_at))
        .where(pair, OneOnOne.status == OneOnOneStatus.DONE).group_by(OneOnOne.person_id)).all())
    ranked = (sa.select(OneOnOne.id, sa.func.row_number().over(
        partition_by=OneOnOne.person_id, order_by=(OneOnOne.scheduled_at, OneOnOne.id)).label("n"))
        .where(pair, OneOnOne.status == OneOnOneStatus.SCHEDULED,
               OneOnOne.scheduled_at >= now - RUNNING_FOR).subquery())
    next_ids = list(db.session.scalars(sa.select(ranked.c.id).where(ranked.c.n == 1)))
    return held, next_ids


def _open_actions(manager: Person, ids: list[int], today: date) -> dict[int, tuple[int, int]]:
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(ActionItem.person_id, sa.func.count(ActionItem.id),
                  sa.func.count(sa.case((ActionItem.due_on < today, ActionItem.id))))
        .where(ActionItem.manager_id == manager.id, ActionItem.person_id.in_(ids), ActionItem.done_at.is_(None))
        .group_by(ActionItem.person_id)).all()
    return {person_id: (total, overdue) for person_id, total, overdue in rows}


def _pulses(manager: Person, ids: list[int]) -> dict[int, list[int]]:
    """The last PULSE_TREND pulses each person gave in 1:1s with `manager`, oldest first."""
    if not ids:
        return {}
    ranked = (sa.select(OneOnOne.person_id, OneOnOne.pulse, sa.func.row_number().over(
        partition_by=OneOnOne.person_id, order_by=(OneOnOne.scheduled_at.desc(), OneOnOne.id.desc())).label("n"))
        .where(OneOnOne.manager_id == manager.id, OneOnOne.person_id.in_(ids), OneOnOne.pulse.is_not(None),
               OneOnOne.status != OneOnOneStatus.CANCELLED).subquery())
    found: dict[int, list[int]] = {}
    for person_id, pulse, _n in db.session.execute(
            sa.select(ranked).where(ranked.c.n <= PULSE_TREND).order_by(ranked.c.person_id, ranked.c.n.desc())):
        found.setdefault(person_id, []).append(pulse)
    return found


def stages_of(people: list[Person]) -> dict[int, object]:
    """The journey stage of many people in two queries (app.journey answers per person only)."""
    from app.journey.models import PersonStage
    from app.journey.services import stages

    if not people:
        return {}
    all_stages = stages()
    by_id = {stage.id: stage for stage in all_stages}
    stored = dict(db.session.execute(sa.select(PersonStage.person_id, PersonStage.stage_id)
                                     .where(PersonStage.person_id.in_([p.id for p in people]))).all())
    first = all_stages[0] if all_stages else None
    return {person.id: by_id.get(stored[person.id], first) if person.id in stored else first for person in people}


def _last_feedback(ids: list[int]) -> dict[int, datetime] | None:
    """When each person last received feedback, from app.feedback; None while that isn't available."""
    try:
        from app.feedback.queries import last_feedback_at
    except ImportError:
        return None
    if not ids:
        return {}
    return last_feedback_at(ids)


# Reminders ----------------------------------------------------------------------------------------

def starting_between(start: datetime, end: datetime) -> list[OneOnOne]:
    return list(db.session.scalars(
        sa.select(OneOnOne).options(joinedload(OneOnOne.manager).joinedload(Person.store),
                                    joinedload(OneOnOne.person).joinedload(Person.store))
        .where(OneOnOne.status == OneOnOneStatus.SCHEDULED, OneOnOne.scheduled_at >= start,
               OneOnOne.scheduled_at < end).order_by(OneOnOne.scheduled_at, OneOnOne.id)))


def actions_due_on(day: date) -> list[ActionItem]:
    return list(db.session.scalars(
        sa.select(ActionItem).where(ActionItem.done_at.is_(None), ActionItem.due_on == day)
        .order_by(ActionItem.id)))
