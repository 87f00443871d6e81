"""Searching people whatever the accents, case and apostrophes, with % and _ taken literally: the folding,
the stored folded name every writer keeps, the query and the people list. Runs on SQLite and, with
DATABASE_URL set, on PostgreSQL (no unaccent extension)."""

import html
import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.org import queries, services
from app.org.models import Person
from app.org.names import fold
from tests import factories


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def listed(response) -> list[str]:
    return re.findall(r'<span class="list__name">([^<]+)</span>', text(response))


def found(actor, typed: str) -> list[str]:
    return [person.full_name for person in db.session.scalars(queries.people_query(actor, search=typed))]


@pytest.fixture
def accented(org):
    names = ["Niccolò Bianchi", "Lucía Gómez", "Sean O'Connor", "Jürgen Weiß", "Søren Ørsted",
             "Łukasz Wałęsa", "Anne-Marie Dupré", "Zoë 100% Sales", "Ugo Under_score"]
    people = [factories.make_person(store=org.store, manager=org.sm, name=name) for name in names]
    db.session.commit()
    return people


@pytest.mark.parametrize("raw, folded", [
    ("Niccolò", "niccolo"), ("NICCOLÒ", "niccolo"), ("Lucía", "lucia"), ("O'Connor", "oconnor"),
    ("O’Connor", "oconnor"), ("Weiß", "weiss"), ("Søren Ørsted", "soren orsted"), ("Æsa", "aesa"),
    ("Łukasz Wałęsa", "lukasz walesa"), ("  Anne-Marie   Dupré ", "anne-marie dupre"), ("", ""), (None, ""),
])
def test_fold_drops_accents_case_apostrophes_and_extra_spaces(raw, folded):
    assert fold(raw) == folded


@pytest.mark.parametrize("typed, name", [
    ("niccolo", "Niccolò Bianchi"), ("NICCOLÒ", "Niccolò Bianchi"), ("Niccolo", "Niccolò Bianchi"),
    ("lucia", "Lucía Gómez"), ("gomez", "Lucía Gómez"), ("oconnor", "Sean O'Connor"),
    ("o'connor", "Sean O'Connor"), ("weiss", "Jürgen Weiß"), ("jurgen", "Jürgen Weiß"),
    ("orsted", "Søren Ørsted"), ("walesa", "Łukasz Wałęsa"), ("marie dupre", "Anne-Marie Dupré"),
])
def test_people_are_found_whatever_accents_case_and_apostrophes(org, accented, typed, name):
    assert found(org.hr, typed) == [name]


def test_percent_and_underscore_are_matched_literally(org, accented):
    assert found(org.hr, "%") == ["Zoë 100% Sales"]
    assert found(org.hr, "0% s") == ["Zoë 100% Sales"]
    assert found(org.hr, "_") == ["Ugo Under_score"]
    assert found(org.hr, "r_s") == ["Ugo Under_score"]
    assert found(org.hr, "o_c") == []  # "_" is no wildcard: "o'c" is not "o_c"


def test_email_and_employee_number_still_find_people(org, accented):
    assert found(org.hr, "STAFF@EXAMPLE") == ["Sara Staff"]
    assert found(org.hr, org.colleague.employee_number.lower()) == ["Cosimo Collega"]


def test_search_stays_within_the_searchers_scope(org, accented):
    far = factories.make_person(store=org.other_store, name="Niccolò Lontano")
    db.session.commit()
    assert found(org.sibling_sm, "niccolo") == []
    assert "Niccolò Lontano" in found(org.hr, "niccolo")
    assert far.search_name == "niccolo lontano"


def test_a_search_of_only_apostrophes_looks_at_emails_and_numbers(org, accented):
    assert found(org.hr, "'") == []


# The stored folded name --------------------------------------------------------------------------

def test_search_name_follows_every_change_of_name(org):
    person = factories.make_person(store=org.store, name="Niccolò Bianchi")
    assert person.search_name == "niccolo bianchi"
    person.full_name = "Lucía Gómez"
    db.session.commit()
    assert db.session.scalar(sa.select(Person.search_name).where(Person.id == person.id)) == "lucia gomez"


def test_the_service_that_edits_a_person_refolds_the_name(org):
    draft = services.PersonDraft(
        employee_number=org.staff.employee_number, full_name="Sára Štaff", role=org.staff.role,
        email="sara@example.com", store_id=org.staff.store_id, district_id=None, manager_id=org.staff.manager_id,
        hire_date=org.staff.hire_date, locale=org.staff.locale)
    services.update_person(org.hr, org.staff, draft)
    db.session.commit()
    assert found(org.hr, "sara staff") == ["Sára Štaff"]


def test_a_core_insert_without_the_orm_gets_the_folded_name_too(org):
    db.session.execute(sa.insert(Person).values(employee_number="E-CORE", full_name="Zoë Ærø", role="staff",
                                                store_id=org.store.id, locale="it"))
    db.session.commit()
    assert db.session.scalar(sa.select(Person.search_name).where(Person.employee_number == "E-CORE")) == "zoe aero"


# The people list ----------------------------------------------------------------------------------

def test_people_list_finds_niccolo_when_typing_niccolo(client, sign_in, org, accented):
    sign_in(org.hr)
    assert listed(client.get("/people?q=niccolo")) == ["Niccolò Bianchi"]
    assert listed(client.htmx_get("/people?q=NICCOL%C3%92")) == ["Niccolò Bianchi"]


def test_people_list_takes_a_percent_sign_literally(client, sign_in, org, accented):
    sign_in(org.hr)
    assert listed(client.get("/people?q=%25")) == ["Zoë 100% Sales"]
    assert listed(client.htmx_get("/people?q=_")) == ["Ugo Under_score"]
