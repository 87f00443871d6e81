"""A real chain's first day, from an empty database (no demo) and the README alone: the administrator made by
the CLI in the company's language with the link on PUBLIC_URL, signed in through that link, the set-up
checklist, two districts and three stores made in the screens, one store moved and one closed. No shell
beyond the CLI; the database is only read to check."""

import html
import io
import re
from urllib.parse import urlsplit

import sqlalchemy as sa

from app.core.audit import AuditEntry
from app.extensions import db
from app.org.models import District, Person, Role, Store

PASSWORD = "a long first-day password"


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _id_of(model, code: str) -> int:
    return db.session.scalar(sa.select(model.id).where(model.code == code))


def _first_administrator(app, client, runner) -> Person:
    """`make admin` on an empty database, then the printed link opened and a password chosen."""
    app.config["PUBLIC_URL"] = "https://ascent.chain.example/"
    app.config["COMPANY_LANGUAGE"] = "it"
    assert db.session.scalar(sa.select(sa.func.count(Person.id))) == 0

    # The empty sign-in page says how the first administrator is made.
    login = client.get("/login")
    assert "org create-admin" in text(login)

    result = runner.invoke(args=["org", "create-admin", "--email", "Ada@Chain.example", "--name", "Ada Rossi"])
    assert result.exit_code == 0, result.output
    assert "Links use PUBLIC_URL: https://ascent.chain.example" in result.stderr
    link = re.search(r"https://ascent\.chain\.example/invite/[A-Za-z0-9_-]+", result.stdout).group(0)
    admin = db.session.scalar(sa.select(Person).where(Person.email == "ada@chain.example"))
    assert (admin.role, admin.locale) == (Role.ADMIN, "it")  # the company's language, not English

    # Signed in through the printed link (the path of the public address, on this test server).
    path = urlsplit(link).path
    assert client.get(path).status_code == 200
    accepted = client.post(path, data={"password": PASSWORD, "confirm": PASSWORD})
    assert accepted.status_code in (302, 303)
    assert client.get("/home").status_code == 200  # signed in
    return admin


def _two_districts_and_three_stores(client) -> None:
    for code, name in (("nord", "Nord"), ("SUD", "Sud")):
        response = client.post("/districts/new", data={"code": code, "name": name})
        assert response.status_code == 303, text(response)
    nord, sud = _id_of(District, "NORD"), _id_of(District, "SUD")
    for code, name, district in (("MI01", "Milano", nord), ("TO01", "Torino", nord), ("NA01", "Napoli", sud)):
        response = client.post("/stores/new", data={"code": code, "name": name, "city": name,
                                                    "district_id": str(district), "timezone": "Europe/Rome"})
        assert response.status_code == 303, text(response)


def test_first_day_from_an_empty_database_to_a_chain(app, client, runner):
    admin = _first_administrator(app, client, runner)

    # Her home is the set-up checklist, pointing at the first thing to do (a district); the old "everyone has
    # signed in" line is gone.
    home = client.get("/home")
    assert home.status_code == 200
    page = text(home)
    assert 'id="setup-checklist"' in page
    assert "/districts/new" in page and "Everyone in your team has signed in" not in page

    # Two districts and three stores, through the screens.
    _two_districts_and_three_stores(client)
    nord, sud = _id_of(District, "NORD"), _id_of(District, "SUD")

    # Torino moves to the south, Napoli closes (nobody works there yet).
    torino, napoli = _id_of(Store, "TO01"), _id_of(Store, "NA01")
    moved = client.post(f"/stores/{torino}/edit", data={"code": "TO01", "name": "Torino", "city": "Torino",
                                                        "district_id": str(sud), "timezone": "Europe/Rome"})
    assert moved.status_code == 303, text(moved)
    assert client.post(f"/stores/{napoli}/close").status_code == 303

    db.session.expire_all()
    stores = {store.code: store for store in db.session.scalars(sa.select(Store))}
    assert stores["TO01"].district_id == sud and stores["MI01"].district_id == nord
    assert stores["NA01"].closed_at is not None and stores["MI01"].closed_at is None
    actions = list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions.count("district.created") == 2 and actions.count("store.created") == 3
    assert "store.moved" in actions and "store.closed" in actions
    assert set(db.session.scalars(sa.select(AuditEntry.actor_id).where(
        AuditEntry.action.like("store.%")))) == {admin.id}

    # The store list shows codes and zones; the checklist moved on from districts and stores.
    listing = text(client.get("/stores"))
    assert "MI01" in listing and "Europe/Rome" in listing
    home = text(client.get("/home"))
    assert "/districts/new" not in home and "/stores/new" not in home


