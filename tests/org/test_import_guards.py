"""What an attack on the people import and form found, kept out: employee numbers that only Python folds
(SQLite's lower() is ASCII-only, so "É100" and "é100" were one person to the import and two to the database),
associates made managers, hire dates in year 1, roles written with Excel's no-break spaces."""

import sqlalchemy as sa

from app.extensions import db
from app.org.models import Person, Role
from tests.org.test_import_routes import text
from tests.org.test_importer import HEADER, people_count, problems_by_line, run
from tests.org.test_people_routes import person_form


def test_employee_numbers_are_ascii_letters_digits_and_dashes(client, sign_in, org):
    sign_in(org.hr)
    for number in ("É100", "X９５", "X95²", "A 1", "A_1"):
        response = client.post("/people/new", data=person_form(org, employee_number=number))
        assert response.status_code == 422, number
        assert "Employee number must be letters, digits or dashes, at most 32." in text(response)
    before = people_count()
    report = run(org.hr, HEADER + "É100,Accented Number,,staff,MI01,,\n")
    assert "Employee number must be letters, digits or dashes" in problems_by_line(report)[2]
    assert people_count() == before


def test_only_a_manager_can_have_people_reporting_to_them(client, sign_in, org):
    sign_in(org.hr)
    response = client.post("/people/new", data=person_form(org, manager_id=str(org.staff.id)))
    assert response.status_code == 422
    assert "can't be a manager" in text(response)

    before = people_count()
    report = run(org.hr, HEADER + f"N1,Anna Uno,,staff,MI01,{org.staff.employee_number},\n"
                                  "N2,Bruno Due,,staff,MI01,,\n"
                                  "N3,Carla Tre,,staff,MI01,N2,\n")
    problems = problems_by_line(report)
    assert sorted(problems) == [2, 4]
    assert all("a manager: only store managers" in message for message in problems.values())
    assert people_count() == before


def test_a_file_that_makes_someone_a_manager_may_name_them_as_manager(org):
    report = run(org.hr, HEADER + f"{org.staff.employee_number},Sara Staff,,store_manager,MI01,,\n"
                                  f"N1,Anna Uno,,staff,MI01,{org.staff.employee_number},\n")
    assert report.ok, report.problems
    anna = db.session.scalar(sa.select(Person).where(Person.employee_number == "N1"))
    assert anna.manager_id == org.staff.id and org.staff.role == Role.STORE_MANAGER


def test_hire_dates_before_1900_are_refused(client, sign_in, org):
    report = run(org.hr, HEADER + "N1,Anna Uno,,staff,MI01,,01/01/0001\n")
    assert "Hire date is before 1900" in problems_by_line(report)[2]
    sign_in(org.hr)
    response = client.post("/people/new", data=person_form(org, hire_date="1850-01-01"))
    assert response.status_code == 422 and "Hire date is before 1900" in text(response)


def test_a_role_written_with_no_break_spaces_is_read(org):
    report = run(org.hr, HEADER + "N1,Anna Uno,,Store\u00a0manager,MI01,,\n")
    assert report.ok, report.problems
    assert db.session.scalar(sa.select(Person.role).where(Person.employee_number == "N1")) == Role.STORE_MANAGER
