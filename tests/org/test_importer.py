"""The CSV importer as a service: every line checked first, a line-by-line report, all or nothing."""

from datetime import date

import pytest
import sqlalchemy as sa

from app.core.audit import AuditEntry
from app.extensions import db
from app.org.importer import import_people
from app.org.models import Person, Role

HEADER = "employee_number,full_name,email,role,store,manager,hire_date\n"


def people_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Person.id)))


def audit_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(AuditEntry.id)))


def by_number(number: str) -> Person | None:
    return db.session.scalar(sa.select(Person).where(Person.employee_number == number))


def run(actor, content: str | bytes, max_rows: int = 100):
    """What the route and the CLI do: commit on success, roll back otherwise."""
    raw = content.encode() if isinstance(content, str) else content
    report = import_people(actor, raw, max_rows=max_rows)
    if report.ok:
        db.session.commit()
    else:
        db.session.rollback()
    return report


def problems_by_line(report) -> dict[int, str]:
    found: dict[int, str] = {}
    for problem in report.problems:
        found[problem.line] = (found.get(problem.line, "") + " " + " ".join(problem.messages)).strip()
    return found


def test_good_comma_file_creates_everyone_with_manager_links(org):
    before = people_count()
    report = run(org.hr, (
        "employee_number,full_name,email,role,store,district,manager,hire_date,locale\n"
        "N2001,Giulia Rossi,Giulia.Rossi@Example.com,staff,MI01,,N2002,2026-01-15,en\n"  # manager below
        f"N2002,Marco Bianchi,,store_manager,mi01,,{org.dm.employee_number},,\n"  # manager already here
        '"N2003","Rossi, Anna",,Store Manager,MB01,,,,\n'
        "N2004,Luca Verdi,,district_manager,,laz,,,\n"
    ))
    assert report.ok, report.problems
    assert len(report.created) == 4
    assert people_count() == before + 4

    giulia, marco, anna, luca = (by_number(n) for n in ("N2001", "N2002", "N2003", "N2004"))
    assert giulia.manager_id == marco.id
    assert giulia.store_id == org.store.id
    assert giulia.email == "giulia.rossi@example.com"
    assert giulia.hire_date == date(2026, 1, 15)
    assert giulia.locale == "en"
    assert giulia.password_hash is None  # they get an invite, never a password from a file
    assert marco.manager_id == org.dm.id
    assert marco.role == Role.STORE_MANAGER and marco.locale == "it"
    assert anna.full_name == "Rossi, Anna" and anna.store_id == org.sibling_store.id
    assert anna.role == Role.STORE_MANAGER
    assert luca.role == Role.DISTRICT_MANAGER and luca.district_id == org.other_district.id
    assert luca.store_id is None

    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "people.imported"))
    assert entry.actor_id == org.hr.id
    assert entry.details["count"] == 4
    assert sorted(entry.details["employee_numbers"]) == ["N2001", "N2002", "N2003", "N2004"]


def test_semicolons_bom_and_italian_headers(org):
    content = (
        "\ufeffmatricola;nome;e-mail;ruolo;negozio;responsabile;data assunzione\r\n"
        "N3001;Lucia Verdi;;addetta;MI01;N3002;2025-09-01\r\n"
        f"N3002;Paolo Neri;paolo.neri@example.com;responsabile negozio;MI01;{org.dm.employee_number};\r\n"
        "N3003;Niccolò Bellè;;addetto;RM01;;\r\n"
    ).encode()
    assert content.startswith(b"\xef\xbb\xbf")
    report = run(org.hr, content)
    assert report.ok, report.problems
    lucia, paolo, niccolo = by_number("N3001"), by_number("N3002"), by_number("N3003")
    assert lucia.manager_id == paolo.id and lucia.role == Role.STAFF
    assert lucia.hire_date == date(2025, 9, 1)
    assert paolo.role == Role.STORE_MANAGER and paolo.manager_id == org.dm.id
    assert niccolo.full_name == "Niccolò Bellè" and niccolo.store_id == org.other_store.id


