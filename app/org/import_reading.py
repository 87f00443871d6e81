"""Reading a people CSV into plain values: which column is which (English, Italian, an HR system's
"Cognome"/"Nome"), and each line's cells turned into ids, roles, dates and stages. Nothing here decides
whether a line may be imported; app/org/importer.py plans and applies.

Columns, any order: employee_number, full_name (or first_name and surname, joined as "Nome Cognome"),
role, email, store, district, manager, hire_date, locale, stage. Only employee_number, a name and role
are required; an optional column that is absent, or a cell left empty, changes nothing on someone who
is already in Ascent."""

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.config import SUPPORTED_LOCALES
from app.core.csvfiles import DATE_EXAMPLES, BadCell, CsvTable, parse_date
from app.extensions import db
from app.journey.services import stages
from app.org.models import ROLE_LABELS, District, Person, Role, Store

# The logical columns, with every header that names them (compared lower-cased, trimmed).
COLUMN_ALIASES = {
    "employee_number": ("employee_number", "employee number", "employee_no", "matricola", "badge"),
    "full_name": ("full_name", "name", "full name", "nome e cognome", "nominativo", "cognome e nome"),
    # An HR system's export: "Nome" and "Cognome" in their own columns. "Nome" alone is the full name.
    "first_name": ("first_name", "first name", "given name", "nome"),
    "surname": ("surname", "last_name", "last name", "cognome"),
    "email": ("email", "e-mail", "mail"),
    "role": ("role", "ruolo"),
    "store": ("store", "store_code", "negozio", "punto vendita", "codice negozio"),
    "district": ("district", "district_code", "distretto", "area"),
    "manager": ("manager", "manager_employee_number", "responsabile"),
    "hire_date": ("hire_date", "hire date", "data assunzione", "data_assunzione"),
    "locale": ("locale", "language", "lingua"),
    "stage": ("stage", "journey stage", "journey_stage", "fase", "livello", "percorso"),
}
REQUIRED_COLUMNS = ("employee_number", ("full_name", "first_name"), "role")
COLUMN_LABELS = {
    "employee_number": _l("Employee number"), "full_name": _l("Full name"), "first_name": _l("First name"),
    "surname": _l("Surname"), "email": _l("E-mail"), "role": _l("Role"), "store": _l("Store"),
    "district": _l("District"), "manager": _l("Manager"), "hire_date": _l("Hire date"),
    "locale": _l("Language"), "stage": _l("Journey stage"),
}
# Words HR systems use besides the app's own labels (which role_names() adds in both languages).
ROLE_ALIASES = {
    "associate": Role.STAFF, "addetto": Role.STAFF, "addetta": Role.STAFF, "addetto vendite": Role.STAFF,
    "addetta vendite": Role.STAFF, "commesso": Role.STAFF, "commessa": Role.STAFF,
    "store manager": Role.STORE_MANAGER, "responsabile negozio": Role.STORE_MANAGER,
    "district manager": Role.DISTRICT_MANAGER, "area manager": Role.DISTRICT_MANAGER,
}


def role_key(text: str) -> str:
    """A role cell as role_names() spells its keys: lower case, single spaces (Excel's no-break ones too)."""
    return " ".join(text.split()).lower()


def role_names() -> dict[str, str]:
    """Every accepted way of writing a role, lower-cased → the role: its key, its label in English and in
    Italian (from the translations, so a renamed label is accepted the day it ships), the aliases."""
    names = {role.value: role for role in Role} | dict(ROLE_ALIASES)
    for locale in SUPPORTED_LOCALES:
        with force_locale(locale):
            names.update({str(label).lower(): role for role, label in ROLE_LABELS.items()})
    return names


def name_columns(columns: dict[str, int | None]) -> tuple[str, ...]:
    """Which columns make the name: the full-name column, else Nome + Cognome, else Nome alone."""
    if columns["full_name"] is not None:
        return ("full_name",)
    if columns["first_name"] is not None and columns["surname"] is not None:
        return ("first_name", "surname")
    return ("first_name",)


def _used_columns(columns: dict[str, int | None]) -> set[str]:
    return set(name_columns(columns)) | (set(COLUMN_ALIASES) - _NAME_PARTS)


_NAME_PARTS = {"full_name", "first_name", "surname"}


def columns_read(table: CsvTable) -> list[tuple[str, str]]:
    """(header as written, what it is read as) for every column used, in the file's order."""
    used = sorted((table.columns[name], name) for name in _used_columns(table.columns)
                  if table.columns[name] is not None)
    return [(table.header[index].strip(), str(COLUMN_LABELS[name])) for index, name in used]


def ignored_columns(table: CsvTable) -> list[str]:
    """Headers nobody reads: unknown ones, and Nome/Cognome when a full-name column is there too."""
    read = {table.columns[name] for name in _used_columns(table.columns)}
    return [cell.strip() for index, cell in enumerate(table.header) if index not in read and cell.strip()]


