"""Missions demo data: the onboarding journey, store missions of every evidence type, assignments
and some history, written through the missions services so assignments, payments and signals are
the real thing. Run after load_org (and after the points history, if any). Safe to run again.

staff@demo.ascent (Sara Bianchi, Milano Duomo) gets three missions due today: a checklist she has
half done, a quiz and a window-display photo that needs her manager's sign-off."""

import random
import struct
import zlib
from datetime import date, datetime, time, timedelta
from functools import cache

import sqlalchemy as sa

from app.core.timezones import local_today
from app.extensions import db
from app.missions import assignments, completion, onboarding, services
from app.missions.authoring import MissionDraft, QuestionDraft
from app.missions.models import (
    Audience,
    EvidenceType,
    Mission,
    MissionAssignment,
    MissionSubmission,
    Recurrence,
)
from app.org.models import Person, Role, Store
from app.points.models import PointEntry

DEMO_STAFF = "staff@demo.ascent"


def _quiz(*blocks: tuple[str, str, list[str]]) -> list[QuestionDraft]:
    """(question, right answer, wrong answers) → drafts, the right answer moving down the options."""
    drafts = []
    for number, (prompt, right, wrong) in enumerate(blocks):
        options = [(label, False) for label in wrong]
        options.insert((number + 1) % (len(wrong) + 1), (right, True))
        drafts.append(QuestionDraft(prompt, options))
    return drafts


ONBOARDING = [  # (draft fields, due after days)
    (dict(title="Our story and our values", points=20, evidence_type=EvidenceType.TEXT,
          description="Read the welcome booklet about how the company grew from one shop in Brera, and "
                      "our four values: customers first, one team, own it, keep it simple.\n\n"
                      "Which value matters most to you on the shop floor, and why?"), 1),
    (dict(title="Meet your team and your buddy", points=25, evidence_type=EvidenceType.SIGNOFF,
          description="Your buddy is the colleague who shows you the ropes in your first weeks.",
          steps=["Introduce yourself at the morning huddle", "Shadow your buddy for one hour",
                 "Swap numbers for shift changes"]), 2),
    (dict(title="Your store's goals this season", points=30, evidence_type=EvidenceType.QUIZ, pass_mark=67,
          description="Your manager walks you through the store's targets. Then check what stuck.",
          questions=_quiz(("Conversion rate is…", "Receipts divided by visitors", ["Sales divided by staff",
                                                                                   "Visitors per hour"]),
                          ("Units per transaction goes up when you…", "Suggest a matching item",
                           ["Open a second till", "Restock the window"]),
                          ("Who sees the store's daily KPIs?", "The whole team, on the back-office TV",
                           ["Only the store manager", "Only head office"]))), 3),
    (dict(title="Safety and the opening routine", points=20, evidence_type=EvidenceType.TICK,
          description="Know where everything is before your first opening shift.",
          steps=["Find the fire exits and the first-aid kit", "Learn the alarm procedure with your manager",
                 "Walk through the opening checklist once"]), 4),
    (dict(title="Till and returns training", points=30, evidence_type=EvidenceType.QUIZ, pass_mark=100,
          description="The twenty-minute till module on the back-office tablet, then four questions.",
          questions=_quiz(("Returns are accepted within…", "30 days, with the receipt", ["7 days", "Never"]),
                          ("A gift receipt shows…", "The item, not the price", ["The price only",
                                                                                "The buyer's name"]),
                          ("A customer pays part cash, part card. You…", "Split the payment on the till",
                           ["Ask them to pay all by card", "Call head office"]),
                          ("A refund above €200 needs…", "The manager's code", ["Nothing special",
                                                                                 "A second receipt"]))), 5),
    (dict(title="Fitting-room service", points=25, evidence_type=EvidenceType.TEXT, requires_approval=True,
          description="How would you help a customer who is between two sizes and in a hurry? Your manager "
                      "reads your answer and talks it through with you."), 7),
    (dict(title="Your first window display", points=40, evidence_type=EvidenceType.PHOTO,
          requires_approval=True,
          description="Dress one window with your buddy following this month's visual guidelines, then "
                      "send a photo."), 10),
]

GREET = dict(title="Greet every customer in 10 s", points=20, evidence_type=EvidenceType.TICK,
             recurrence=Recurrence.DAILY, audience=Audience.STORE,
             description="Eye contact, a smile and a hello within ten seconds of someone walking in.",
             steps=["Eye contact at the door", "Smile and say hello",
                    "Offer help once they've looked around"])
