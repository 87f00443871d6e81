"""`flask org district|store …` and `flask org create-admin` on a first day: the same rules as the screens,
a clear message and exit 1 for bad input, nothing changed; invite links on PUBLIC_URL, said out loud."""

import re

import sqlalchemy as sa

from app.core.audit import AuditEntry
from app.extensions import db
from app.org.models import District, Person, Store


def structure() -> list:
    db.session.expire_all()
    return ([(d.code, d.name, d.closed_at) for d in db.session.scalars(sa.select(District).order_by(District.id))]
            + [(s.code, s.name, s.city, s.timezone, s.district_id, s.closed_at)
               for s in db.session.scalars(sa.select(Store).order_by(Store.id))])


def test_cli_districts_and_stores_from_create_to_close(app, runner):
    for args in (["district", "create", "nord", "Nord"], ["district", "create", "SUD", "Sud"],
                 ["district", "rename", "sud", "Meridione"],
                 ["store", "create", "mi01", "--name", "Milano", "--district", "NORD", "--city", "Milano"],
                 ["store", "create", "NA01", "--name", "Napoli", "--district", "SUD", "--timezone", "Europe/Rome"],
                 ["store", "update", "MI01", "--name", "Milano Duomo", "--timezone", "Europe/London"],
                 ["store", "move", "MI01", "--district", "SUD"],
                 ["store", "close", "NA01"], ["store", "move", "MI01", "--district", "NORD"],
                 ["district", "close", "SUD"]):
        result = runner.invoke(args=["org", *args])
        assert result.exit_code == 0, (args, result.output)
    milano = db.session.scalar(sa.select(Store).where(Store.code == "MI01"))
    assert (milano.name, milano.timezone, milano.district.code) == ("Milano Duomo", "Europe/London", "NORD")
    sud = db.session.scalar(sa.select(District).where(District.code == "SUD"))
    assert (sud.name, sud.closed_at is not None) == ("Meridione", True)
    listing = runner.invoke(args=["org", "store", "list"]).output
    assert "NA01" in listing and "(closed)" in listing
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) == 10


def test_cli_bad_input_says_why_and_changes_nothing(app, runner, org):
    before = structure()
    for args, message in (
            (["district", "create", "lom", "Again"], "District code LOM is already in use."),
            (["district", "create", "", "Empty"], "District code is needed"),
            (["store", "create", "mi01", "--name", "Again", "--district", "LOM"], "Store code MI01 is already in use."),
            (["store", "create", "TO01", "--name", "Torino", "--district", "LOM", "--timezone", "Mars/Base"],
             "Mars/Base is not a known time zone."),
            (["store", "create", "TO01", "--name", "Torino", "--district", "NOPE"], "No district with code"),
            (["store", "close", "MI01"], "3 active people still work at Milano Duomo"),
            (["district", "close", "LOM"], "still has 2 open store(s)"),
            (["store", "move", "ZZ99", "--district", "LOM"], "No store with code")):
        result = runner.invoke(args=["org", *args])
        assert result.exit_code == 1, args
        assert message in result.output, (args, result.output)
    assert structure() == before
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) == 0


def test_create_admin_language_defaults_to_the_company_and_can_be_chosen(app, runner):
    app.config["COMPANY_LANGUAGE"] = "it"
    assert runner.invoke(args=["org", "create-admin", "--email", "a@x.example", "--name", "Ada"]).exit_code == 0
    result = runner.invoke(args=["org", "create-admin", "--email", "b@x.example", "--name", "Bea",
                                 "--employee-number", "ADMIN-2", "--language", "en"])
    assert result.exit_code == 0
    locales = dict(db.session.execute(sa.select(Person.email, Person.locale)).all())
    assert locales == {"a@x.example": "it", "b@x.example": "en"}
    refused = runner.invoke(args=["org", "create-admin", "--email", "c@x.example", "--name", "Cy",
                                  "--employee-number", "ADMIN-3", "--language", "fr"])
    assert refused.exit_code == 2
    assert db.session.scalar(sa.select(sa.func.count(Person.id))) == 2


def test_create_admin_links_use_public_url_and_say_so(app, runner):
    app.config["PUBLIC_URL"] = "https://ascent.chain.example/team/"
    result = runner.invoke(args=["org", "create-admin", "--email", "a@x.example", "--name", "Ada"])
    assert result.exit_code == 0
    assert re.search(r"https://ascent\.chain\.example/team/invite/[\w-]+", result.stdout)
    assert "Links use PUBLIC_URL: https://ascent.chain.example/team" in result.stderr
    again = runner.invoke(args=["org", "invite", "a@x.example"])
    assert re.search(r"^https://ascent\.chain\.example/team/invite/[\w-]+$", again.stdout.strip())


def test_create_admin_warns_when_public_url_is_unset(app, runner):
    app.config["PUBLIC_URL"] = None
    result = runner.invoke(args=["org", "create-admin", "--email", "a@x.example", "--name", "Ada"])
    assert result.exit_code == 0
    assert "http://127.0.0.1:5000/invite/" in result.stdout
    assert "Warning: PUBLIC_URL is not set" in result.stderr
