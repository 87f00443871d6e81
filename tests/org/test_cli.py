"""`flask org …`: import a CSV, create the first administrator, print an invite link."""

import re

import pytest
import sqlalchemy as sa

from app.auth.models import InviteToken
from app.extensions import db
from app.org.models import Person, Role
from tests import factories

LINK = re.compile(r"https?://\S+/invite/([A-Za-z0-9_-]+)")
HEADER = "employee_number,full_name,email,role,store,manager\n"


def people_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Person.id)))


@pytest.fixture
def csv_file(tmp_path):
    def _write(content: str | bytes, name: str = "people.csv"):
        path = tmp_path / name
        path.write_bytes(content.encode() if isinstance(content, str) else content)
        return str(path)

    return _write


def test_import_good_file(runner, org, csv_file):
    before = people_count()
    path = csv_file(HEADER + "N2001,Giulia Rossi,,staff,MI01,N2002\n"
                             "N2002,Marco Bianchi,,store_manager,MI01,\n")
    result = runner.invoke(args=["org", "import", path, "--as", "HR@example.test"])
    assert result.exit_code == 0, result.output
    assert "Imported 2 people." in result.output
    assert people_count() == before + 2
    giulia = db.session.scalar(sa.select(Person).where(Person.employee_number == "N2001"))
    assert giulia.manager.employee_number == "N2002"


def test_import_bad_file_lists_the_lines_and_imports_nothing(runner, org, csv_file):
    before = people_count()
    path = csv_file(HEADER + "N2001,Giulia Rossi,,staff,MI01,\n"
                             "N2002,Marco Bianchi,,staff,ZZ99,\n"
                             "N2003,Anna Tre,,wizard,MI01,\n")
    result = runner.invoke(args=["org", "import", path, "--as", org.hr.employee_number])
    assert result.exit_code != 0
    assert "line 3: Unknown store code ZZ99." in result.stderr
    assert "line 4: Unknown role “wizard”." in result.stderr
    assert "Nothing imported: 2 line(s) need fixing." in result.stderr
    assert people_count() == before


@pytest.mark.parametrize(("content", "message"), [
    (b"", "The file is empty."),
    (b"employee_number,full_name\nN1,Anna\n", "Missing columns: role."),
    (b"employee_number,full_name,role\nN1,Nicol\x00,staff\n", "not a text CSV file"),
])
def test_import_fatal_problem_fails_with_the_reason(runner, org, csv_file, content, message):
    before = people_count()
    result = runner.invoke(args=["org", "import", csv_file(content), "--as", "hr@example.test"])
    assert result.exit_code != 0
    assert message in result.output
    assert people_count() == before


def test_import_respects_the_row_limit(app, runner, org, csv_file):
    app.config["IMPORT_MAX_ROWS"] = 1
    before = people_count()
    path = csv_file(HEADER + "N1,Anna Uno,,staff,MI01,\nN2,Bruno Due,,staff,MI01,\n")
    result = runner.invoke(args=["org", "import", path, "--as", "hr@example.test"])
    assert result.exit_code != 0
    assert "At most 1 people per file." in result.output
    assert people_count() == before


@pytest.mark.parametrize(("actor", "message"), [
    ("sm@example.test", "Only HR or an administrator can import people."),
    ("nobody@example.test", "No person with e-mail or employee number"),
])
def test_import_needs_an_hr_or_admin_actor(runner, org, csv_file, actor, message):
    before = people_count()
    path = csv_file(HEADER + "N1,Anna Uno,,staff,MI01,\n")
    result = runner.invoke(args=["org", "import", path, "--as", actor])
    assert result.exit_code != 0
    assert message in result.output
    assert people_count() == before


def test_import_of_a_missing_file_fails(runner, org, tmp_path):
    result = runner.invoke(args=["org", "import", str(tmp_path / "nope.csv"), "--as", "hr@example.test"])
    assert result.exit_code == 2  # click's usage error
    assert "does not exist" in result.output


def test_create_admin_prints_a_working_link(app, runner):
    result = runner.invoke(args=["org", "create-admin", "--email", "Boss@Example.com",
                                 "--name", " Ada  Lovelace "])
    assert result.exit_code == 0, result.output
    token = LINK.search(result.output).group(1)
    admin = db.session.scalar(sa.select(Person))
    assert (admin.role, admin.email, admin.employee_number) == (Role.ADMIN, "boss@example.com", "ADMIN-1")
    assert admin.password_hash is None

    phone = app.test_client()
    assert phone.get(f"/invite/{token}").status_code == 200
    response = phone.post(f"/invite/{token}", data={"password": "first admin password",
                                                    "confirm": "first admin password"})
    assert response.status_code == 303
    assert phone.get("/people").status_code == 200


def test_create_admin_refuses_a_duplicate(runner, org):
    before = people_count()
    result = runner.invoke(args=["org", "create-admin", "--email", "ADMIN@example.test", "--name", "Again",
                                 "--employee-number", "NEW-1"])
    assert result.exit_code != 0
    assert "already exists" in result.output
    assert people_count() == before


def test_invite_prints_a_fresh_link_and_revokes_the_old_one(app, runner, org):
    newcomer = factories.make_person(store=org.store, employee_number="E2001", password=None)
    db.session.commit()
    first = runner.invoke(args=["org", "invite", "E2001"])
    second = runner.invoke(args=["org", "invite", "E2001"])
    assert first.exit_code == 0 and second.exit_code == 0
    old, new = LINK.search(first.output).group(1), LINK.search(second.output).group(1)
    phone = app.test_client()
    assert phone.get(f"/invite/{old}").status_code == 410
    assert phone.get(f"/invite/{new}").status_code == 200
    assert db.session.scalar(sa.select(sa.func.count(InviteToken.id))
                             .where(InviteToken.person_id == newcomer.id)) == 2


def test_invite_by_email_ignores_case(runner, org):
    org.staff.password_hash = None  # never signed in: an invite is for them
    db.session.commit()
    result = runner.invoke(args=["org", "invite", "Staff@Example.Test"])
    assert result.exit_code == 0
    assert LINK.search(result.output)


def test_account_takeover_cli_invite_refuses_a_person_with_a_password(runner, org):
    """Item 1: `org invite` would replace the password of someone who has one, so it refuses."""
    result = runner.invoke(args=["org", "invite", "E1001"])
    assert result.exit_code != 0
    assert "Sara Staff has already set a password" in result.output
    assert db.session.scalar(sa.select(sa.func.count(InviteToken.id))) == 0


def test_invite_refuses_a_deactivated_person(runner, org):
    org.staff.active = False
    db.session.commit()
    result = runner.invoke(args=["org", "invite", "E1001"])
    assert result.exit_code != 0
    assert "Sara Staff is deactivated. Reactivate them first." in result.output
    assert db.session.scalar(sa.select(sa.func.count(InviteToken.id))) == 0


def test_invite_refuses_an_unknown_person(runner, org):
    result = runner.invoke(args=["org", "invite", "E9999"])
    assert result.exit_code != 0
    assert "No person with e-mail or employee number 'E9999'." in result.output