@dataclass
class Lookups:
    """What the file's codes and numbers refer to, loaded once for the whole file."""

    stores: dict[str, Store]  # code upper-cased → store, closed ones included (to say they are closed)
    districts: dict[str, District]
    people: dict[str, Person]  # employee number lower-cased → person
    roles: dict[str, str]
    stages: dict[str, object]  # key or name lower-cased → saved journey stage

    @cached_property
    def store_codes(self) -> dict[int, str]:
        return {store.id: store.code for store in self.stores.values()}

    @cached_property
    def district_codes(self) -> dict[int, str]:
        return {district.id: district.code for district in self.districts.values()}

    @cached_property
    def employee_numbers(self) -> dict[int, str]:
        """Person id → employee number as stored (to show a manager)."""
        return {person.id: person.employee_number for person in self.people.values()}

    @classmethod
    def load(cls) -> "Lookups":
        saved_stages = [stage for stage in stages() if stage.id is not None]
        stage_names = {}
        for stage in saved_stages:
            stage_names.update({stage.key.lower(): stage, stage.name.lower(): stage,
                                stage.display_name.lower(): stage})
        return cls(
            stores={store.code.upper(): store for store in db.session.scalars(sa.select(Store))},
            districts={district.code.upper(): district for district in db.session.scalars(sa.select(District))},
            people={person.employee_number.lower(): person for person in db.session.scalars(sa.select(Person))},
            roles=role_names(), stages=stage_names,
        )


@dataclass
class LineReading:
    """One line's values. `present` names the optional columns the file has and this line fills in:
    only those change someone already in Ascent."""

    line: int
    employee_number: str
    full_name: str
    role: str | None = None
    email: str | None = None
    store: Store | None = None
    district: District | None = None
    manager_number: str = ""
    hire_date: date | None = None
    locale: str | None = None
    stage: object | None = None
    present: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)


def read_line(table: CsvTable, line: int, row: list[str], lookups: Lookups) -> LineReading:
    cell = lambda name: table.cell(row, name)  # noqa: E731  (a short alias keeps the lines below readable)
    full_name = " ".join(cell(name) for name in name_columns(table.columns) if cell(name))
    reading = LineReading(line=line, employee_number=cell("employee_number"), full_name=full_name)
    reading.present = {name for name in ("email", "store", "district", "manager", "hire_date", "locale", "stage")
                       if cell(name)}
    role_text = cell("role")
    reading.role = lookups.roles.get(role_key(role_text))
    if reading.role is None:
        reading.problems.append(_("Unknown role “%(role)s”.", role=role_text))
    if code := cell("store").upper():
        reading.store = lookups.stores.get(code)
        if reading.store is None:
            reading.problems.append(_("Unknown store code %(code)s.", code=code))
        elif reading.store.closed_at is not None:
            reading.problems.append(_("Store %(code)s is closed; choose one of the open stores listed below the "
                                      "form.", code=code))
    if code := cell("district").upper():
        reading.district = lookups.districts.get(code)
        if reading.district is None:
            reading.problems.append(_("Unknown district code %(code)s.", code=code))
        elif reading.district.closed_at is not None:
            reading.problems.append(_("District %(code)s is closed.", code=code))
    reading.manager_number = cell("manager")
    reading.email = cell("email") or None
    if text := cell("hire_date"):
        try:
            reading.hire_date = parse_date(text)
        except BadCell as problem:
            reading.problems.append(_("Hire date: %(problem)s", problem=problem.message))
    reading.locale = cell("locale").lower() or None
    if text := cell("stage"):
        reading.stage = lookups.stages.get(text.lower())
        if reading.stage is None:
            reading.problems.append(_("Unknown journey stage “%(stage)s”.", stage=text))
    return reading


def accepted_values(actor: Person) -> dict:
    """What the import page lists under the form: every header, role word, date form, language and code
    the file may use."""
    from app.org.authz import visible_stores

    by_role: dict[str, list[str]] = {role: [] for role in Role}
    for name, role in sorted(role_names().items()):
        by_role[role].append(name)
    return {
        "columns": [(str(COLUMN_LABELS[name]), names, name in ("employee_number", "full_name", "role"))
                    for name, names in COLUMN_ALIASES.items()],
        "roles": [(str(ROLE_LABELS[role]), names) for role, names in by_role.items()],
        "date_examples": DATE_EXAMPLES,
        "locales": SUPPORTED_LOCALES,
        "stores": list(db.session.scalars(visible_stores(actor).where(Store.closed_at.is_(None))
                                          .order_by(Store.code))),
        "districts": list(db.session.scalars(sa.select(District).where(District.closed_at.is_(None))
                                             .order_by(District.code))),
        "stages": [stage for stage in stages() if stage.id is not None],
    }