def test_tab_separated_file_with_columns_in_any_order(org):
    report = run(org.hr, "ruolo\tnegozio\tnominativo\tbadge\nstaff\tMI01\tTea Tab\tN4001\n")
    assert report.ok, report.problems
    assert by_number("N4001").full_name == "Tea Tab"


def test_blank_lines_are_skipped(org):
    report = run(org.hr, HEADER + "\nN5001,Uno Primo,,staff,MI01,,\n\n,,,,,,\n"
                                  "N5002,Due Secondo,,staff,MI01,,\n")
    assert report.ok, report.problems
    assert report.rows == 2 and len(report.created) == 2


def test_bad_lines_are_reported_by_line_number_and_nothing_is_imported(org):
    before_people, before_audit = people_count(), audit_count()
    ADMIN = org.admin.employee_number  # noqa: N806
    report = run(org.hr, HEADER + (
        "N1,Anna Uno,,staff,ZZ99,,\n"                  # line 2: unknown store
        "N2,Bruno Due,not-an-email,staff,MI01,,\n"      # line 3: bad e-mail
        "N3,Carla Tre,,staff,MI01,,\n"                  # line 4: fine
        "N3,Carla Copia,,staff,MI01,,\n"                # line 5: same number as line 4
        f"{ADMIN},Sara Doppia,,staff,MI01,,\n"          # line 6: an administrator: not HR's to change
        "N4,Dario Quattro,,staff,MI01,,31/12/25\n"      # line 7: a two-digit year
        "N5,Elena Cinque,,boss,MI01,,\n"                # line 8: unknown role
        "N6,,,staff,MI01,,\n"                           # line 9: no name
        "\n"                                            # line 10: blank, still counted
        "N7,Fabio Sette,,staff,MI01,N999,\n"            # line 11: manager nowhere
        "N8,Gino Otto,,staff,,,\n"                      # line 12: staff without a store
    ))
    assert not report.ok and report.fatal is None
    problems = problems_by_line(report)
    assert sorted(problems) == [2, 3, 5, 6, 7, 8, 9, 11, 12]
    assert "Unknown store code ZZ99." in problems[2]
    assert "not-an-email is not a valid e-mail address." in problems[3]
    assert "Employee number N3 also appears on line 4." in problems[5]
    assert f"Employee number {ADMIN} is someone you can't change from here" in problems[6]
    assert "Hire date: “31/12/25” needs a four-digit year, like 31/12/2026." in problems[7]
    assert "Unknown role “boss”." in problems[8]
    assert "Name is missing." in problems[9]
    assert "Manager N999 is neither in Ascent nor in this file." in problems[11]
    assert "A store is needed for this role." in problems[12]
    assert report.created == []
    assert people_count() == before_people
    assert audit_count() == before_audit
    assert by_number("N3") is None


@pytest.mark.parametrize(("line", "message"), [
    ("N1,Anna Uno,,staff,ZZ99,,", "Unknown store code ZZ99."),
    ("N1,Anna Uno,anna@,staff,MI01,,", "anna@ is not a valid e-mail address."),
    ("N1,Anna Uno,staff@example.test,staff,MI01,,", "is not a valid e-mail address."),
    ("N1,Anna Uno,,staff,MI01,,2026-02-30", "Hire date: “2026-02-30” is not a day of the calendar."),
    ("N1,Anna Uno,,staff,MI01,,30/02/2026", "Hire date: “30/02/2026” is not a day of the calendar."),
    ("N1,Anna Uno,,staff,MI01,,31.12.26", "Hire date: “31.12.26” needs a four-digit year"),
    ("N1,Anna Uno,,staff,MI01,,12/31/2026", "Hire date: “12/31/2026” is not a day of the calendar."),
    ("N1,Anna Uno,,staff,MI01,,next monday", "Hire date: “next monday” is not a date"),
    ("N1,Anna Uno,,cashier,MI01,,", "Unknown role “cashier”."),
    ("N1,,,staff,MI01,,", "Name is missing."),
    (",Anna Uno,,staff,MI01,,", "Employee number is missing."),
    ("N 1,Anna Uno,,staff,MI01,,", "Employee number must be letters, digits or dashes, at most 32."),
    ("N1,Anna Uno,,admin,,,", "You can't give the role admin."),
    ("N1,Anna Uno,,district_manager,,,", "A district is needed for a district manager."),
])
def test_each_kind_of_bad_line(org, line, message):
    before = people_count()
    report = run(org.hr, HEADER + "N0,Fine Person,,staff,MI01,,\n" + line + "\n")
    assert problems_by_line(report).keys() == {3}
    assert message in problems_by_line(report)[3]
    assert people_count() == before


