"""The first page each role sees, and that it costs the same number of queries however big the team."""

import html
import re

import pytest

from app.extensions import db
from app.org.models import Person, Store
from tests import factories


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def tabs(response) -> list[str]:
    return re.findall(r'<span class="tabs__label">([^<]+)</span>', text(response))


def test_landing_sends_visitors_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"


def test_landing_sends_signed_in_people_home(client, sign_in, org):
    sign_in(org.staff)
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/home"


def test_home_needs_sign_in(client):
    response = client.get("/home")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/home")


def test_staff_home_shows_their_store_and_colleagues(client, sign_in, org):
    sign_in(org.staff)
    response = client.get("/home")
    assert response.status_code == 200
    page = text(response)
    assert "Hello, Sara" in page
    assert "Milano Duomo" in page
    assert "Cosimo Collega" in page and "Sofia Manager" in page  # own store, public names
    assert "Marta Vicina" not in page and "Rita Remota" not in page
    assert "Import people" not in page and "Waiting to sign in" not in page
    assert "People" not in tabs(response) and "Team" not in tabs(response)


def test_store_manager_home_shows_the_team_and_who_still_needs_an_invite(client, sign_in, org):
    waiting = factories.make_person(store=org.store, manager=org.sm, name="Walter Waiting", password=None)
    factories.make_person(store=org.other_store, name="Elsewhere Pending", password=None)
    db.session.commit()
    sign_in(org.sm)
    response = client.get("/home")
    assert response.status_code == 200
    page = text(response)
    assert "Hello, Sofia" in page
    assert "People in your team" in page
    assert "Waiting to sign in" in page and "Walter Waiting" in page
    assert f'name="person_id" value="{waiting.id}"' in page  # ready to print the invite from here
    assert "Elsewhere Pending" not in page
    assert "Add a team member" in page
    assert "Team" in tabs(response)


def test_district_manager_home_shows_their_stores(client, sign_in, org):
    sign_in(org.dm)
    response = client.get("/home")
    assert response.status_code == 200
    page = text(response)
    assert "Hello, Dario" in page and "Lombardia" in page
    assert "Milano Duomo" in page and "Monza" in page
    assert "Roma Termini" not in page
    assert "Import people" not in page


@pytest.mark.parametrize("role", ["hr", "admin"])
def test_hr_and_admin_home_shows_the_organisation(client, sign_in, org, role):
    factories.make_person(store=org.other_store, name="Paola Pending", password=None)
    db.session.commit()
    sign_in(org.by_role(role))
    response = client.get("/home")
    assert response.status_code == 200
    page = text(response)
    assert "Import people" in page and "Add a person" in page
    assert "Recent changes" in page
    assert re.search(r'People</p><p class="stat__value">12<', page)
    assert re.search(r'Stores</p><p class="stat__value">3<', page)
    assert "Paola Pending" in page  # HR sees pending invites anywhere
    assert "People" in tabs(response)


def test_hr_home_lists_recent_changes(client, sign_in, org):
    sign_in(org.hr)
    client.post(f"/people/{org.staff.id}/active", data={"active": "0"})
    page = text(client.get("/home"))
    assert "person.deactivated" in page and "Hanna Hr" in page


def test_me_page_and_language_choice(client, sign_in, org):
    sign_in(org.staff)
    page = text(client.get("/me"))
    assert "E1001" in page and "Sofia Manager" in page
    refused = client.post("/me/language", data={"locale": "xx"}, follow_redirects=True)
    assert "That language isn't available." in text(refused)
    db.session.refresh(org.staff)
    assert org.staff.locale == "en"
    response = client.post("/me/language", data={"locale": "it"}, follow_redirects=True)
    assert response.request.path == "/me"
    assert '<html lang="it">' in text(response)
    db.session.refresh(org.staff)
    assert org.staff.locale == "it"


@pytest.mark.parametrize("role", ["staff", "store_manager", "district_manager", "hr", "admin"])
def test_home_queries_do_not_grow_with_the_number_of_people(client, sign_in, org, count_queries, role):
    store_id, manager_id = org.store.id, org.sm.id
    sign_in(org.by_role(role))

    def add_people(count: int) -> None:
        store, manager = db.session.get(Store, store_id), db.session.get(Person, manager_id)
        for n in range(count):
            # Half still wait for their invite, so every list on the page grows.
            factories.make_person(store=store, manager=manager,
                                  password=None if n % 2 else factories.DEFAULT_PASSWORD)
        db.session.commit()

    def measure() -> int:
        with count_queries() as counter:
            response = client.get("/home")
        assert response.status_code == 200
        return counter.count

    add_people(2)
    client.get("/home")  # warm-up: anything cached per process is cached now
    small = measure()
    add_people(30)
    client.get("/home")  # the new people dropped their store's kept team (org.queries.colleagues): read again
    large = measure()
    assert large == small


def test_settings_links_only_to_pages_the_viewer_may_open(client, sign_in, org):
    """HR's Settings listed Background jobs, which answers 403 for HR: every link shown must open."""
    from flask import url_for

    sign_in(org.hr)
    page = client.get(url_for("home.settings")).get_data(as_text=True)
    assert "Background jobs" not in page and url_for("jobs.failed") not in page
    for href in set(re.findall(r'class="list__item" href="([^"]+)"', page)):
        assert client.get(href).status_code == 200, href
    sign_in(org.admin)
    page = client.get(url_for("home.settings")).get_data(as_text=True)
    assert "Background jobs" in page
