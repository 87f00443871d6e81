"""Stores and the audit log: who sees which stores, adding a store, reading the audit trail."""

import html
import re

import pytest
import sqlalchemy as sa

from app.core.audit import AuditEntry
from app.extensions import db
from app.org.models import Store
from app.org.services import set_active


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def store_names(response) -> list[str]:
    return re.findall(r"<strong>([^<]+)</strong></a> <span class=\"muted small\">", text(response))


def test_district_manager_sees_only_their_district(client, sign_in, org):
    sign_in(org.dm)
    response = client.get("/stores")
    assert response.status_code == 200
    assert store_names(response) == ["Milano Duomo", "Monza"]
    assert "Add a store" not in text(response)


def test_hr_sees_every_store_with_headcount(client, sign_in, org):
    sign_in(org.hr)
    response = client.get("/stores")
    assert store_names(response) == ["Milano Duomo", "Monza", "Roma Termini"]
    # Milano Duomo: the store manager and two associates, all signed in.
    row = re.search(r"Milano Duomo.*?</tr>", text(response), re.S).group(0)
    assert re.search(r'data-label="People" class="num">3<', row)
    assert "100%" in row


@pytest.mark.parametrize("role", ["staff", "store_manager"])
def test_stores_are_closed_to_store_level_roles(client, sign_in, org, role):
    sign_in(org.by_role(role))
    assert client.get("/stores").status_code == 403


def test_hr_adds_a_store(client, sign_in, org):
    sign_in(org.hr)
    response = client.post("/stores/new", data={
        "code": "to01", "name": "Torino", "city": "Torino", "district_id": str(org.district.id),
        "timezone": "Europe/Rome"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/stores"
    store = db.session.scalar(sa.select(Store).where(Store.code == "TO01"))
    assert store.district_id == org.district.id
    assert db.session.scalar(sa.select(AuditEntry.action)) == "store.created"


@pytest.mark.parametrize(("data", "message"), [
    ({"code": "MI01"}, "Store code MI01 is already in use."),
    ({"name": ""}, "Enter the store name."),
    ({"district_id": ""}, "Choose the store's district."),
    ({"timezone": "Europe/Atlantis"}, "Europe/Atlantis is not a known time zone."),
])
def test_adding_a_bad_store_says_why_and_adds_nothing(client, sign_in, org, data, message):
    sign_in(org.hr)
    form = {"code": "TO01", "name": "Torino", "city": "", "district_id": str(org.district.id),
            "timezone": "Europe/Rome", **data}
    response = client.post("/stores/new", data=form)
    assert response.status_code == 422
    assert message in text(response)
    assert db.session.scalar(sa.select(sa.func.count(Store.id))) == 3


@pytest.mark.parametrize("role", ["staff", "store_manager", "district_manager"])
def test_only_hr_and_admin_add_stores(client, sign_in, org, role):
    sign_in(org.by_role(role))
    assert client.get("/stores/new").status_code == 403


def test_audit_log_lists_changes_newest_first(client, sign_in, org):
    set_active(org.hr, org.staff, False)
    set_active(org.hr, org.staff, True)
    db.session.commit()
    sign_in(org.admin)
    response = client.get("/audit")
    assert response.status_code == 200
    page = text(response)
    assert page.index("person.reactivated") < page.index("person.deactivated")
    assert "Hanna Hr" in page

    fragment = client.htmx_get("/audit?action=person.de")
    assert "<html" not in text(fragment)
    assert "person.deactivated" in text(fragment) and "person.reactivated" not in text(fragment)


@pytest.mark.parametrize("role", ["staff", "store_manager", "district_manager"])
def test_audit_log_is_for_hr_and_admin_only(client, sign_in, org, role):
    sign_in(org.by_role(role))
    assert client.get("/audit").status_code == 403