def test_an_e_mail_already_in_ascent_is_refused(org):
    org.staff.email = "sara.staff@example.com"
    db.session.commit()
    report = run(org.hr, HEADER + "N1,Anna Uno,SARA.STAFF@example.com,staff,MI01,,\n")
    assert "E-mail sara.staff@example.com is already in use." in problems_by_line(report)[2]


def test_the_same_e_mail_twice_in_one_file_is_reported_not_a_crash(org):
    before = people_count()
    report = run(org.hr, HEADER + "N1,Anna Uno,same@example.com,staff,MI01,,\n"
                                  "N2,Bruno Due,Same@Example.com,staff,MI01,,\n")
    assert not report.ok
    assert problems_by_line(report) == {3: "E-mail same@example.com also appears on line 2."}
    assert people_count() == before


def test_an_unknown_district_code_is_reported(org):
    report = run(org.hr, "employee_number,full_name,role,district\nN1,Anna Uno,district_manager,XX\n")
    assert "Unknown district code XX." in problems_by_line(report)[2]


def test_a_district_manager_cannot_import_above_their_reach(org):
    """The importer applies the same rules as the form: the actor's scope and assignable roles."""
    report = run(org.dm, HEADER + "N1,Anna Uno,,staff,RM01,,\nN2,Bruno Due,,hr,,,\n")
    problems = problems_by_line(report)
    assert "That store is outside the stores you manage." in problems[2]
    assert "You can't give the role hr." in problems[3]


@pytest.mark.parametrize(("content", "message"), [
    (b"", "The file is empty."),
    (b" \r\n\n  ", "The file is empty."),
    (b"\xef\xbb\xbf", "The file is empty."),
    (HEADER.encode(), "The file has a header but no people."),
    (HEADER.encode() + b"\n,,,,,,\n", "The file has a header but no people."),
    (b"employee_number,full_name,store\nN1,Anna Uno,MI01\n", "Missing columns: role."),
    (b"code,label\nN1,Anna Uno\n", "Missing columns: employee_number, full_name, role."),
    (b"N1,Anna Uno,staff,MI01\n", "Missing columns"),
    (b"\xff\xfee\x00m\x00p\x00", "The file is not a text CSV file."),
    (HEADER.encode() + b"N1,Anna \x81,,staff,MI01,,\n", "neither UTF-8 nor Windows-1252"),
])
def test_fatal_problems_stop_the_whole_file(org, content, message):
    before = people_count()
    report = run(org.hr, content)
    assert not report.ok
    assert message in report.fatal
    assert report.created == [] and report.problems == []
    assert people_count() == before


def test_too_many_rows_is_refused_before_any_check(org):
    before = people_count()
    rows = "".join(f"N{n},Person {n},,staff,MI01,,\n" for n in range(3))
    report = run(org.hr, HEADER + rows, max_rows=2)
    assert report.fatal == "At most 2 people per file. Split the file and import each part."
    assert people_count() == before
    assert run(org.hr, HEADER + rows, max_rows=3).ok