# What an Italian HR system exports: semicolons, Windows-1252, dd/mm/yyyy, surname and first name apart,
# the app's role labels in Italian, managers by employee number.
HEADER = "Matricola;Cognome;Nome;Ruolo;Negozio;Area;Responsabile;Data assunzione;E-mail"
FIRST_EXPORT = [
    "AM01;Conti;Giorgio;Area manager;;NORD;;01/02/2015;giorgio.conti@chain.example",
    "SM01;Ferrari;Chiara;Store manager;MI01;;AM01;15/03/2018;chiara.ferrari@chain.example",
    "SM02;Esposito;Luca;Store manager;TO01;;AM01;01/09/2019;",
    "SM03;Romano;Giulia;Store manager;NA01;;;10/01/2020;",
    "A001;Bianchi;Niccolò;Addetto/a alle vendite;MI01;;SM01;02/11/2026;",
    "A002;D'Angelo;Martina;Addetto/a alle vendite;MI01;;SM01;03/05/2021;",
    "A003;Ricci;Francesca;Addetto/a alle vendite;MI01;;SM01;30/06/2022;",
    "A004;Marino;Andrea;Addetto/a alle vendite;MI01;;SM01;14/02/2023;",
    "A005;Greco;Sofia;Addetto/a alle vendite;MI01;;SM01;01/12/2024;",
    "A006;Bruno;Matteo;Addetto/a alle vendite;TO01;;SM02;20/04/2020;",
    "A007;Gallo;Aurora;Addetto/a alle vendite;TO01;;SM02;05/05/2025;",
    "A008;Costa;Lorenzo;Addetto/a alle vendite;TO01;;SM02;11/11/2021;",
    "A009;Fontana;Ginevra;Addetto/a alle vendite;TO01;;SM02;17/07/2017;",
    "A010;Caruso;Tommaso;Addetto/a alle vendite;TO01;;SM02;08/08/2023;",
    "A011;Mancini;Alice;Addetto/a alle vendite;NA01;;SM03;09/09/2019;",
    "A012;Rizzo;Gabriele;Addetto/a alle vendite;NA01;;SM03;12/12/2022;",
    "A013;Lombardi;Beatrice;Addetto/a alle vendite;NA01;;SM03;01/03/2024;",
    "A014;Moretti;Riccardo;Addetto/a alle vendite;NA01;;SM03;28/02/2025;",
    "A015;Barbieri;Vittoria;Addetto/a alle vendite;NA01;;SM03;15/10/2026;",
    "A016;Santoro;Edoardo;Addetto/a alle vendite;MI01;;SM01;19/01/2026;",
]


def _export(lines: list[str]) -> bytes:
    return ("\r\n".join([HEADER, *lines]) + "\r\n").encode("cp1252")


def _preview(client, raw: bytes, **data):
    response = client.post("/people/import", data={"file": (io.BytesIO(raw), "dipendenti.csv"), **data},
                           content_type="multipart/form-data")
    assert response.status_code == 200, text(response)
    return text(response)


def _import_as_previewed(client, preview: str):
    fields = {name: re.search(rf'name="{name}" type="hidden" value="([^"]*)"', preview)[1]
              for name in ("content", "fingerprint", "deactivate_missing")}
    response = client.post("/people/import/confirm", data=fields)
    assert response.status_code == 200, text(response)
    return text(response)


