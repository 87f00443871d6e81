"""CSV import of people in two steps. `plan_import` reads and checks every line and says what would change
(new people, field-by-field updates, deactivations): it writes nothing, and the page shows it as a
preview. `import_people` plans again and applies the plan, all of it or nothing; given the preview's
fingerprint it refuses to write when the plan came out different (someone changed people meanwhile).

People already in Ascent are matched by employee number whatever its case ("e-100" is "E-100") and
updated under the rules of the person form (app/org/services.check_draft): the actor's assignable roles
and stores, and only people the actor manages. Columns the file doesn't have, and empty cells, leave
what is stored alone: an import never erases (clear a field on the person's page). A manager is an
employee number in the database or in the file; managers that would go round in a circle, counting
the changes the file makes, are refused.
"""

import hashlib
import json
from dataclasses import dataclass, field

from flask_babel import format_date
from flask_babel import gettext as _

from app.core import audit
from app.core.csvfiles import WINDOWS_1252, CsvProblem, read_table
from app.core.signals import PeopleCreated, people_created
from app.extensions import db
from app.journey.services import current_stage, place_at_stage
from app.org.authz import managed_people
from app.org.import_reading import (
    COLUMN_ALIASES,
    COLUMN_LABELS,
    REQUIRED_COLUMNS,
    LineReading,
    Lookups,
    columns_read,
    ignored_columns,
    read_line,
    role_key,
)
from app.org.models import MANAGER_ROLES, Person, Role
from app.org.services import PersonDraft, check_draft, set_active

PREVIEW_ROWS = 10
# Fields a line can change on someone already in Ascent, in the order the preview lists them.
UPDATABLE = ("full_name", "role", "store_id", "district_id", "manager", "email", "hire_date", "locale")


@dataclass
class LineProblem:
    line: int
    messages: list[str]


@dataclass
class Change:
    """One field of one person: machine values (for the fingerprint) and the words the preview shows."""

    field: str
    old: str
    new: str
    old_text: str
    new_text: str

    @property
    def label(self) -> str:
        return str(COLUMN_LABELS[self.field.removesuffix("_id")])


@dataclass
class PlannedLine:
    reading: LineReading
    draft: PersonDraft
    existing: Person | None
    changes: list[Change] = field(default_factory=list)
    # As the preview shows them once stored.
    store_code: str = ""
    manager_number: str = ""
    stage_name: str = ""

    @property
    def status(self) -> str:
        return "new" if self.existing is None else ("updated" if self.changes else "unchanged")


@dataclass
class ImportPlan:
    """What a file would do, then (after `apply_plan`) what it did. `ok`: nothing stands in the way."""

    rows: int = 0
    encoding: str = ""
    columns: list[tuple[str, str]] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    lines: list[PlannedLine] = field(default_factory=list)
    deactivate_missing: bool = False
    to_deactivate: list[Person] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    problems: list[LineProblem] = field(default_factory=list)
    fatal: str | None = None
    stale: bool = False  # the confirmed plan differs from the previewed one: nothing was written
    created: list[Person] = field(default_factory=list)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return self.fatal is None and not self.problems and not self.stale

    def with_status(self, status: str) -> list[PlannedLine]:
        return [line for line in self.lines if line.status == status]

    @property
    def preview_lines(self) -> list[PlannedLine]:
        return self.lines[:PREVIEW_ROWS]

    @property
    def fingerprint(self) -> str:
        """The plan in machine values: the same file over the same data gives the same fingerprint."""
        plan = [[line.status, line.draft.employee_number.lower(),
                 [[c.field, c.old, c.new] for c in line.changes] if line.existing else _draft_values(line)]
                for line in self.lines]
        plan.append(sorted(person.id for person in self.to_deactivate))
        return hashlib.sha256(json.dumps(plan, default=str).encode()).hexdigest()


def _draft_values(line: PlannedLine) -> list:
    draft = line.draft
    return [draft.full_name, draft.role, draft.email, draft.store_id, draft.district_id, draft.hire_date,
            draft.locale, line.reading.manager_number.lower(), getattr(line.reading.stage, "key", None)]


