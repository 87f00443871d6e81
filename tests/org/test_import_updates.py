"""The people import as HR really uses it: an Excel/HR-system export (Windows-1252, semicolons, day-first
dates, Cognome/Nome, Italian role labels) previewed first, then next month's file updating people,
deactivating the ones who left, and placing veterans on the journey."""

from datetime import date

import pytest
import sqlalchemy as sa

from app.core.audit import AuditEntry
from app.core.models import utcnow
from app.extensions import db
from app.journey.models import PersonStage, StageChange
from app.journey.services import current_stage
from app.org.importer import import_people, plan_import
from app.org.models import Person, Role
from app.points.ledger import balances


def by_number(number: str) -> Person | None:
    return db.session.scalar(sa.select(Person).where(Person.employee_number == number))


def people_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Person.id)))


def problems_of(plan) -> dict[int, str]:
    return {problem.line: " ".join(problem.messages) for problem in plan.problems}


def run(actor, raw: bytes, **options):
    """What the confirm step does: import, commit on success, roll back otherwise."""
    plan = import_people(actor, raw, max_rows=100, **options)
    db.session.commit() if plan.ok else db.session.rollback()
    return plan


def excel(text: str) -> bytes:
    """A file as Excel's plain "CSV" saves it on an Italian PC."""
    return text.replace("\n", "\r\n").encode("cp1252")


FIRST_MONTH = excel(
    "Matricola;Cognome;Nome;Ruolo;Negozio;Responsabile;Data assunzione;E-mail\n"
    "N8001;Bellè;Niccolò;Addetto/a alle vendite;MI01;N8003;15/01/2026;niccolo@example.com\n"
    "N8002;García;Lucía;ADDETTO/A ALLE VENDITE;MI01;N8003;01-09-2019;\n"
    "N8003;Ferrari;Giulia;Store manager;MI01;{dm};28.02.2015;\n"
    "N8004;Russo;Marco;staff;MI01;N8003;2020-03-10;\n"
)


def first_month(org) -> bytes:
    return FIRST_MONTH.replace(b"{dm}", org.dm.employee_number.encode())


def test_the_preview_reads_an_excel_export_and_writes_nothing(org):
    before_people = people_count()
    plan = plan_import(org.hr, first_month(org), max_rows=100)
    assert plan.ok, plan.problems
    assert plan.encoding == "Windows-1252"
    assert "Read as Windows-1252 (Excel's usual encoding)." in plan.warnings
    assert ("Cognome", "Surname") in plan.columns and ("Nome", "First name") in plan.columns
    assert [line.draft.full_name for line in plan.lines] == ["Niccolò Bellè", "Lucía García", "Giulia Ferrari",
                                                            "Marco Russo"]
    assert [line.status for line in plan.lines] == ["new"] * 4
    assert plan.lines[2].draft.role == Role.STORE_MANAGER and plan.lines[1].draft.role == Role.STAFF
    assert plan.lines[1].draft.hire_date == date(2019, 9, 1)
    assert plan.lines[2].draft.hire_date == date(2015, 2, 28)
    assert people_count() == before_people
    db.session.rollback()
    assert people_count() == before_people
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) == 0


def test_the_previewed_plan_is_imported(org):
    preview = plan_import(org.hr, first_month(org), max_rows=100)
    plan = run(org.hr, first_month(org), fingerprint=preview.fingerprint)
    assert plan.ok and len(plan.created) == 4
    niccolo, giulia = by_number("N8001"), by_number("N8003")
    assert niccolo.full_name == "Niccolò Bellè" and niccolo.email == "niccolo@example.com"
    assert niccolo.manager_id == giulia.id and niccolo.hire_date == date(2026, 1, 15)
    assert giulia.manager_id == org.dm.id


