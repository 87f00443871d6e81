"""The people screens: the list and its htmx fragment, the person form, a person's page, deactivation."""

import html
import re

import pytest
import sqlalchemy as sa

from app.auth.models import InviteToken
from app.core.audit import AuditEntry
from app.extensions import db
from app.org.models import Person, Role
from tests import factories

ALL_NAMES = ["Ada Admin", "Hanna Hr", "Dario Distretto", "Olga Altro", "Sofia Manager", "Bruno Fratello",
             "Carla Lontana", "Sara Staff", "Cosimo Collega", "Marta Vicina", "Rita Remota"]


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def listed(response) -> list[str]:
    """Names in the people list, in order."""
    return re.findall(r'<span class="list__name">([^<]+)</span>', text(response))


def people_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Person.id)))


def audit_actions(target_id: int | None = None) -> list[str]:
    query = sa.select(AuditEntry.action).order_by(AuditEntry.id)
    if target_id is not None:
        query = query.where(AuditEntry.target_id == target_id)
    return list(db.session.scalars(query))


# The list ----------------------------------------------------------------------------------------

def test_people_page_lists_everyone_for_hr(client, sign_in, org):
    sign_in(org.hr)
    response = client.get("/people")
    assert response.status_code == 200
    page = text(response)
    assert page.lstrip().lower().startswith("<!doctype html")
    assert 'id="people-results"' in page
    assert "11 people" in page
    assert sorted(listed(response)) == sorted(ALL_NAMES)
    assert "HX-Request" in response.headers["Vary"]


def test_htmx_request_gets_only_the_results_fragment(client, sign_in, org):
    sign_in(org.hr)
    response = client.htmx_get("/people?q=sara")
    assert response.status_code == 200
    fragment = text(response)
    assert "<html" not in fragment and "<nav class=\"tabs" not in fragment
    assert 'id="people-results"' not in fragment  # the swap target stays on the page
    assert listed(response) == ["Sara Staff"]
    assert "HX-Request" in response.headers["Vary"]