def plan_import(actor: Person, raw: bytes, *, max_rows: int, deactivate_missing: bool = False) -> ImportPlan:
    """Read and check the whole file against the database. Writes nothing."""
    plan = ImportPlan(deactivate_missing=deactivate_missing)
    try:
        table = read_table(raw, COLUMN_ALIASES, REQUIRED_COLUMNS, max_rows=max_rows,
                           empty_message=_("The file has a header but no people."),
                           too_many_message=_("At most %(n)d people per file. Split the file and import each "
                                              "part.", n=max_rows))
    except CsvProblem as problem:
        plan.fatal = problem.message
        return plan
    plan.rows, plan.encoding = len(table.lines), table.encoding
    plan.columns, plan.ignored = columns_read(table), ignored_columns(table)
    lookups = Lookups.load()
    managed_ids = set(db.session.scalars(managed_people(actor).with_only_columns(Person.id)))
    first_line: dict[str, int] = {}  # lower-cased employee number → its first line
    file_numbers = {table.cell(row, "employee_number").lower() for _number, row in table.lines}
    # Each number's role as the file sets it: a manager promoted on another line may have reports here.
    file_roles = {table.cell(row, "employee_number").lower(): lookups.roles.get(role_key(table.cell(row, "role")))
                  for _number, row in table.lines}
    file_emails: dict[str, int] = {}
    for number, row in table.lines:
        reading = read_line(table, number, row, lookups)
        key = reading.employee_number.lower()
        problems = []
        if key and key in first_line:
            problems.append(_("Employee number %(n)s also appears on line %(l)d.", n=reading.employee_number,
                              l=first_line[key]))
        first_line.setdefault(key, number)
        planned = _plan_line(actor, reading, lookups, file_numbers, file_roles)
        if planned.existing is not None and planned.existing.id not in managed_ids:
            # Yourself, or someone outside your scope: a line that changes nothing is fine (a company-wide
            # file lists everyone); one that would change them is refused, as the person form would be.
            problems += reading.problems + ([_(
                "Employee number %(n)s is someone you can't change from here (yourself, or a person outside "
                "the people you manage): remove their line or ask an administrator.",
                n=planned.existing.employee_number)] if planned.changes else [])
        else:
            problems += planned.draft.problems
        if planned.draft.email and planned.draft.email in file_emails:
            problems.append(_("E-mail %(email)s also appears on line %(l)d.", email=planned.draft.email,
                              l=file_emails[planned.draft.email]))
        elif planned.draft.email:
            file_emails[planned.draft.email] = number
        if problems:
            plan.problems.append(LineProblem(number, problems))
        plan.lines.append(planned)
    plan.problems.extend(_manager_loops(plan.lines, lookups))
    plan.problems.extend(_managers_without_a_team_role(plan.lines, lookups))
    plan.problems = _one_row_per_line(plan.problems)
    if deactivate_missing:
        # Compared in Python, as the file's numbers were read: the database's lower() may fold differently.
        plan.to_deactivate = [person for person in db.session.scalars(
            managed_people(actor).where(Person.active.is_(True)).order_by(Person.full_name))
            if person.employee_number.lower() not in first_line]
    plan.warnings = _warnings(plan)
    return plan


def _plan_line(actor: Person, reading: LineReading, lookups: Lookups, file_numbers: set[str],
               file_roles: dict[str, str | None]) -> PlannedLine:
    existing = lookups.people.get(reading.employee_number.lower()) if reading.employee_number else None
    draft = _draft(reading, existing, lookups)
    draft.manager_role = file_roles.get(reading.manager_number.lower())
    manager_key = reading.manager_number.lower()
    if manager_key and manager_key == reading.employee_number.lower():
        draft.problems.append(_("Nobody can be their own manager."))
    elif manager_key and manager_key not in lookups.people and manager_key not in file_numbers:
        draft.problems.append(_("Manager %(n)s is neither in Ascent nor in this file.", n=reading.manager_number))
    draft.problems = check_draft(actor, draft, existing=existing)
    planned = PlannedLine(reading, draft, existing)
    if existing is not None:
        planned.changes = _changes(existing, draft, reading, lookups)
    planned.store_code = lookups.store_codes.get(draft.store_id) or lookups.district_codes.get(draft.district_id, "")
    planned.manager_number = next((c.new for c in planned.changes if c.field == "manager"),
                                  lookups.employee_numbers.get(existing.manager_id) if existing is not None
                                  else reading.manager_number) or ""
    planned.stage_name = reading.stage.display_name if reading.stage is not None else ""
    return planned