def test_next_months_file_updates_adds_and_deactivates(org):
    run(org.hr, first_month(org))
    second = excel(
        "Matricola;Cognome;Nome;Ruolo;Negozio;Responsabile;Data assunzione;E-mail\n"
        "n8001;Bellè;Niccolò;Addetto/a alle vendite;MB01;N8003;15/01/2026;\n"     # moved store; e-mail kept
        "N8002;García Rossi;Lucía;Addetto/a alle vendite;MI01;N8003;01/09/2019;\n"  # married: new surname
        "N8003;Ferrari;Giulia;Store manager;MI01;{dm};28/02/2015;\n"                # unchanged
        "N8004;Russo;Marco;Store manager;MI01;N8003;10/03/2020;\n"                  # promoted
        "N8005;Esposito;Anna;Addetto/a alle vendite;MI01;N8003;01/06/2026;\n"       # new
    ).replace(b"{dm}", org.dm.employee_number.encode())
    preview = plan_import(org.hr, second, max_rows=100, deactivate_missing=True)
    assert preview.ok, preview.problems
    assert [line.status for line in preview.lines] == ["updated", "updated", "unchanged", "updated", "new"]
    changes = {line.draft.employee_number: [(c.label, c.old_text, c.new_text) for c in line.changes]
               for line in preview.with_status("updated")}
    assert changes == {"N8001": [("Store", "MI01", "MB01")],
                       "N8002": [("Full name", "Lucía García", "Lucía García Rossi")],
                       "N8004": [("Role", "Store associate", "Store manager")]}
    # Everyone HR manages who is not in the file: the org's own people, never HR or the admin.
    leaving = {person.employee_number for person in preview.to_deactivate}
    assert org.staff.employee_number in leaving and org.dm.employee_number in leaving
    assert org.hr.employee_number not in leaving and org.admin.employee_number not in leaving
    assert by_number("N8005") is None  # still only a preview

    plan = run(org.hr, second, deactivate_missing=True, fingerprint=preview.fingerprint)
    assert plan.ok
    assert by_number("N8001").store_id == org.sibling_store.id
    assert by_number("N8001").email == "niccolo@example.com"  # an empty cell changes nothing
    assert by_number("N8002").full_name == "Lucía García Rossi"
    assert by_number("N8004").role == Role.STORE_MANAGER
    assert by_number("N8005").manager_id == by_number("N8003").id
    db.session.refresh(org.staff)
    assert not org.staff.active and org.staff.session_version > 1  # set_active cut their sessions
    assert org.hr.active and org.admin.active
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "people.imported")
                              .order_by(AuditEntry.id.desc()))
    assert entry.details["updated"] == 3 and entry.details["count"] == 1
    assert entry.details["deactivated"] == len(leaving)


def test_without_the_box_nobody_is_deactivated(org):
    plan = run(org.hr, b"employee_number,full_name,role,store\nN1,Anna Uno,staff,MI01\n")
    assert plan.ok and plan.to_deactivate == []
    db.session.refresh(org.staff)
    assert org.staff.active


def test_a_plan_that_changed_since_the_preview_writes_nothing(org):
    content = b"employee_number,full_name,role,store\nE1001,Sara Staff,staff,MB01\nN1,Anna Uno,staff,MI01\n"
    preview = plan_import(org.hr, content, max_rows=100)
    org.staff.store_id = org.other_store.id  # moved by someone else meanwhile
    db.session.commit()
    before = people_count()
    plan = run(org.hr, content, fingerprint=preview.fingerprint)
    assert plan.stale and not plan.ok
    assert people_count() == before
    db.session.refresh(org.staff)
    assert org.staff.store_id == org.other_store.id
    assert plan.lines[0].changes[0].old_text == "RM01"  # the fresh plan shows today's values


def test_a_closed_store_is_refused(org):
    org.sibling_store.closed_at = utcnow()
    db.session.commit()
    plan = run(org.hr, b"employee_number,full_name,role,store\nN1,Anna Uno,staff,MB01\n")
    assert "Store MB01 is closed;" in problems_of(plan)[2]
    assert by_number("N1") is None


def test_someone_outside_the_actors_scope_is_refused_not_updated(org):
    other = org.other_staff.employee_number
    plan = run(org.dm, f"employee_number,full_name,role,store\n{other},Rita Cambiata,staff,MI01\n".encode())
    assert f"Employee number {other} is someone you can't change from here" in problems_of(plan)[2]
    db.session.refresh(org.other_staff)
    assert org.other_staff.full_name == "Rita Remota" and org.other_staff.store_id == org.other_store.id


