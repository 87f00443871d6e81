"""A real chain's first day, from an empty database (no demo) and the README alone: the administrator made by
the CLI in the company's language with the link on PUBLIC_URL, signed in through that link, the set-up
checklist, two districts and three stores made in the screens, one store moved and one closed. No shell
beyond the CLI; the database is only read to check."""

import html
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


def test_first_day_from_an_empty_database_to_a_chain(app, client, runner):
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

    # Her home is the set-up checklist, pointing at the first thing to do (a district); the old "everyone has
    # signed in" line is gone.
    home = client.get("/home")
    assert home.status_code == 200
    page = text(home)
    assert 'id="setup-checklist"' in page
    assert "/districts/new" in page and "Everyone in your team has signed in" not in page

    # Two districts and three stores, through the screens.
    for code, name in (("nord", "Nord"), ("SUD", "Sud")):
        response = client.post("/districts/new", data={"code": code, "name": name})
        assert response.status_code == 303, text(response)
    nord, sud = _id_of(District, "NORD"), _id_of(District, "SUD")
    for code, name, district in (("MI01", "Milano", nord), ("TO01", "Torino", nord), ("NA01", "Napoli", sud)):
        response = client.post("/stores/new", data={"code": code, "name": name, "city": name,
                                                    "district_id": str(district), "timezone": "Europe/Rome"})
        assert response.status_code == 303, text(response)

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
