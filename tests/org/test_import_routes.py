"""/people/import: HR and admins upload a CSV and see a preview (nothing written); /people/import/confirm
imports exactly what was previewed, all or nothing, with a line-by-line report."""

import html
import io
import re

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


def confirm_fields(page: str) -> dict:
    """The preview's hidden fields, as the Import button sends them."""
    return {name: re.search(rf'name="{name}" type="hidden" value="([^"]*)"', page)[1]
            for name in ("content", "fingerprint", "deactivate_missing")}


def preview_and_import(client, content, **data):
    preview = upload(client, content, **data)
    assert preview.status_code == 200, text(preview)
    return client.post("/people/import/confirm", data=confirm_fields(text(preview)))


def people_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Person.id)))


@pytest.mark.parametrize("role", ["hr", "admin"])
def test_hr_and_admin_see_the_import_page(client, sign_in, org, role):
    sign_in(org.by_role(role))
    response = client.get("/people/import")
    assert response.status_code == 200
    assert 'type="file"' in text(response)
    page = text(response)
    # The page lists what a file may contain: headers, roles in both languages, dates, codes.
    assert "matricola" in page and "cognome" in page
    assert "addetto/a alle vendite" in page and "store associate" in page
    assert "31/12/2026" in page
    assert "<strong>MI01</strong> Milano Duomo" in page and "<strong>LAZ</strong> Lazio" in page


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
    preview = upload(client, GOOD)
    assert "Preview: nothing is imported yet" in text(preview)
    assert people_count() == before  # the preview writes nothing
    response = client.post("/people/import/confirm", data=confirm_fields(text(preview)))
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
    response = preview_and_import(client, content)
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
    (b"employee_number,full_name,role,store\nN1,Nicol\x00,staff,MI01\n", "not a text CSV file"),
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
    fields = confirm_fields(text(upload(client, GOOD)))
    assert client.post("/people/import/confirm", data=fields, csrf=False).status_code == 400
    assert people_count() == before


CHAIN = ("Matricola;Cognome;Nome;Ruolo;Negozio;Data assunzione\r\n"
         "N7001;Bellè;Niccolò;Addetto/a alle vendite;MI01;15/01/2026\r\n"
         "N7002;García;Lucía;Store manager;MB01;01.09.2019\r\n").encode("cp1252")


def test_the_preview_of_an_excel_file_says_how_it_was_read_and_writes_nothing(client, sign_in, org):
    sign_in(org.hr)
    before = people_count()
    response = upload(client, CHAIN)
    assert response.status_code == 200
    page = text(response)
    assert "Read as Windows-1252 (Excel's usual encoding)." in page
    assert '<td data-label="Column in the file">Cognome</td><td data-label="Read as">Surname</td>' in page
    assert '<td data-label="Name">Niccolò Bellè</td>' in page and '<td data-label="Name">Lucía García</td>' in page
    assert '<td data-label="Role">Store associate</td>' in page
    assert '<span class="pill pill--brand">New</span>' in page
    assert 'type="submit">' in page and "Import</button>" in page
    assert people_count() == before
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) == 0


def test_importing_what_was_previewed(client, sign_in, org):
    sign_in(org.hr)
    response = preview_and_import(client, CHAIN)
    assert response.status_code == 200
    assert "2 people imported" in text(response)
    niccolo = db.session.scalar(sa.select(Person).where(Person.employee_number == "N7001"))
    assert niccolo.full_name == "Niccolò Bellè" and niccolo.store_id == org.store.id


def test_a_plan_that_changed_since_the_preview_is_not_imported(client, sign_in, org):
    sign_in(org.hr)
    content = "employee_number,full_name,role,store\nE1001,Sara Staff,staff,MB01\n"
    fields = confirm_fields(text(upload(client, content)))
    org.staff.full_name = "Sara Cambiata"  # someone edits her meanwhile
    db.session.commit()
    response = client.post("/people/import/confirm", data=fields)
    assert response.status_code == 409
    page = text(response)
    assert "People changed since your preview, so nothing was imported." in page
    assert "Sara Cambiata → Sara Staff" in page  # the fresh preview
    db.session.refresh(org.staff)
    assert org.staff.store_id == org.store.id and org.staff.full_name == "Sara Cambiata"
    # The fresh preview's own button imports.
    assert client.post("/people/import/confirm", data=confirm_fields(page)).status_code == 200
    db.session.refresh(org.staff)
    assert org.staff.store_id == org.sibling_store.id


def test_a_damaged_preview_is_refused(client, sign_in, org):
    sign_in(org.hr)
    before = people_count()
    response = client.post("/people/import/confirm", data={"content": "not base64!", "fingerprint": "0" * 64})
    assert response.status_code == 422
    assert "The preview could not be read back. Upload the file again." in text(response)
    assert people_count() == before


def test_the_deactivate_box_travels_to_the_import(client, sign_in, org):
    sign_in(org.hr)
    content = "employee_number,full_name,role,store\nE1001,Sara Staff,staff,MI01\n"
    preview = client.post("/people/import", data={"file": (io.BytesIO(content.encode()), "people.csv"),
                                                  "deactivate_missing": "y"}, content_type="multipart/form-data")
    page = text(preview)
    assert "Cosimo Collega" in page and "Ada Admin (" not in page and "Hanna Hr (" not in page
    response = client.post("/people/import/confirm", data=confirm_fields(page))
    assert response.status_code == 200
    db.session.refresh(org.colleague)
    db.session.refresh(org.admin)
    assert not org.colleague.active and org.admin.active and org.hr.active and org.staff.active


def test_confirm_is_for_hr_and_admins_only(client, sign_in, org):
    sign_in(org.sm)
    assert client.post("/people/import/confirm", data={}).status_code == 403