def _draft(reading: LineReading, existing: Person | None, lookups: Lookups) -> PersonDraft:
    """The person as they would be stored: the file's non-empty cells over what is stored today."""
    def value(name: str, from_file, stored, default=None):
        if name in reading.present:
            return from_file
        return getattr(existing, stored) if existing is not None else default

    manager = lookups.people.get(reading.manager_number.lower())
    # A manager who is new in this file gets their id once they exist (apply_plan); checks use the others.
    manager_id = manager.id if manager is not None else None
    return PersonDraft(
        employee_number=existing.employee_number if existing is not None else reading.employee_number,
        full_name=reading.full_name,
        # An unknown role is already reported; a known one keeps the later checks meaningful.
        role=reading.role or (existing.role if existing is not None else Role.STAFF),
        email=value("email", reading.email, "email"),
        store_id=value("store", getattr(reading.store, "id", None), "store_id"),
        district_id=value("district", getattr(reading.district, "id", None), "district_id"),
        manager_id=value("manager", manager_id, "manager_id"),
        hire_date=value("hire_date", reading.hire_date, "hire_date"),
        locale=value("locale", reading.locale, "locale", "it"),
        problems=list(reading.problems),
    )


def _changes(person: Person, draft: PersonDraft, reading: LineReading, lookups: Lookups) -> list[Change]:
    numbers = lookups.employee_numbers
    shown = {
        "role": lambda value: Role.label_of(value),
        "store_id": lambda value: lookups.store_codes.get(value, ""),
        "district_id": lambda value: lookups.district_codes.get(value, ""),
        "hire_date": lambda value: format_date(value) if value else "",
    }
    changes = []
    for name in UPDATABLE:
        if name == "manager":
            old = numbers.get(person.manager_id, "")
            new = old
            if "manager" in reading.present:
                manager = lookups.people.get(reading.manager_number.lower())
                new = manager.employee_number if manager is not None else reading.manager_number
            if old.lower() != new.lower():
                changes.append(Change("manager", old, new, old, new))
            continue
        old, new = getattr(person, name), getattr(draft, name)
        if old != new:
            text = shown.get(name, lambda value: value or "")
            changes.append(Change(name, str(old or ""), str(new or ""), text(old), text(new)))
    if reading.stage is not None:
        stage = current_stage(person)
        if stage.id != reading.stage.id:
            changes.append(Change("stage", stage.key, reading.stage.key, stage.display_name,
                                  reading.stage.display_name))
    return changes


def _manager_loops(lines: list[PlannedLine], lookups: Lookups) -> list[LineProblem]:
    """Lines whose chain of managers comes back to them, once the file's managers replace the stored ones."""
    numbers = {person_id: number.lower() for person_id, number in lookups.employee_numbers.items()}
    shown = {key: person.employee_number for key, person in lookups.people.items()}
    manager_of = {key: numbers.get(person.manager_id) for key, person in lookups.people.items()
                  if person.manager_id}
    for line in lines:
        key, manager = line.reading.employee_number.lower(), line.reading.manager_number.lower()
        shown.setdefault(key, line.reading.employee_number)
        if manager and manager != key:  # a self-manager is reported on its own
            manager_of[key] = manager
    problems = []
    for line in lines:
        start = line.reading.employee_number.lower()
        chain, current = [start], manager_of.get(start)
        while current is not None and current not in chain:
            chain.append(current)
            current = manager_of.get(current)
        if current == start and len(chain) > 1:
            names = " → ".join(shown.get(key, key) for key in [*chain, start])
            problems.append(LineProblem(line.reading.line, [_(
                "Managers go round in a circle: %(chain)s. Somebody in the chain needs a manager from outside "
                "it.", chain=names)]))
    return problems


def _one_row_per_line(problems: list[LineProblem]) -> list[LineProblem]:
    """The report's rows in file order, a line's messages from every check together."""
    merged: dict[int, LineProblem] = {}
    for problem in sorted(problems, key=lambda problem: problem.line):
        merged.setdefault(problem.line, LineProblem(problem.line, [])).messages.extend(problem.messages)
    return list(merged.values())


