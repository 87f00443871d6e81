"""CSV import of people: every line is checked first; one bad line and nothing is imported.

Columns (header names in English or Italian, any order, comma or semicolon separated, UTF-8 with or
without BOM): employee_number, full_name, email, role, store, manager, hire_date, locale.
`store` is a store code; `manager` an employee number, in the database or earlier/later in the file.
Employee numbers match whatever their case ("e-100" is "E-100"). A line naming its own employee number
as manager, or managers that loop back within the file (A reports to B, B to A), is refused.
"""

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from app.core import audit
from app.core.csvfiles import CsvProblem, read_table
from app.core.signals import person_created
from app.extensions import db
from app.org.models import District, Person, Role, Store
from app.org.services import PersonDraft, check_draft

COLUMN_ALIASES = {
    "employee_number": {"employee_number", "employee number", "employee_no", "matricola", "badge"},
    "full_name": {"full_name", "name", "full name", "nome", "nome e cognome", "nominativo"},
    "email": {"email", "e-mail", "mail"},
    "role": {"role", "ruolo"},
    "store": {"store", "store_code", "negozio", "punto vendita"},
    "district": {"district", "district_code", "distretto", "area"},
    "manager": {"manager", "manager_employee_number", "responsabile"},
    "hire_date": {"hire_date", "hire date", "data assunzione", "data_assunzione"},
    "locale": {"locale", "language", "lingua"},
}
REQUIRED_COLUMNS = ("employee_number", "full_name", "role")
ROLE_ALIASES = {
    "staff": Role.STAFF, "associate": Role.STAFF, "addetto": Role.STAFF, "addetta": Role.STAFF,
    "store_manager": Role.STORE_MANAGER, "store manager": Role.STORE_MANAGER,
    "responsabile negozio": Role.STORE_MANAGER, "district_manager": Role.DISTRICT_MANAGER,
    "district manager": Role.DISTRICT_MANAGER, "hr": Role.HR, "admin": Role.ADMIN,
}


@dataclass
class LineProblem:
    line: int
    messages: list[str]


@dataclass
class ImportReport:
    rows: int = 0
    created: list[Person] = field(default_factory=list)
    problems: list[LineProblem] = field(default_factory=list)
    fatal: str | None = None

    @property
    def ok(self) -> bool:
        return self.fatal is None and not self.problems


def import_people(actor: Person, raw: bytes, *, max_rows: int) -> ImportReport:
    """Check every line, then create everyone in one flush, or nobody. The caller commits on ok."""
    report = ImportReport()
    try:
        table = read_table(raw, COLUMN_ALIASES, REQUIRED_COLUMNS, max_rows=max_rows,
                           empty_message=_("The file has a header but no people."),
                           too_many_message=_("At most %(n)d people per file. Split the file and import each "
                                              "part.", n=max_rows))
    except CsvProblem as problem:
        report.fatal = problem.message
        return report
    columns, lines = table.columns, table.lines
    report.rows = len(lines)

    lookups = _Lookups.load()
    file_numbers = {}  # lower-cased employee number → its first line
    for number, row in lines:
        value = _cell(row, columns["employee_number"])
        if value.lower() in file_numbers:
            report.problems.append(LineProblem(number, [_("Employee number %(n)s also appears on line %(l)d.",
                                                          n=value, l=file_numbers[value.lower()])]))
        file_numbers.setdefault(value.lower(), number)

    drafts: list[tuple[int, PersonDraft, str]] = []
    file_emails: dict[str, int] = {}
    for number, row in lines:
        draft, manager_number = _draft_from_row(row, columns, lookups)
        problems = check_draft(actor, draft)
        # check_draft only looks in the database: two lines with one address would fail at flush.
        if draft.email and draft.email in file_emails:
            problems.append(_("E-mail %(email)s also appears on line %(l)d.", email=draft.email,
                              l=file_emails[draft.email]))
        elif draft.email:
            file_emails[draft.email] = number
        written, manager_number = manager_number, manager_number.lower()
        if manager_number and manager_number not in lookups.people and manager_number not in file_numbers:
            problems.append(_("Manager %(n)s is neither in Ascent nor in this file.", n=written))
        elif manager_number and manager_number == draft.employee_number.lower():
            problems.append(_("Nobody can be their own manager."))
        if problems:
            report.problems.append(LineProblem(number, problems))
        drafts.append((number, draft, manager_number))
    report.problems.extend(_manager_loops(drafts))
    report.problems.sort(key=lambda problem: problem.line)
    if report.problems:
        return report

    by_number = {}  # lower-cased employee number → the new person
    for _line, draft, _manager in drafts:
        person = Person()
        for name in ("employee_number", "full_name", "role", "email", "store_id", "district_id",
                     "hire_date", "locale"):
            setattr(person, name, getattr(draft, name))
        db.session.add(person)
        by_number[draft.employee_number.lower()] = person
        report.created.append(person)
    db.session.flush()
    for _line, draft, manager_number in drafts:
        if manager_number:
            manager_id = lookups.people.get(manager_number) or by_number[manager_number].id
            by_number[draft.employee_number.lower()].manager_id = manager_id
    for person in report.created:
        person_created.send(None, person=person)
    audit.record("people.imported", actor_id=actor.id, count=len(report.created),
                 employee_numbers=[p.employee_number for p in report.created][:200])
    return report