def _people() -> dict[str, Person]:
    db.session.expire_all()
    return {person.employee_number: person for person in db.session.scalars(sa.select(Person))}


def test_first_day_people_imported_updated_next_month_and_invited(app, client, runner):
    """The issue's "done when": empty database → administrator → 2 districts and 3 stores in the screens →
    20 people from an Italian HR export through the preview → next month's file updating 3 and deactivating
    1 → invites printed in bulk. No shell, no demo."""
    _first_administrator(app, client, runner)
    _two_districts_and_three_stores(client)

    # The preview reads the file and writes nothing.
    preview = _preview(client, _export(FIRST_EXPORT))
    assert "Windows-1252" in preview
    assert "Niccolò Bianchi" in preview and "Martina D'Angelo" in preview  # first name, then surname
    assert len(_people()) == 1  # only Ada
    done = _import_as_previewed(client, preview)
    assert "20" in done

    people = _people()
    assert len(people) == 21
    niccolo, chiara, giorgio = people["A001"], people["SM01"], people["AM01"]
    assert niccolo.full_name == "Niccolò Bianchi" and niccolo.role == Role.STAFF
    assert niccolo.hire_date.isoformat() == "2026-11-02"  # day first
    assert niccolo.store.code == "MI01" and niccolo.manager_id == chiara.id
    assert chiara.role == Role.STORE_MANAGER and chiara.manager_id == giorgio.id
    assert giorgio.role == Role.DISTRICT_MANAGER and giorgio.district.code == "NORD"

    # Typed without the accent, the search still finds him.
    assert "Niccolò Bianchi" in text(client.get("/people?q=niccolo"))

    # Next month: Niccolò moves to Torino, Martina becomes store manager... of Milano's team, Francesca
    # marries (surname), Andrea left (not in the file: deactivated when asked). Everyone else as before.
    changed = [line for line in FIRST_EXPORT if not line.startswith("A004;")]
    changed = [line.replace("A001;Bianchi;Niccolò;Addetto/a alle vendite;MI01;;SM01",
                            "A001;Bianchi;Niccolò;Addetto/a alle vendite;TO01;;SM02")
               .replace("A002;D'Angelo;Martina;Addetto/a alle vendite", "A002;D'Angelo;Martina;Store manager")
               .replace("A003;Ricci;Francesca", "A003;Ricci Colombo;Francesca") for line in changed]
    preview = _preview(client, _export(changed), deactivate_missing="y")
    assert "Andrea Marino" in preview  # named among those to deactivate
    assert "MI01" in preview and "TO01" in preview  # Niccolò's store, old → new
    assert "Francesca Ricci Colombo" in preview
    assert len(_people()) == 21 and _people()["A004"].active  # still nothing written
    _import_as_previewed(client, preview)

    people = _people()
    assert people["A001"].store.code == "TO01" and people["A001"].manager.employee_number == "SM02"
    assert people["A002"].role == Role.STORE_MANAGER
    assert people["A003"].full_name == "Francesca Ricci Colombo"
    assert not people["A004"].active
    assert sum(person.active for person in people.values()) == 20
    actions = list(db.session.scalars(sa.select(AuditEntry.action)))
    assert actions.count("people.imported") == 2

    # Everyone not signed in yet, in one print run: 19 active people without a password (Ada has one).
    pending = text(client.get("/people?status=pending"))
    # (Ada reads Italian: the company's language.)
    assert "Stampa gli inviti per tutti quelli che non hanno ancora fatto l'accesso (19)" in pending
    sheets = client.post("/people/invites", data={"everyone": "1", "status": "pending"})
    assert sheets.status_code == 200
    printed = text(sheets)
    assert printed.count('class="invite"') == 19
    assert "https://ascent.chain.example/invite/" in printed and "Andrea Marino" not in printed
