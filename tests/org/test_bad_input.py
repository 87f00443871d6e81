"""Bad input about people, refused with a clear message and nothing saved: employee numbers that clash
whatever their case, managers that go round in a circle, names with hidden control characters. The form,
the CSV import and the CLI refuse the same things (one check, app/org/services.py and app/org/names.py)."""

import html

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.org.models import Person
from tests.org.test_importer import HEADER, people_count, problems_by_line, run
from tests.org.test_people_routes import person_form

HIDDEN = ["\x00", "\x07", "\n", "\x1b", "\x7f", "\x85", "\u200e", "\u200f", "\u202a", "\u202e", "\u2066",
          "\u2069", "\ufeff"]


# Employee numbers unique case-insensitively ---------------------------------------------------------

def test_employee_numbers_unique_case_insensitively_in_the_people_form(client, sign_in, org):
    sign_in(org.sm)
    before = people_count()
    response = client.post("/people/new", data=person_form(org, employee_number="e1001"))
    assert response.status_code == 422
    assert ("Employee number e1001 is already in use as E1001: upper and lower case count as the same number."
            in html.unescape(response.get_data(as_text=True)))
    assert people_count() == before


def test_employee_numbers_unique_case_insensitively_when_editing(client, sign_in, org):
    sign_in(org.sm)
    number = org.staff.employee_number
    response = client.post(f"/people/{org.staff.id}/edit", data=person_form(
        org, full_name=org.staff.full_name, employee_number=org.colleague.employee_number.lower()))
    assert response.status_code == 422
    db.session.rollback()
    assert db.session.get(Person, org.staff.id).employee_number == number
    # Changing only the case of one's own number is no clash.
    response = client.post(f"/people/{org.staff.id}/edit", data=person_form(
        org, full_name=org.staff.full_name, employee_number=number.lower()))
    assert response.status_code == 303


def test_employee_numbers_unique_case_insensitively_in_the_import(org):
    before = people_count()
    report = run(org.hr, HEADER + "N1,Anna Uno,,staff,MI01,,\n"
                                  "n1,Bruno Due,,staff,MI01,,\n"
                                  "e1001,Carla Tre,,staff,MI01,,\n")
    problems = problems_by_line(report)
    assert "Employee number n1 also appears on line 2." in problems[3]
    assert 4 not in problems  # e1001 is E1001, already in Ascent: her line updates her
    assert people_count() == before
    assert run(org.hr, HEADER + "e1001,Carla Tre,,staff,MI01,,\n").ok
    db.session.refresh(org.staff)
    assert org.staff.full_name == "Carla Tre" and org.staff.employee_number == "E1001"
    assert people_count() == before


def test_employee_numbers_unique_case_insensitively_in_the_database(org):
    """The index of migration 0019: whatever forgets to check, the database refuses the clash."""
    db.session.add(Person(employee_number=org.staff.employee_number.lower(), full_name="Sneaky Copy",
                          role="staff", store_id=org.store.id))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_create_admin_refuses_an_employee_number_in_another_case(runner, org):
    before = people_count()
    result = runner.invoke(args=["org", "create-admin", "--email", "new.boss@example.com", "--name", "New Boss",
                                 "--employee-number", org.admin.employee_number.lower()])
    assert result.exit_code != 0 and "already exists" in result.output
    assert people_count() == before


def test_the_import_matches_a_manager_number_whatever_its_case(org):
    report = run(org.hr, HEADER + f"N1,Anna Uno,,store_manager,MI01,{org.sm.employee_number.lower()},\n"
                                  "N2,Bruno Due,,staff,MI01,n1,\n")
    assert report.ok, report.problems
    anna, bruno = (db.session.scalar(sa.select(Person).where(Person.employee_number == number))
                   for number in ("N1", "N2"))
    assert anna.manager_id == org.sm.id and bruno.manager_id == anna.id


# The import refuses self-managers and manager cycles --------------------------------------------------

def test_the_import_refuses_self_managers(org):
    before = people_count()
    report = run(org.hr, HEADER + "N0,Fine Person,,staff,MI01,,\n"
                                  "N1,Anna Uno,,staff,MI01,n1,\n")
    assert problems_by_line(report) == {3: "Nobody can be their own manager."}
    assert people_count() == before


def test_the_import_refuses_manager_cycles(org):
    before = people_count()
    report = run(org.hr, HEADER + "N1,Anna Uno,,store_manager,MI01,N2,\n"
                                  "N2,Bruno Due,,store_manager,MI01,N3,\n"
                                  "N3,Carla Tre,,store_manager,MI01,N1,\n"
                                  "N4,Dario Quattro,,staff,MI01,N1,\n"   # reports into the circle: fine itself
                                  "N5,Elena Cinque,,store_manager,MI01,N6,\n"
                                  "N6,Fabio Sei,,store_manager,MI01,N5,\n")
    problems = problems_by_line(report)
    assert sorted(problems) == [2, 3, 4, 6, 7]
    assert "Managers go round in a circle: N1 → N2 → N3 → N1." in problems[2]
    assert "Managers go round in a circle: N2 → N3 → N1 → N2." in problems[3]
    assert "Managers go round in a circle: N5 → N6 → N5." in problems[6]
    assert report.created == [] and people_count() == before


# Names refuse control and bidi-override characters -----------------------------------------------------

@pytest.mark.parametrize("hidden", HIDDEN, ids=lambda char: f"U+{ord(char):04X}")
def test_names_refuse_control_and_bidi_characters_in_the_people_form(client, sign_in, org, hidden):
    sign_in(org.sm)
    before = people_count()
    response = client.post("/people/new", data=person_form(org, full_name=f"Nina{hidden} Nuova"))
    assert response.status_code == 422
    assert "Names can&#39;t contain hidden control characters" in response.get_data(as_text=True)
    assert people_count() == before


def test_names_refuse_control_and_bidi_characters_when_editing(client, sign_in, org):
    sign_in(org.sm)
    response = client.post(f"/people/{org.staff.id}/edit", data=person_form(
        org, full_name="Sara \u202effatS", employee_number=org.staff.employee_number))
    assert response.status_code == 422
    db.session.rollback()
    assert db.session.get(Person, org.staff.id).full_name == "Sara Staff"


def test_names_refuse_control_and_bidi_characters_in_the_import(org):
    before = people_count()
    report = run(org.hr, HEADER + "N1,Anna\u2066 Uno,,staff,MI01,,\n"
                                  "N2,Bruno\x07 Due,,staff,MI01,,\n"
                                  "N3,Carla Tre,,staff,MI01,,\n")
    problems = problems_by_line(report)
    assert sorted(problems) == [2, 3]
    assert "(found U+2066)" in problems[2] and "(found U+0007)" in problems[3]
    assert people_count() == before


def test_names_refuse_control_and_bidi_characters_in_the_cli(runner, org):
    before = people_count()
    result = runner.invoke(args=["org", "create-admin", "--email", "new.boss@example.com", "--name",
                                 "Boss\u202e ssoB", "--employee-number", "NEW-1"])
    assert result.exit_code != 0 and "hidden control characters" in result.output
    assert people_count() == before


def test_names_keep_joiners_that_scripts_need(client, sign_in, org):
    """Persian and Hindi write some names with zero-width (non-)joiners: those are letters' business."""
    sign_in(org.sm)
    response = client.post("/people/new", data=person_form(org, full_name="Mina Mohammad\u200cpour"))
    assert response.status_code == 200
    assert db.session.scalar(sa.select(Person.full_name).where(Person.employee_number == "E2001")) == \
        "Mina Mohammad\u200cpour"
