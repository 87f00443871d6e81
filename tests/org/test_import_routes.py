"""/people/import: HR and admins upload a CSV; the page reports line by line and imports all or nothing."""

import html
import io

import pytest
import sqlalchemy as sa

from app.core.audit import AuditEntry
from app.extensions import db
from app.org.models import Person

GOOD = (
    "employee_number,full_name,email,role,store,manager,hire_date\n"
    "N2001,Giulia Rossi,,staff,MI01,N2002,2026-01-15\n"
    "N2002,Marco Bianchi,marco@example.com,store_manager,MI01,,\n"
)
BAD = (
    "employee_number,full_name,email,role,store,manager,hire_date\n"
    "N2001,Giulia Rossi,,staff,MI01,,\n"
    "N2002,Marco Bianchi,,staff,ZZ99,,\n"
    "N2003,,,staff,MI01,,\n"
)


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def upload(client, content: str | bytes, filename: str = "people.csv", **kwargs):
    raw = content.encode() if isinstance(content, str) else content
    return client.post("/people/import", data={"file": (io.BytesIO(raw), filename)},
                       content_type="multipart/form-data", **kwargs)


def people_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Person.id)))


@pytest.mark.parametrize("role", ["hr", "admin"])
def test_hr_and_admin_see_the_import_page(client, sign_in, org, role):
    sign_in(org.by_role(role))
    response = client.get("/people/import")
    assert response.status_code == 200
    assert 'type="file"' in text(response)
    assert "employee_number,full_name" in text(response)  # the page documents the columns


@pytest.mark.parametrize("role", ["staff", "store_manager", "district_manager"])
def test_nobody_else_may_import(client, sign_in, org, role):
    sign_in(org.by_role(role))
    before = people_count()
    assert client.get("/people/import").status_code == 403
    assert upload(client, GOOD).status_code == 403
    assert people_count() == before


def test_good_file_imports_everyone_and_offers_their_invites(client, sign_in, org):
    sign_in(org.hr)
    before = people_count()
    response = upload(client, GOOD)
    assert response.status_code == 200
    page = text(response)
    assert "2 people imported" in page
    assert "Print their invites" in page
    assert people_count() == before + 2
    giulia = db.session.scalar(sa.select(Person).where(Person.employee_number == "N2001"))
    marco = db.session.scalar(sa.select(Person).where(Person.employee_number == "N2002"))
    assert giulia.manager_id == marco.id
    assert f'name="person_id" value="{giulia.id}"' in page
    assert f'name="person_id" value="{marco.id}"' in page
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "people.imported"))
    assert entry.actor_id == org.hr.id and entry.details["count"] == 2


def test_semicolon_file_with_bom_and_italian_headers(client, sign_in, org):
    sign_in(org.hr)
    content = ("\ufeffmatricola;nome;ruolo;negozio;responsabile\n"
               "N3001;Lucia Verdi;addetta;MI01;N3002\n"
               "N3002;Paolo Neri;responsabile negozio;MI01;\n").encode("utf-8")
    response = upload(client, content)
    assert response.status_code == 200, text(response)
    lucia = db.session.scalar(sa.select(Person).where(Person.employee_number == "N3001"))
    assert lucia.manager.employee_number == "N3002"


def test_bad_lines_are_listed_and_nothing_is_imported(client, sign_in, org):
    sign_in(org.hr)
    before = people_count()
    response = upload(client, BAD)
    assert response.status_code == 422
    page = text(response)
    assert "Nothing was imported" in page
    assert "Fix 2 lines and upload the file again." in page
    assert '<td data-label="Line" class="num">3</td><td data-label="Problem">Unknown store code ZZ99.' in page
    assert '<td data-label="Line" class="num">4</td><td data-label="Problem">Name is missing.' in page
    assert people_count() == before
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) == 0


@pytest.mark.parametrize(("content", "message"), [
    (b"", "The file is empty."),
    (b"employee_number,full_name,role\n", "The file has a header but no people."),
    (b"employee_number,full_name\nN1,Anna Uno\n", "Missing columns: role."),
    ("employee_number,full_name,role,store\nN1,Niccolò,staff,MI01\n".encode("cp1252"), "not UTF-8"),
])
def test_fatal_problems_are_explained(client, sign_in, org, content, message):
    sign_in(org.hr)
    before = people_count()
    response = upload(client, content)
    assert response.status_code == 422
    page = text(response)
    assert "Nothing was imported" in page and message in page
    assert people_count() == before


def test_too_many_rows_follows_the_configured_limit(app, client, sign_in, org):
    app.config["IMPORT_MAX_ROWS"] = 2
    sign_in(org.hr)
    before = people_count()
    rows = "".join(f"N{n},Person {n},staff,MI01\n" for n in range(3))
    response = upload(client, "employee_number,full_name,role,store\n" + rows)
    assert response.status_code == 422
    assert "At most 2 people per file." in text(response)
    assert people_count() == before


def test_a_spreadsheet_upload_is_refused(client, sign_in, org):
    sign_in(org.hr)
    before = people_count()
    response = upload(client, b"PK\x03\x04 not really a workbook", filename="people.xlsx")
    assert response.status_code == 422
    assert "Only .csv files can be imported." in text(response)
    assert people_count() == before


def test_posting_without_a_file_asks_for_one(client, sign_in, org):
    sign_in(org.hr)
    response = client.post("/people/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Choose a CSV file to import." in text(response)


def test_upload_without_csrf_token_is_refused(client, sign_in, org):
    sign_in(org.hr)
    before = people_count()
    assert upload(client, GOOD, csrf=False).status_code == 400
    assert people_count() == before
