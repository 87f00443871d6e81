"""Creating and changing people, stores and districts. Every check lives here so the form, the CSV
import and the CLI refuse the same things with the same words."""

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from app.auth.services import cancel_open_resets, end_all_sessions
from app.config import SUPPORTED_LOCALES
from app.core import audit
from app.core.errors import ServiceError
from app.core.signals import PersonCreated, person_created
from app.extensions import db
from app.org.authz import assignable_roles, can_manage_store, visible_people
from app.org.models import MANAGER_ROLES, District, Person, Role, Store
from app.org.names import clean_name, name_problems

# ASCII only: numbers match whatever their case, and SQLite's lower() folds ASCII letters alone ("É100" and
# "é100" would be two people to the database and one to Python). Look-alike digits (full-width, superscript)
# are refused too.
EMPLOYEE_NUMBER = re.compile(r"[A-Za-z0-9-]{1,32}")
EARLIEST_HIRE_DATE = date(1900, 1, 1)


@dataclass
class PersonDraft:
    """What a form row or a CSV line says about a person, as plain values."""

    employee_number: str
    full_name: str
    role: str = Role.STAFF
    email: str | None = None
    store_id: int | None = None
    district_id: int | None = None
    manager_id: int | None = None
    # The manager's role once this change lands, when the caller knows better than the database (an import
    # that promotes the manager on another line); None: as stored.
    manager_role: str | None = None
    hire_date: date | None = None
    locale: str = "it"
    problems: list[str] = field(default_factory=list)


def check_draft(actor: Person, draft: PersonDraft, *, existing: Person | None = None) -> list[str]:
    """Every reason the draft can't be saved by `actor` (empty when it can)."""
    problems = list(draft.problems)
    draft.employee_number = (draft.employee_number or "").strip()
    problems_with_name = name_problems(draft.full_name)
    draft.full_name = clean_name(draft.full_name)
    if not draft.employee_number:
        problems.append(_("Employee number is missing."))
    elif not EMPLOYEE_NUMBER.fullmatch(draft.employee_number):
        problems.append(_("Employee number must be letters, digits or dashes, at most 32."))
    elif (holder := employee_number_holder(draft.employee_number, existing)) is not None:
        problems.append(_("Employee number %(n)s is already in use.", n=draft.employee_number)
                        if holder == draft.employee_number else
                        _("Employee number %(n)s is already in use as %(existing)s: upper and lower case "
                          "count as the same number.", n=draft.employee_number, existing=holder))
    problems.extend(problems_with_name)
    if draft.email and existing is not None and draft.email == existing.email:
        pass  # stored already: checked when it was set (an import re-sending it must not trip on it)
    elif draft.email:
        try:
            draft.email = validate_email(draft.email.strip(), check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            problems.append(_("%(email)s is not a valid e-mail address.", email=draft.email))
        else:
            if _taken(sa.func.lower(Person.email), draft.email, existing):
                problems.append(_("E-mail %(email)s is already in use.", email=draft.email))
    else:
        draft.email = None
    problems.extend(_role_problems(actor, draft, existing))
    if draft.locale not in SUPPORTED_LOCALES:
        problems.append(_("Language must be one of: %(codes)s.", codes=", ".join(SUPPORTED_LOCALES)))
    if draft.hire_date and draft.hire_date > date.today() + timedelta(days=366):
        problems.append(_("Hire date is more than a year away."))
    elif draft.hire_date and draft.hire_date < EARLIEST_HIRE_DATE:
        problems.append(_("Hire date is before 1900: check the year."))
    return problems


def employee_number_holder(number: str, existing: Person | None = None) -> str | None:
    """The employee number as stored when someone (other than `existing`) has `number`, whatever its case."""
    query = sa.select(Person.employee_number).where(sa.func.lower(Person.employee_number) == number.lower())
    if existing is not None:
        query = query.where(Person.id != existing.id)
    return db.session.scalar(query.limit(1))


def _taken(column, value, existing: Person | None) -> bool:
    query = sa.select(sa.func.count()).select_from(Person).where(column == value)
    if existing is not None:
        query = query.where(Person.id != existing.id)
    return db.session.scalar(query) > 0


def _role_problems(actor: Person, draft: PersonDraft, existing: Person | None) -> list[str]:
    problems = []
    if draft.role not in assignable_roles(actor):
        return [_("You can't give the role %(role)s.", role=draft.role)]
    if draft.role in (Role.STAFF, Role.STORE_MANAGER):
        if draft.store_id is None:
            problems.append(_("A store is needed for this role."))
        elif db.session.get(Store, draft.store_id) is None:
            problems.append(_("That store doesn't exist."))
        elif not can_manage_store(actor, draft.store_id):
            problems.append(_("That store is outside the stores you manage."))
        draft.district_id = None
    elif draft.role == Role.DISTRICT_MANAGER:
        if draft.district_id is None or db.session.get(District, draft.district_id) is None:
            problems.append(_("A district is needed for a district manager."))
        draft.store_id = None
    else:
        draft.store_id = draft.district_id = None
    if draft.manager_id is not None:
        manager = db.session.scalar(visible_people(actor).where(Person.id == draft.manager_id))
        if manager is None:
            problems.append(_("Choose a manager from the people you can see."))
        elif existing is not None and manager.id == existing.id:
            problems.append(_("Nobody can be their own manager."))
        elif (draft.manager_role or manager.role) not in MANAGER_ROLES:
            problems.append(_("%(name)s can't be a manager: only store managers, district managers, HR and "
                              "administrators have people reporting to them.", name=manager.full_name))
    return problems


def _apply(person: Person, draft: PersonDraft) -> None:
    for name in ("employee_number", "full_name", "role", "email", "store_id", "district_id",
                 "manager_id", "hire_date", "locale"):
        setattr(person, name, getattr(draft, name))


def create_person(actor: Person, draft: PersonDraft) -> Person:
    problems = check_draft(actor, draft)
    if problems:
        raise ServiceError(" ".join(problems))
    person = Person()
    _apply(person, draft)
    db.session.add(person)
    db.session.flush()
    audit.record("person.created", actor_id=actor.id, target_type="person", target_id=person.id,
                 employee_number=person.employee_number, role=person.role)
    person_created.send(None, event=PersonCreated(person=person))
    return person


def update_person(actor: Person, person: Person, draft: PersonDraft) -> Person:
    problems = check_draft(actor, draft, existing=person)
    if problems:
        raise ServiceError(" ".join(problems))
    with audit.change_recorded("person.updated", person, ("role", "store_id"), actor_id=actor.id):
        _apply(person, draft)
    return person


def set_active(actor: Person, person: Person, active: bool) -> None:
    if person.id == actor.id:
        raise ServiceError(_("You can't deactivate yourself."))
    if person.active == active:
        return
    person.active = active
    if not active:
        end_all_sessions(person)
        cancel_open_resets(person)
    audit.record("person.reactivated" if active else "person.deactivated", actor_id=actor.id,
                 target_type="person", target_id=person.id)