LOYALTY = dict(title="New loyalty card quiz", points=30, evidence_type=EvidenceType.QUIZ,
               pass_mark=80, audience=Audience.STORE,
               description="The new card launches on Saturday. Three minutes, five questions.",
               questions=_quiz(("How many points per euro spent?", "1 point", ["5 points", "10 points"]),
                               ("The welcome gift is…", "10% off the first purchase", ["A free tote bag",
                                                                                       "Free alterations"]),
                               ("Customers sign up…", "In the app or at the till in a minute",
                                ["Only online", "Only by post"]),
                               ("Points expire after…", "12 months without a purchase", ["30 days", "Never"]),
                               ("Card holders get early access to…", "The seasonal sale",
                                ["Staff parking", "The stockroom"])))
WINDOW = dict(title="Window display photo", points=40, evidence_type=EvidenceType.PHOTO,
              requires_approval=True, audience=Audience.STORE,
              description="The autumn windows go up today. Send a photo of the finished display "
                          "from the street.")
STORY = dict(title="Customer story of the week", points=15, evidence_type=EvidenceType.TEXT,
             recurrence=Recurrence.WEEKLY, audience=Audience.STORE,
             description="Tell us about a customer you helped this week: what they needed and what you did.")
STOCKROOM = dict(title="Stockroom reset before the weekend", points=35, evidence_type=EvidenceType.SIGNOFF,
                 audience=Audience.STORE,
                 description="Sizes in order, new deliveries on the left, empty boxes out.",
                 steps=["Sort the denim wall stock by size", "Move the new delivery to the left bay",
                        "Flatten and take out empty boxes"])
SATURDAY = dict(title="Shadow a senior colleague on a Saturday", points=30,
                evidence_type=EvidenceType.SIGNOFF,
                audience=Audience.NEW_HIRES, new_hire_days=30,
                description="Saturdays are our busiest day: spend one with a senior colleague at your side.")
FABRICS = dict(title="Autumn collection: know the fabrics", points=25, evidence_type=EvidenceType.QUIZ,
               pass_mark=67, audience=Audience.STORE,
               description="Wool, cashmere blends and recycled down: what customers ask and what to answer.",
               questions=_quiz(("Merino wool is…", "Warm and breathable", ["Only for summer", "Waterproof"]),
                               ("Recycled down keeps…", "The same warmth as new down", ["Half the warmth",
                                                                                        "No warmth"]),
                               ("A cashmere blend should be washed…", "Cold, by hand or on wool cycle",
                                ["At 60 °C", "Never"])))
COACHING = dict(title="Coaching conversations refresher", points=30, evidence_type=EvidenceType.QUIZ,
                pass_mark=67, audience=Audience.ROLE, audience_role=Role.STORE_MANAGER,
                description="Before the review cycle: the three questions of a good coaching conversation.",
                questions=_quiz(("Start a coaching talk with…", "What went well",
                                 ["The numbers", "A warning"]),
                                ("Feedback works best…", "Soon and specific",
                                 ["Once a year", "In writing only"]),
                                ("End with…", "One agreed next step", ["A score", "Nothing"])))


def load_missions() -> int:
    """Returns how many assignments were created (0 when the missions demo is already there)."""
    if db.session.scalar(sa.select(sa.func.count(Mission.id))):
        return 0
    hr = db.session.scalar(sa.select(Person).where(Person.email == "hr@demo.ascent"))
    sara = db.session.scalar(sa.select(Person).where(Person.email == DEMO_STAFF))
    if hr is None or sara is None:
        return 0
    rng = random.Random(11)
    today = local_today(sara)
    duomo = sara.store
    sofia = db.session.scalar(sa.select(Person).where(Person.role == Role.STORE_MANAGER,
                                                      Person.store_id == duomo.id))
    journey = _onboarding_journey(hr, today)

    def create(author: Person, fields: dict, store: Store | None, *, start: date,
               due: date | None) -> Mission:
        draft = MissionDraft(**{"store_id": store.id if store else None, "start_date": start, "due_date": due,
                                **fields})
        return services.create_mission(author, draft, today=today)

    greet = create(sofia, GREET, duomo, start=today - timedelta(days=21), due=None)
    _history(greet, today, rng)
    loyalty = create(sofia, LOYALTY, duomo, start=today - timedelta(days=2), due=today)
    window = create(sofia, WINDOW, duomo, start=today, due=today)
    create(sofia, STORY, duomo, start=today - timedelta(days=14), due=None)
    stockroom = create(sofia, STOCKROOM, duomo, start=today - timedelta(days=1),
                       due=today + timedelta(days=3))
    create(sofia, SATURDAY, duomo, start=today - timedelta(days=7), due=today + timedelta(days=30))
    fabrics = create(hr, FABRICS, None, start=today - timedelta(days=6), due=today + timedelta(days=8))
    create(hr, COACHING, None, start=today - timedelta(days=3), due=today + timedelta(days=11))
    other_stores = sa.select(Store).where(Store.id != duomo.id).order_by(Store.code).limit(5)
    for store in db.session.scalars(other_stores):
        manager = db.session.scalar(sa.select(Person).where(Person.role == Role.STORE_MANAGER,
                                                            Person.store_id == store.id))
        if manager is not None:
            create(manager, WINDOW, store, start=today - timedelta(days=1), due=today + timedelta(days=1))
    db.session.flush()
    for person in _staff():
        assignments.sync_person(person, today)  # new hires get the onboarding journey and Saturday shadowing
    _sara_today(sara, greet, today)
    _fabrics_done(fabrics, today, rng)
    _queue(duomo, window, stockroom, loyalty, sara, sofia, today)
    _onboarding_progress(journey, today, rng)
    db.session.flush()
    return db.session.scalar(sa.select(sa.func.count(MissionAssignment.id)))