def test_hr_cannot_change_themselves_but_may_be_listed_unchanged(org):
    hr = org.hr.employee_number
    assert run(org.hr, f"employee_number,full_name,role\n{hr},Hanna Hr,hr\n".encode()).ok
    plan = run(org.hr, f"employee_number,full_name,role\n{hr},Hanna Capa,hr\n".encode())
    assert "someone you can't change from here" in problems_of(plan)[2]


def test_a_role_the_actor_cannot_give_is_refused_on_an_update(org):
    number = org.colleague.employee_number
    plan = run(org.dm, f"employee_number,full_name,role,district\n{number},Cosimo Collega,hr,LOM\n".encode())
    assert "You can't give the role hr." in problems_of(plan)[2]


def test_a_loop_through_an_updated_manager_is_refused(org):
    # Sofia (store manager) is Sara's manager; making Sara Sofia's manager closes a circle.
    sm, staff = org.sm.employee_number, org.staff.employee_number
    plan = run(org.hr, f"employee_number,full_name,role,store,manager\n{sm},Sofia Manager,store_manager,MI01,"
                       f"{staff}\n".encode())
    assert "Managers go round in a circle" in problems_of(plan)[2]
    db.session.refresh(org.sm)
    assert org.sm.manager_id == org.dm.id


def test_nome_alone_is_the_full_name_and_a_single_word_is_flagged(org):
    plan = plan_import(org.hr, b"matricola;nome;ruolo;negozio\nN1;Cher;staff;MI01\nN2;Lucia Verdi;staff;MI01\n"
, max_rows=100)
    assert plan.ok and plan.encoding == "UTF-8"
    assert [line.draft.full_name for line in plan.lines] == ["Cher", "Lucia Verdi"]
    assert "Line 2: “Cher” has no surname." in plan.warnings


def test_an_unknown_column_is_reported_as_ignored(org):
    plan = plan_import(org.hr, b"employee_number,full_name,role,store,shoe size\nN1,Anna Uno,staff,MI01,38\n",
                       max_rows=100)
    assert plan.ignored == ["shoe size"]
    assert "Columns not imported: shoe size." in plan.warnings


@pytest.mark.usefixtures("journey_defaults")
def test_the_stage_column_places_veterans_without_points_or_celebration(org):
    plan = run(org.hr, "matricola;nome e cognome;ruolo;negozio;fase\n"
                       "N1;Franco Veterano;staff;MI01;Leader\n"
                       "N2;Giada Nuova;staff;MI01;\n"
                       f"{org.staff.employee_number};Sara Staff;staff;MI01;engagement\n".encode())
    assert plan.ok, plan.problems
    franco, giada = by_number("N1"), by_number("N2")
    assert current_stage(franco).key == "leader" and current_stage(giada).key == "onboarding"
    assert current_stage(org.staff).key == "engagement"
    assert balances(franco.id)[0] == 0
    # A placement is not a stage-up: nothing to celebrate, nothing in the manager's "recent stage-ups".
    assert not db.session.scalars(sa.select(StageChange).where(StageChange.person_id == franco.id)).all()
    assert db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "journey.placed",
                                                         AuditEntry.target_id == franco.id)) is not None
    # Next month, a lower stage is a change the preview shows, and is set as written.
    again = plan_import(org.hr, b"matricola;nome e cognome;ruolo;negozio;fase\nN1;Franco Veterano;staff;MI01;"
                                b"Onboarding\n", max_rows=100)
    assert [(c.label, c.old_text, c.new_text) for c in again.lines[0].changes] == [
        ("Journey stage", "Leader", "Onboarding")]
    run(org.hr, b"matricola;nome e cognome;ruolo;negozio;fase\nN1;Franco Veterano;staff;MI01;onboarding\n"
)
    assert db.session.get(PersonStage, franco.id).stage.key == "onboarding"


@pytest.mark.usefixtures("journey_defaults")
def test_an_unknown_stage_is_refused(org):
    plan = run(org.hr, b"employee_number,full_name,role,store,stage\nN1,Anna Uno,staff,MI01,guru\n")
    assert "Unknown journey stage “guru”." in problems_of(plan)[2]
