"""The set-up checklist on HR's and administrators' home, worked out from the data; and the sign-in page of
an empty database, which names the command that makes the first administrator."""

import html
import re

from app.extensions import db
from app.home.setup import setup_checklist
from app.org.models import Role
from tests import factories


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def states() -> dict[str, bool]:
    return {item.key: item.done for item in setup_checklist()}


def test_setup_checklist_on_an_empty_chain_everything_is_to_do(client, sign_in, app):
    admin = factories.make_person(Role.ADMIN, name="Ada Admin", email="ada@example.test")
    db.session.commit()
    assert not any(states().values())
    sign_in(admin)
    page = text(client.get("/home"))
    assert 'id="setup-checklist"' in page and "0 of 9 done" in page
    assert 'href="/districts/new"' in page and 'href="/stores/new"' in page
    assert "Everyone in your team has signed in. Nice." not in page
    assert "Nobody to invite yet" in page


def test_setup_checklist_items_follow_the_data(app, org):
    done = states()
    assert done["districts"] and done["stores"] and done["people"]
    # build_org: every store has a store manager, every district a district manager.
    assert done["managers"]
    assert done["invites"]  # everyone in build_org has a password
    assert not done["journey"] and not done["rewards"] and not done["kpi_targets"] and not done["company"]
    factories.make_store(org.district, "Bergamo", "BG01")  # a store without a manager
    factories.make_person(Role.STAFF, store=org.store, name="Nina Nuova", password=None)  # no invite yet
    db.session.commit()
    done = states()
    assert not done["managers"] and not done["invites"]
    app.config["COMPANY_NAME"] = "Catena Srl"
    assert states()["company"]


def test_setup_checklist_disappears_once_everything_is_done(app, client, sign_in, org, monkeypatch):
    from app.home import setup

    monkeypatch.setattr(setup, "setup_checklist", lambda: [setup.SetupItem("x", "X", "", True)])
    sign_in(org.hr)
    assert 'id="setup-checklist"' not in text(client.get("/home"))


def test_setup_checklist_costs_one_query_per_item(app, org, count_queries):
    with count_queries() as counter:
        items = setup_checklist()
    assert counter.count <= len(items)


def test_setup_checklist_is_for_hr_and_admin_only(client, sign_in, org):
    for person in (org.sm, org.dm, org.staff):
        sign_in(person)
        assert 'id="setup-checklist"' not in text(client.get("/home"))


def test_first_run_hint_on_the_sign_in_page_of_an_empty_database(app, client):
    page = text(client.get("/login"))
    assert 'id="first-run"' in page
    assert re.search(r"flask --app wsgi org create-admin --email \S+ --name", page)


def test_first_run_hint_is_gone_once_someone_exists(app, client, org):
    assert 'id="first-run"' not in text(client.get("/login"))
