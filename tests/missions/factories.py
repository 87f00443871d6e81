"""Mission factories: build missions and assignments directly (the service rules are tested on
their own), with defaults that read like the store floor."""

import io
from datetime import date, timedelta

from PIL import Image

from app.core.timezones import local_today
from app.extensions import db
from app.missions.models import (
    Audience,
    EvidenceType,
    Mission,
    MissionAssignment,
    MissionStep,
    MissionTarget,
    QuizOption,
    QuizQuestion,
    Recurrence,
)
from app.org.models import Person, Store


def image_bytes(kind: str, size: tuple[int, int] = (12, 8), colour=(200, 120, 40), **save) -> bytes:
    """A real, decodable image (uploads are decoded and re-encoded, so signatures alone no longer pass)."""
    output = io.BytesIO()
    Image.new("RGB", size, colour).save(output, kind, **save)
    return output.getvalue()


JPEG = image_bytes("JPEG")
PNG = image_bytes("PNG")
WEBP = image_bytes("WEBP")
GIF = b"GIF89a" + b"\x00" * 64


def today_for(person: Person) -> date:
    return local_today(person)


def make_mission(*, store: Store | None = None, title: str = "Greet every customer in 10 s",
                 evidence_type: str = EvidenceType.TICK, points: int = 20, steps: tuple[str, ...] = (),
                 questions: list[tuple[str, list[tuple[str, bool]]]] | None = None, pass_mark: int = 80,
                 audience: str = Audience.PEOPLE, people: tuple[Person, ...] = (),
                 requires_approval: bool = False, recurrence: str = Recurrence.NONE,
                 start: date | None = None, due: date | None = None, audience_role: str | None = None,
                 new_hire_days: int | None = None, active: bool = True,
                 author: Person | None = None) -> Mission:
    mission = Mission(title=title, description="Eye contact, a smile, a hello.", evidence_type=evidence_type,
                      points=points, requires_approval=requires_approval, quiz_pass_mark=pass_mark,
                      store_id=store.id if store else None, audience=audience, audience_role=audience_role,
                      new_hire_days=new_hire_days, start_date=start or date.today() - timedelta(days=1),
                      due_date=due, recurrence=recurrence, active=active,
                      created_by_id=author.id if author else None)
    mission.steps = [MissionStep(position=i, label=label) for i, label in enumerate(steps)]
    mission.questions = [
        QuizQuestion(position=i, prompt=prompt,
                     options=[QuizOption(position=j, label=label, correct=correct)
                              for j, (label, correct) in enumerate(options)])
        for i, (prompt, options) in enumerate(questions or [])]
    mission.targets = [MissionTarget(person_id=person.id) for person in people]
    db.session.add(mission)
    db.session.flush()
    return mission


def loyalty_quiz(**kwargs) -> Mission:
    return make_mission(title="New loyalty card quiz", evidence_type=EvidenceType.QUIZ, points=30, questions=[
        ("How many points for every euro spent?", [("1", True), ("5", False), ("10", False)]),
        ("When do points expire?", [("Never", False), ("After 12 months without a purchase", True)]),
    ], pass_mark=100, **kwargs)


def assign(mission: Mission, person: Person, *, due: date | None | str = "today",
           period_start: date | None = None) -> MissionAssignment:
    assignment = MissionAssignment(mission_id=mission.id, person_id=person.id,
                                   period_start=period_start or mission.start_date,
                                   due_date=today_for(person) if due == "today" else due)
    db.session.add(assignment)
    db.session.flush()
    return assignment


def upload(data: bytes, name: str = "display.jpg"):
    return (io.BytesIO(data), name)
