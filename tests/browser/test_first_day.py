"""A chain's first day in a real browser, on a database with no demo: the first administrator follows the
link `flask org create-admin` printed, sets a password and finds the set-up checklist on a laptop, then
creates a district and a store on a tablet."""

import re
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.org.models import District, Person, Role, Store
from tests.browser.conftest import LIVE_APP, migrated_app, open_screen, serving
from tests.browser.test_accessibility_features import blocking_violations
from tests.factories import make_person

LAPTOP = {"viewport": {"width": 1366, "height": 768}, "device_scale_factor": 1, "is_mobile": False,
          "has_touch": False}
ADMIN_EMAIL = "anna.rossi@catena.example"
SECOND_ADMIN = "bruno.verdi@catena.example"
PASSWORD = "una frase lunga abbastanza"


@pytest.fixture(scope="module")
def empty_chain(tmp_path_factory):
    """An empty, migrated database served over HTTP, with only the administrator `create-admin` made."""
    app = migrated_app(tmp_path_factory.mktemp("first-day-db") / "ascent.db", COMPANY_NAME="Catena Test",
                       COMPANY_LANGUAGE="it", PUBLIC_URL=None)
    result = app.test_cli_runner().invoke(args=["org", "create-admin", "--email", ADMIN_EMAIL,
                                                "--name", "Anna Rossi"])
    assert result.exit_code == 0, result.output
    link = result.output.strip().splitlines()[-1]
    with app.app_context():
        # A second administrator with a password, so the tablet test doesn't depend on the laptop test having
        # run first on the same worker.
        make_person(Role.ADMIN, name="Bruno Verdi", email=SECOND_ADMIN, password=PASSWORD, locale="it")
        db.session.commit()
        db.session.remove()
    with serving(app) as base_url:
        yield {"app": app, "base_url": base_url, "invite_path": urlsplit(link).path}


def test_first_administrator_finds_the_checklist_on_a_laptop(browser, empty_chain, screenshot_dir):
    context, laptop = open_screen(browser, empty_chain["base_url"], "laptop", screenshot_dir, **LAPTOP)
    try:
        laptop.goto(empty_chain["invite_path"])
        laptop.page.locator("#password").fill(PASSWORD)
        laptop.page.locator("#confirm").fill(PASSWORD)
        laptop.page.locator("form button[type=submit]").click()
        laptop.page.wait_for_url(re.compile(r"/home(\?|$)"))
        laptop.settle()

        checklist = laptop.page.locator("#setup-checklist")
        assert checklist.is_visible()
        assert "Configurazione della tua catena" in checklist.inner_text()  # the company speaks Italian
        items = checklist.locator("li")
        assert items.count() >= 8
        # Nothing is set up yet but the company's name and language: every other item links to its screen.
        assert checklist.locator("a.list__item").count() >= items.count() - 1
        box = checklist.bounding_box()
        assert box and box["width"] <= LAPTOP["viewport"]["width"]
        laptop.screenshot("first-day-checklist")
        laptop.assert_no_console_problems()
    finally:
        context.close()


def test_a_district_and_a_store_created_on_a_tablet(browser, empty_chain, screenshot_dir):
    context, tablet = open_screen(browser, empty_chain["base_url"], "tablet", screenshot_dir)
    try:
        tablet.login(SECOND_ADMIN, PASSWORD)
        tablet.goto("/districts/new")
        tablet.page.locator("#code").fill("nord")
        tablet.page.locator("#name").fill("Nord Italia")
        tablet.page.locator("form button[type=submit]").click()
        tablet.page.wait_for_url(re.compile(r"/districts(\?|$)"))
        tablet.settle()

        tablet.goto("/stores/new")
        tablet.page.locator("#code").fill("MI01")
        tablet.page.locator("#name").fill("Milano Duomo")
        tablet.page.locator("#city").fill("Milano")
        tablet.page.locator("#district_id").select_option(label="Nord Italia")
        assert tablet.page.locator("#timezone").input_value() == "Europe/Rome"  # the company's zone by default
        tablet.screenshot("first-day-store-form")
        tablet.page.locator("form button[type=submit]").click()
        tablet.page.wait_for_url(re.compile(r"/stores(\?|$)"))
        tablet.settle()
        assert "Milano Duomo" in tablet.page.locator("main").inner_text()
        assert "MI01" in tablet.page.locator("main").inner_text()
        tablet.screenshot("first-day-stores")
        tablet.assert_no_console_problems()
    finally:
        context.close()

    with empty_chain["app"].app_context():
        store = db.session.scalar(sa.select(Store).where(Store.code == "MI01"))
        district = db.session.scalar(sa.select(District).where(District.code == "NORD"))
        assert store is not None and district is not None
        assert (store.district_id, store.city, store.timezone) == (district.id, "Milano", "Europe/Rome")
        db.session.remove()


def test_hr_imports_an_italian_export_through_the_preview_on_a_phone(browser, live_server, screenshot_dir,
                                                                     tmp_path, axe_source):
    """The preview, then Import, on HR's phone (the demo chain's HR reads Italian)."""
    export = tmp_path / "dipendenti.csv"
    export.write_bytes(("Matricola;Cognome;Nome;Ruolo;Negozio;Data assunzione\r\n"
                        "BR001;Bianchi;Niccolò;Addetto/a alle vendite;MI01;02/11/2026\r\n"
                        "BR002;D'Angelo;Martina;Addetto/a alle vendite;MI01;03/05/2021\r\n"
                        "BR003;Ricci;Francesca;Store manager;MB01;30/06/2022\r\n").encode("cp1252"))
    context, phone = open_screen(browser, live_server, "phone", screenshot_dir)
    try:
        phone.login("hr")
        phone.goto("/people/import")
        phone.page.locator("input[type=file]").set_input_files(str(export))
        phone.page.locator("form[enctype] button[type=submit]").click()
        phone.page.wait_for_load_state("load")
        phone.settle()
        main = phone.page.locator("main").inner_text()
        assert "Windows-1252" in main and "Niccolò Bianchi" in main
        phone.screenshot("import-preview")
        assert blocking_violations(phone, axe_source) == []  # a POST's answer: not in the screen lists
        phone.page.locator("form[action$='/people/import/confirm'] button[type=submit]").click()
        phone.page.wait_for_load_state("load")
        phone.settle()
        assert phone.page.locator("#done-title").is_visible()
        phone.screenshot("import-done")
        phone.assert_no_console_problems()
    finally:
        context.close()
    with LIVE_APP["app"].app_context():
        imported = db.session.scalar(sa.select(sa.func.count(Person.id)).where(Person.employee_number.like("BR%")))
        assert imported == 3
        db.session.remove()