def test_boosted_navigation_gets_the_whole_page(client, sign_in, org):
    sign_in(org.hr)
    response = client.get("/people", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<html" in text(response)


@pytest.mark.parametrize(("query", "expected"), [
    ("q=sara", ["Sara Staff"]),
    ("q=SARA", ["Sara Staff"]),
    ("q=E1001", ["Sara Staff"]),
    ("q=sm%40example", ["Sofia Manager"]),
    ("q=nobody-like-this", []),
    ("role=store_manager", ["Bruno Fratello", "Carla Lontana", "Sofia Manager"]),
    ("role=wizard", sorted(ALL_NAMES)),  # an unknown filter value is ignored, not an error
    ("q=a&role=district_manager", ["Dario Distretto", "Olga Altro"]),
])
def test_search_and_filters(client, sign_in, org, query, expected):
    sign_in(org.hr)
    response = client.htmx_get(f"/people?{query}")
    assert response.status_code == 200
    assert listed(response) == expected


def test_store_filter(client, sign_in, org):
    sign_in(org.hr)
    response = client.htmx_get(f"/people?store={org.sibling_store.id}")
    assert listed(response) == ["Bruno Fratello", "Marta Vicina"]


def test_status_filters(client, sign_in, org):
    factories.make_person(store=org.store, name="Paolo Pending", password=None)
    org.colleague.active = False
    db.session.commit()
    sign_in(org.hr)
    assert listed(client.htmx_get("/people?status=pending")) == ["Paolo Pending"]
    assert listed(client.htmx_get("/people?status=inactive")) == ["Cosimo Collega"]
    active = listed(client.htmx_get("/people?status=active"))
    assert "Paolo Pending" not in active and "Cosimo Collega" not in active and "Sara Staff" in active
    page = text(client.get("/people"))
    assert "Invite pending" in page and "Deactivated" in page


def test_empty_result_offers_to_clear_the_filters(client, sign_in, org):
    sign_in(org.hr)
    page = text(client.htmx_get("/people?q=zzzz"))
    assert "Nobody matches" in page and "Clear filters" in page


def test_pagination_keeps_the_filters(app, client, sign_in, org):
    app.config["PAGE_SIZE"] = 4
    sign_in(org.hr)
    first = client.htmx_get("/people?status=active")
    assert len(listed(first)) == 4
    page = text(first)
    assert "Page 1 of 3" in page
    next_link = re.search(r'href="([^"]+)"[^>]*rel="next"', page).group(1)
    assert "status=active" in next_link and "page=2" in next_link
    assert 'hx-target="#people-results"' in page

    last = client.htmx_get("/people?status=active&page=3")
    seen = listed(first) + listed(client.htmx_get(next_link)) + listed(last)
    assert sorted(seen) == sorted(ALL_NAMES)
    assert len(set(seen)) == len(ALL_NAMES)


def test_a_page_past_the_end_is_empty_not_an_error(app, client, sign_in, org):
    app.config["PAGE_SIZE"] = 5
    sign_in(org.hr)
    response = client.htmx_get("/people?page=99")
    assert response.status_code == 200
    assert listed(response) == []


def test_store_manager_lists_only_their_store(client, sign_in, org):
    sign_in(org.sm)
    response = client.get("/people")
    assert sorted(listed(response)) == ["Cosimo Collega", "Sara Staff", "Sofia Manager"]
    assert 'href="/people/import"' not in text(response)  # importing is for HR


def test_district_manager_lists_their_district(client, sign_in, org):
    sign_in(org.dm)
    assert sorted(listed(client.get("/people"))) == ["Bruno Fratello", "Cosimo Collega", "Dario Distretto",
                                                     "Marta Vicina", "Sara Staff", "Sofia Manager"]


# Creating a person -------------------------------------------------------------------------------

def person_form(org, **overrides) -> dict:
    data = {"full_name": "Nina Nuova", "employee_number": "E2001", "email": "", "role": "staff",
            "store_id": str(org.store.id), "district_id": "", "manager_id": str(org.sm.id),
            "hire_date": "2026-02-01", "locale": "it"}
    data.update(overrides)
    return data


def test_new_person_form_is_filled_in_for_a_store_manager(client, sign_in, org):
    sign_in(org.sm)
    response = client.get("/people/new")
    assert response.status_code == 200
    page = text(response)
    role_options = re.findall(r'<option[^>]*value="(\w+)"', re.search(r'<select[^>]*name="role".*?</select>',
                                                                     page, re.S).group(0))
    assert role_options == ["staff"]  # a store manager only adds associates
    assert re.search(rf'<option selected value="{org.store.id}">Milano Duomo', page)
    assert re.search(rf'<option selected value="{org.sm.id}">Sofia Manager', page)


def test_creating_a_person_leads_to_their_invite_sheet(client, sign_in, org):
    sign_in(org.sm)
    response = client.post("/people/new", data=person_form(org))
    assert response.status_code == 200
    page = text(response)
    assert "Nina Nuova is added. Print the invite so they can sign in." in page
    assert "<svg" in page and re.search(r"http://ascent\.test/invite/[\w-]+", page)
    nina = db.session.scalar(sa.select(Person).where(Person.employee_number == "E2001"))
    assert (nina.store_id, nina.manager_id) == (org.store.id, org.sm.id)
    assert (nina.role, nina.locale) == ("staff", "it")
    assert nina.password_hash is None
    assert audit_actions(nina.id) == ["person.created", "invite.issued"]
    invites = sa.select(sa.func.count(InviteToken.id)).where(InviteToken.person_id == nina.id)
    assert db.session.scalar(invites) == 1


def test_hr_creates_a_district_manager(client, sign_in, org):
    sign_in(org.hr)
    response = client.post("/people/new", data=person_form(org, role="district_manager", store_id="",
                                                           district_id=str(org.district.id),
                                                           manager_id=str(org.hr.id),
                                                           email="nina@example.com"))
    assert response.status_code == 200
    nina = db.session.scalar(sa.select(Person).where(Person.employee_number == "E2001"))
    assert (nina.role, nina.district_id, nina.store_id) == (Role.DISTRICT_MANAGER, org.district.id, None)
    assert nina.email == "nina@example.com"


@pytest.mark.parametrize(("overrides", "message"), [
    ({"full_name": ""}, "Enter the person's name."),
    ({"employee_number": ""}, "Enter the employee number."),
    ({"employee_number": "E1001"}, "Employee number E1001 is already in use."),
    ({"employee_number": "E 2001"}, "Employee number must be letters, digits or dashes, at most 32."),
    ({"email": "nina-at-example.com"}, "nina-at-example.com is not a valid e-mail address."),
    ({"hire_date": "01/02/2026"}, "Not a valid date value."),
    ({"store_id": ""}, "A store is needed for this role."),
])
def test_invalid_person_form_says_why_and_creates_nobody(client, sign_in, org, overrides, message):
    sign_in(org.sm)
    before = people_count()
    response = client.post("/people/new", data=person_form(org, **overrides))
    assert response.status_code == 422
    assert message in text(response)
    assert people_count() == before
    assert audit_actions() == []


def test_store_manager_cannot_create_in_another_store(client, sign_in, org):
    sign_in(org.sm)
    before = people_count()
    response = client.post("/people/new", data=person_form(org, store_id=str(org.other_store.id)))
    assert response.status_code == 422
    assert "That store is outside the stores you manage." in text(response)
    assert people_count() == before


@pytest.mark.parametrize("role", ["store_manager", "district_manager", "hr", "admin"])
def test_store_manager_cannot_give_a_role_above_staff(client, sign_in, org, role):
    sign_in(org.sm)
    before = people_count()
    response = client.post("/people/new", data=person_form(org, role=role))
    assert response.status_code == 422
    assert "Not a valid choice." in text(response)
    assert people_count() == before


def test_creating_without_csrf_is_refused(client, sign_in, org):
    sign_in(org.sm)
    before = people_count()
    assert client.post("/people/new", data=person_form(org), csrf=False).status_code == 400
    assert people_count() == before


# Editing -------------------------------------------------------------------------------------------

def test_edit_form_shows_the_current_details(client, sign_in, org):
    sign_in(org.sm)
    response = client.get(f"/people/{org.staff.id}/edit")
    assert response.status_code == 200
    page = text(response)
    assert 'value="Sara Staff"' in page and 'value="E1001"' in page


def test_edit_saves_and_is_audited(client, sign_in, org):
    sign_in(org.dm)
    response = client.post(f"/people/{org.staff.id}/edit", data=person_form(
        org, full_name="Sara Spostata", employee_number="E1001", email="sara@example.com",
        store_id=str(org.sibling_store.id), manager_id=str(org.sibling_sm.id)))
    assert response.status_code == 303
    assert response.headers["Location"] == f"/people/{org.staff.id}"
    assert "Changes to Sara Spostata saved." in text(client.get(response.headers["Location"]))
    db.session.refresh(org.staff)
    assert (org.staff.full_name, org.staff.store_id, org.staff.manager_id) == (
        "Sara Spostata", org.sibling_store.id, org.sibling_sm.id)
    assert audit_actions(org.staff.id) == ["person.updated"]


@pytest.mark.parametrize(("overrides", "message"), [
    (lambda org: {"employee_number": "E1001-X", "manager_id": str(org.staff.id)},
     "Nobody can be their own manager."),
    (lambda org: {"employee_number": org.colleague.employee_number}, "is already in use."),
    (lambda org: {"store_id": str(org.other_store.id)}, "That store is outside the stores you manage."),
])
def test_invalid_edit_says_why_and_changes_nothing(client, sign_in, org, overrides, message):
    sign_in(org.sm)
    data = person_form(org, **{"full_name": "Changed Name", "employee_number": "E1001", **overrides(org)})
    response = client.post(f"/people/{org.staff.id}/edit", data=data)
    assert response.status_code == 422
    assert message in text(response)
    db.session.refresh(org.staff)
    assert (org.staff.full_name, org.staff.employee_number) == ("Sara Staff", "E1001")
    assert org.staff.store_id == org.store.id
    assert audit_actions() == []


# Deactivating --------------------------------------------------------------------------------------

def test_deactivate_and_reactivate_are_audited(client, sign_in, org):
    sign_in(org.sm)
    response = client.post(f"/people/{org.staff.id}/active", data={"active": "0"}, follow_redirects=True)
    assert response.request.path == f"/people/{org.staff.id}"
    page = text(response)
    assert "Sara Staff is deactivated and signed out everywhere." in page
    assert "Reactivate" in page
    db.session.refresh(org.staff)
    assert org.staff.active is False

    response = client.post(f"/people/{org.staff.id}/active", data={"active": "1"}, follow_redirects=True)
    assert "Sara Staff can sign in again." in text(response)
    db.session.refresh(org.staff)
    assert org.staff.active is True
    assert audit_actions(org.staff.id) == ["person.deactivated", "person.reactivated"]


def test_deactivated_person_is_signed_out(app, client, sign_in, org):
    staff_phone = sign_in(org.staff, into=app.test_client())
    assert staff_phone.get("/home").status_code == 200
    sign_in(org.sm)
    client.post(f"/people/{org.staff.id}/active", data={"active": "0"})
    assert staff_phone.get("/home").status_code == 302


def test_nobody_deactivates_themselves_through_the_screens(client, sign_in, org):
    sign_in(org.hr)
    assert client.post(f"/people/{org.hr.id}/active", data={"active": "0"}).status_code == 404
    db.session.refresh(org.hr)
    assert org.hr.active is True


# A person's page ------------------------------------------------------------------------------------

def test_manager_sees_the_full_record_and_access_actions(client, sign_in, org):
    sign_in(org.sm)
    page = text(client.get(f"/people/{org.staff.id}"))
    assert "E1001" in page and "staff@example.test" in page
    assert "Edit details" in page and "Deactivate" in page
    # Sara has her own password: no invite may replace it, the page says how a reset works instead.
    assert "Print a new invite" not in page
    assert "Forgot your password?" in page


def test_person_page_shows_an_open_invite(client, sign_in, org):
    org.staff.password_hash = None
    db.session.commit()
    sign_in(org.sm)
    client.post("/people/invites", data={"person_id": str(org.staff.id)})
    page = text(client.get(f"/people/{org.staff.id}"))
    assert "An invite link is open until" in page and "Print a new invite" in page


def test_colleague_sees_a_public_card_only(client, sign_in, org):
    sign_in(org.staff)
    response = client.get(f"/people/{org.colleague.id}")
    assert response.status_code == 200
    page = text(response)
    assert "Cosimo Collega" in page and "Store associate" in page and "Milano Duomo" in page
    assert org.colleague.employee_number not in page
    assert org.colleague.email not in page
    for private in ("Employee number", "Last sign-in", "Hire date", "Edit details", "Print a new invite"):
        assert private not in page


def test_own_page_shows_own_details_without_management_actions(client, sign_in, org):
    sign_in(org.staff)
    page = text(client.get(f"/people/{org.staff.id}"))
    assert "E1001" in page
    assert "Edit details" not in page and "Deactivate" not in page


def test_hr_sees_but_cannot_manage_an_admin(client, sign_in, org):
    sign_in(org.hr)
    response = client.get(f"/people/{org.admin.id}")
    assert response.status_code == 200
    assert "Edit details" not in text(response)
    assert client.get(f"/people/{org.admin.id}/edit").status_code == 404


@pytest.mark.parametrize(("method", "path"), [
    ("get", "/people/{id}"),
    ("get", "/people/{id}/edit"),
    ("post", "/people/{id}/edit"),
    ("post", "/people/{id}/active"),
])
@pytest.mark.parametrize("target", ["other_staff", "sibling_staff", "dm"])
def test_store_manager_gets_404_outside_their_store(client, sign_in, org, method, path, target):
    person = getattr(org, target)
    sign_in(org.sm)
    url = path.format(id=person.id)
    if method == "post":
        form = person_form(org, employee_number=person.employee_number)
        response = client.post(url, data={"active": "0", **form})
    else:
        response = client.get(url)
    assert response.status_code == 404
    db.session.refresh(person)
    assert person.active is True and audit_actions() == []


def test_an_unknown_person_is_404(client, sign_in, org):
    sign_in(org.hr)
    assert client.get("/people/999999").status_code == 404


def test_staff_get_404_for_someone_in_another_store(client, sign_in, org):
    sign_in(org.staff)
    assert client.get(f"/people/{org.other_staff.id}").status_code == 404
    assert client.get(f"/people/{org.sibling_staff.id}").status_code == 404


# Who may open the people screens -------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/people", "/people/new", "/people/{staff}/edit"])
def test_staff_get_403_on_the_management_screens(client, sign_in, org, path):
    sign_in(org.staff)
    assert client.get(path.format(staff=org.colleague.id)).status_code == 403
    assert client.htmx_get(path.format(staff=org.colleague.id)).status_code == 403


def test_staff_cannot_post_to_the_management_screens(client, sign_in, org):
    sign_in(org.staff)
    before = people_count()
    assert client.post("/people/new", data=person_form(org)).status_code == 403
    assert client.post(f"/people/{org.colleague.id}/active", data={"active": "0"}).status_code == 403
    assert people_count() == before
    db.session.refresh(org.colleague)
    assert org.colleague.active is True


def test_signed_out_visitors_are_sent_to_sign_in(client, org):
    response = client.get(f"/people/{org.staff.id}")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/people/")