def _staff(store_id: int | None = None) -> list[Person]:
    query = sa.select(Person).where(Person.role == Role.STAFF, Person.active.is_(True),
                                    Person.password_hash.is_not(None))
    if store_id is not None:
        query = query.where(Person.store_id == store_id)
    return list(db.session.scalars(query.order_by(Person.id)))


def _onboarding_journey(hr: Person, today: date):
    journey = onboarding.create_journey(hr, name="Welcome to the team",
                                      description="The first two weeks: who we are, your store, the basics.")
    for fields, due_after in ONBOARDING:
        draft = MissionDraft(audience=Audience.JOURNEY, start_date=today - timedelta(days=60), **fields)
        mission = services.create_mission(hr, draft, today=today)
        onboarding.add_step(hr, journey, mission_id=mission.id, due_after_days=due_after)
    onboarding.set_active(hr, journey, True)
    return journey


def _assignment(mission: Mission, person: Person,
                period_start: date | None = None) -> MissionAssignment | None:
    query = sa.select(MissionAssignment).where(MissionAssignment.mission_id == mission.id,
                                               MissionAssignment.person_id == person.id)
    if period_start is not None:
        query = query.where(MissionAssignment.period_start == period_start)
    return db.session.scalars(query.order_by(MissionAssignment.period_start.desc())).first()


def _do(person: Person, assignment: MissionAssignment, day: date, **evidence) -> None:
    """Complete through the real service as if on `day`, then date the records back to it."""
    mission = assignment.mission
    if mission.steps:
        completion.set_checklist(person, assignment, {step.id for step in mission.steps}, today=day)
    if mission.evidence_type == EvidenceType.QUIZ and "answers" not in evidence:
        evidence["answers"] = {q.id: next(o.id for o in q.options if o.correct) for q in mission.questions}
    completion.submit(person, assignment, today=day, **evidence)
    minutes = random.Random(assignment.id).randint(0, 480)
    moment = datetime.combine(day, time(9, 30)) + timedelta(minutes=minutes)
    db.session.execute(sa.update(MissionSubmission).where(MissionSubmission.assignment_id == assignment.id)
                       .values(created_at=moment))
    if assignment.completed_at is not None:
        assignment.completed_at = moment
        db.session.execute(sa.update(PointEntry)
                           .where(PointEntry.idempotency_key == f"mission:{assignment.id}")
                           .values(created_at=moment))


def _history(greet: Mission, today: date, rng: random.Random) -> None:
    """Two weeks of the daily greeting checklist in Milano Duomo."""
    for offset in range(14, 0, -1):
        day = today - timedelta(days=offset)
        assignments.sync_mission(greet, day)
        for person in _staff(greet.store_id):
            if person.email == DEMO_STAFF and offset > 9 and rng.random() < 0.5:
                continue
            if person.email != DEMO_STAFF and rng.random() < 0.45:
                continue
            assignment = _assignment(greet, person, day)
            if assignment is not None:
                _do(person, assignment, day)


def _sara_today(sara: Person, greet: Mission, today: date) -> None:
    assignments.sync_mission(greet, today)
    assignment = _assignment(greet, sara, today)
    completion.set_checklist(sara, assignment, {step.id for step in greet.steps[:2]}, today=today)