def _managers_without_a_team_role(lines: list[PlannedLine], lookups: Lookups) -> list[LineProblem]:
    """Lines naming as manager someone new in this file who is not a manager (a store associate would
    otherwise read their "report"'s reviews). Managers already in Ascent are checked by check_draft."""
    role_of = {line.reading.employee_number.lower(): line.draft.role for line in lines}
    problems = []
    for line in lines:
        manager = line.reading.manager_number
        if manager.lower() == line.reading.employee_number.lower() or manager.lower() in lookups.people:
            continue  # a self-manager is reported on its own
        if manager and manager.lower() in role_of and role_of[manager.lower()] not in MANAGER_ROLES:
            problems.append(LineProblem(line.reading.line, [_(
                "Manager %(n)s is not a manager: only store managers, district managers, HR and administrators "
                "have people reporting to them.", n=manager)]))
    return problems


def _warnings(plan: ImportPlan) -> list[str]:
    warnings = [_("Read as Windows-1252 (Excel's usual encoding).") if plan.encoding == WINDOWS_1252
                else _("Read as UTF-8.")]
    if plan.ignored:
        warnings.append(_("Columns not imported: %(columns)s.", columns=", ".join(plan.ignored)))
    for line in plan.lines:
        if len(line.draft.full_name.split()) == 1:
            warnings.append(_("Line %(l)d: “%(name)s” has no surname.", l=line.reading.line,
                              name=line.draft.full_name))
        if line.existing is not None and not line.existing.active:
            warnings.append(_("Line %(l)d: %(name)s is deactivated; importing doesn't reactivate them.",
                              l=line.reading.line, name=line.existing.full_name))
    return warnings


def apply_plan(actor: Person, plan: ImportPlan) -> ImportPlan:
    """Write a plan that is `ok`: create, update, place on the journey, deactivate. Flushes; the caller
    commits."""
    assert plan.ok, "only a plan without problems is applied"
    by_number = {line.existing.employee_number.lower(): line.existing for line in plan.lines if line.existing}
    for line in plan.with_status("new"):
        person = Person()
        for name in ("employee_number", "full_name", "role", "email", "store_id", "district_id", "manager_id",
                     "hire_date", "locale"):
            setattr(person, name, getattr(line.draft, name))
        db.session.add(person)
        by_number[line.draft.employee_number.lower()] = person
        plan.created.append(person)
    for line in plan.with_status("updated"):
        _update(actor, line)
    db.session.flush()
    for line in plan.lines:
        number = line.reading.manager_number.lower()
        if number and (line.existing is None or any(c.field == "manager" for c in line.changes)):
            # Someone in the file gets their id only now; one only in Ascent is already in the draft.
            manager_id = by_number[number].id if number in by_number else line.draft.manager_id
            by_number[line.draft.employee_number.lower()].manager_id = manager_id
    for line in plan.lines:
        if line.reading.stage is not None and (line.existing is None or any(c.field == "stage"
                                                                             for c in line.changes)):
            place_at_stage(by_number[line.draft.employee_number.lower()], line.reading.stage, actor=actor)
    if plan.created:
        people_created.send(None, event=PeopleCreated(people=tuple(plan.created)))
    for person in plan.to_deactivate:
        set_active(actor, person, False)
    updated = plan.with_status("updated")
    audit.record("people.imported", actor_id=actor.id, count=len(plan.created), updated=len(updated),
                 deactivated=len(plan.to_deactivate),
                 employee_numbers=[p.employee_number for p in plan.created][:200])
    plan.applied = True
    return plan


def _update(actor: Person, line: PlannedLine) -> None:
    """Only the fields the preview listed change; the audit keeps them as they were and became."""
    person, fields = line.existing, [c.field for c in line.changes if c.field not in ("manager", "stage")]
    before = {name: str(getattr(person, name) or "") for name in fields}
    for name in fields:
        setattr(person, name, getattr(line.draft, name))
    if fields:
        audit.record("person.updated", actor_id=actor.id, target_type="person", target_id=person.id,
                     before=before, after={name: str(getattr(person, name) or "") for name in fields})


def import_people(actor: Person, raw: bytes, *, max_rows: int, deactivate_missing: bool = False,
                  fingerprint: str | None = None) -> ImportPlan:
    """Plan, and apply when nothing stands in the way and (given one) the plan is the previewed one.
    The caller commits when the result is `ok`, and rolls back otherwise."""
    plan = plan_import(actor, raw, max_rows=max_rows, deactivate_missing=deactivate_missing)
    if not plan.ok:
        return plan
    if fingerprint is not None and fingerprint != plan.fingerprint:
        plan.stale = True
        return plan
    return apply_plan(actor, plan)