def _manager_loops(drafts: list[tuple[int, PersonDraft, str]]) -> list[LineProblem]:
    """Lines whose chain of managers within the file comes back to them. People already in Ascent can't be
    in such a loop: their managers are set, and the file never changes them."""
    shown = {draft.employee_number.lower(): draft.employee_number for _line, draft, _manager in drafts}
    manager_of = {key: manager for key, manager in
                  ((draft.employee_number.lower(), manager) for _line, draft, manager in drafts)
                  if manager in shown and manager != key}  # a self-manager is reported on its own
    problems = []
    for line, draft, _manager in drafts:
        start = draft.employee_number.lower()
        chain, current = [start], manager_of.get(start)
        while current is not None and current not in chain:
            chain.append(current)
            current = manager_of.get(current)
        if current == start:
            names = " → ".join(shown[key] for key in [*chain, start])
            problems.append(LineProblem(line, [_("Managers go round in a circle: %(chain)s. Somebody in the "
                                                 "chain needs a manager from outside it.", chain=names)]))
    return problems


def _cell(row: list[str], index: int | None) -> str:
    if index is None or index >= len(row):
        return ""
    return row[index].strip()


@dataclass
class _Lookups:
    stores: dict[str, int]
    districts: dict[str, int]
    people: dict[str, int]

    @classmethod
    def load(cls) -> "_Lookups":
        # Three queries for the whole file, not three per line.
        return cls(
            stores={code.upper(): id_ for id_, code in db.session.execute(sa.select(Store.id, Store.code))},
            districts={code.upper(): id_ for id_, code in
                       db.session.execute(sa.select(District.id, District.code))},
            people={number.lower(): id_ for id_, number in
                    db.session.execute(sa.select(Person.id, Person.employee_number))},
        )


def _draft_from_row(row, columns, lookups: _Lookups) -> tuple[PersonDraft, str]:
    problems = []
    role_text = _cell(row, columns["role"]).lower()
    role = ROLE_ALIASES.get(role_text, role_text)
    if role not in tuple(Role):
        problems.append(_("Unknown role “%(role)s”.", role=role_text))
    store_code = _cell(row, columns["store"]).upper()
    store_id = lookups.stores.get(store_code) if store_code else None
    if store_code and store_id is None:
        problems.append(_("Unknown store code %(code)s.", code=store_code))
    district_code = _cell(row, columns["district"]).upper()
    district_id = lookups.districts.get(district_code) if district_code else None
    if district_code and district_id is None:
        problems.append(_("Unknown district code %(code)s.", code=district_code))
    hire_text = _cell(row, columns["hire_date"])
    hire_date = None
    if hire_text:
        try:
            hire_date = date.fromisoformat(hire_text)
        except ValueError:
            problems.append(_("Hire date “%(value)s” must look like 2026-03-31.", value=hire_text))
    draft = PersonDraft(
        employee_number=_cell(row, columns["employee_number"]),
        full_name=_cell(row, columns["full_name"]),
        role=role, email=_cell(row, columns["email"]) or None,
        store_id=store_id, district_id=district_id, hire_date=hire_date,
        locale=(_cell(row, columns["locale"]) or "it").lower(), problems=problems,
    )
    if role not in tuple(Role):
        draft.role = Role.STAFF  # keep later checks meaningful; the unknown role is already reported
    return draft, _cell(row, columns["manager"])