def _fabrics_done(fabrics: Mission, today: date, rng: random.Random) -> None:
    for person in _staff():
        if person.email != DEMO_STAFF and rng.random() < 0.4:
            assignment = _assignment(fabrics, person)
            if assignment is not None:
                _do(person, assignment, today - timedelta(days=rng.randint(0, 5)))


def _queue(duomo: Store, window: Mission, stockroom: Mission, loyalty: Mission, sara: Person, sofia: Person,
           today: date) -> None:
    """Sofia's sign-off queue: two window photos and a stockroom reset; one photo already sent back."""
    colleagues = [person for person in _staff(duomo.id) if person.id != sara.id]
    for index, person in enumerate(colleagues[:2]):
        _do(person, _assignment(window, person), today, photo=window_photo(variant=index))
    stockroom_person = colleagues[2] if len(colleagues) > 2 else colleagues[0]
    _do(stockroom_person, _assignment(stockroom, stockroom_person), today,
        note="Denim wall done, boxes out by 11. The new delivery is still on the trolley: no space left.")
    if len(colleagues) > 3:
        person = colleagues[3]
        _do(person, _assignment(window, person), today, photo=window_photo(variant=2))
        submission = db.session.scalars(
            sa.select(MissionSubmission).order_by(MissionSubmission.id.desc())).first()
        completion.reject(sofia, submission, "The price cards are missing on the left side. "
                                             "Add them and send another photo, please.")
    for person in colleagues[4:7]:
        _do(person, _assignment(loyalty, person), today)


def _onboarding_progress(journey, today: date, rng: random.Random) -> None:
    """The new hires are a few steps into their journey (done in order, on plausible days)."""
    rows = db.session.scalars(sa.select(MissionAssignment).where(MissionAssignment.journey_id == journey.id)
                              .order_by(MissionAssignment.person_id,
                                        MissionAssignment.journey_position)).all()
    by_person: dict[int, list[MissionAssignment]] = {}
    for row in rows:
        by_person.setdefault(row.person_id, []).append(row)
    answers = ["Customers first: a customer who feels welcome comes back, whatever they buy today.",
               "One team. On a Saturday nobody gets through the queue alone."]
    for person_id, steps in by_person.items():
        person = db.session.get(Person, person_id)
        for position, assignment in enumerate(steps[:rng.randint(1, 4)]):
            day = max(assignment.period_start, min(today, assignment.period_start + timedelta(days=position)))
            kind = assignment.mission.evidence_type
            evidence = {}
            if kind == EvidenceType.TEXT:
                evidence = {"answer": rng.choice(answers)}
            elif kind == EvidenceType.PHOTO:
                evidence = {"photo": window_photo(variant=position)}
            elif kind == EvidenceType.SIGNOFF:
                evidence = {"note": "Met everyone at the huddle; Marta is my buddy."}
            if day <= today:
                _do(person, assignment, day, **evidence)


@cache
def window_photo(width: int = 480, height: int = 320, variant: int = 0) -> bytes:
    """A small PNG of a shop window (frame, warm backdrop, three dressed mannequins), drawn here so
    the demo needs no image files."""
    palettes = [((164, 84, 52), (46, 64, 89), (201, 162, 39)), ((92, 110, 72), (140, 46, 60), (60, 60, 70)),
                ((70, 90, 140), (180, 120, 60), (110, 70, 120))]
    coats = palettes[variant % len(palettes)]
    rows = []
    for y in range(height):
        row = bytearray([0])
        for x in range(width):
            if x < 14 or x >= width - 14 or y < 14 or y >= height - 14:
                pixel = (38, 34, 40)  # the window frame
            elif y > height - 70:
                pixel = (120, 98, 80)  # the display floor
            else:
                shade = 236 - y * 40 // height
                pixel = (shade, shade - 22, shade - 48)
                for index, colour in enumerate(coats):
                    cx = width * (index + 1) // 4
                    head = (x - cx) ** 2 + (y - 70) ** 2 < 22 ** 2
                    body = abs(x - cx) < 34 - (y - 100) // 12 and 96 < y < height - 80
                    if head:
                        pixel = (222, 196, 170)
                    elif body:
                        pixel = colour
            row.extend(pixel)
        rows.append(bytes(row))

    def chunk(tag: bytes, data: bytes) -> bytes:
        checksum = zlib.crc32(tag + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", checksum)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b""))
