"""Printing invites in bulk from the people list: the "Not signed in yet" filter, a box for whoever can get
an invite, everyone waiting across pages (capped), and reprinting that first says which older sheets it
cancels, when and by whom they were printed, and prints nothing until confirmed."""

import html
import re
from datetime import datetime

import pytest
import sqlalchemy as sa

from app.auth.models import InviteToken
from app.extensions import db
from app.org import invites
from app.org.models import Person, Role
from tests import factories

LINK = re.compile(r"http://ascent\.test/invite/([A-Za-z0-9_-]+)")


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def listed(response) -> list[str]:
    return re.findall(r'<span class="list__name">([^<]+)</span>', text(response))


def boxes(response) -> set[int]:
    return {int(value) for value in re.findall(r'name="person_id" value="(\d+)"', text(response))}


def tokens(person: Person) -> list[InviteToken]:
    return list(db.session.scalars(sa.select(InviteToken).where(InviteToken.person_id == person.id)
                                   .order_by(InviteToken.id)))


def printed_names(response) -> list[str]:
    return re.findall(r'<article class="invite">\s*<h2>([^<]+)</h2>', text(response))


@pytest.fixture
def newcomers(org) -> list[Person]:
    """Three people in store A who never signed in, and one in store C."""
    people = [factories.make_person(store=org.store, manager=org.sm, name=name, password=None)
              for name in ("Nina Nuova", "Niccolò Nuovo", "Ugo Ultimo")]
    people.append(factories.make_person(store=org.other_store, manager=org.other_sm, name="Lia Lontana",
                                        password=None))
    db.session.commit()
    return people


# The list -----------------------------------------------------------------------------------------

def test_not_signed_in_yet_filter_lists_only_people_without_a_password(client, sign_in, org, newcomers):
    sign_in(org.hr)
    page = client.get("/people")
    assert "Not signed in yet" in text(page)
    assert sorted(listed(client.get("/people?status=pending"))) == sorted(p.full_name for p in newcomers)


def test_a_box_only_beside_people_who_can_get_an_invite(client, sign_in, org, newcomers):
    gone = factories.make_person(store=org.store, name="Gina Gone", password=None, active=False)
    new_hr = factories.make_person(Role.HR, name="Hugo Hr", password=None)
    db.session.commit()
    sign_in(org.hr)
    response = client.get("/people")
    # Not Sara (her own password), not Gina (deactivated), not Hugo (HR: an administrator invites HR).
    assert boxes(response) == {person.id for person in newcomers}
    assert gone.id not in boxes(response) and new_hr.id not in boxes(response)
    page = text(response)
    assert 'data-select-all="person_id"' in page and "Select all on this page" in page
    assert "Print invites for everyone not signed in yet (5)" in page  # Hugo is counted, and skipped later
    assert "Choose Nina Nuova for an invite" in page


def test_a_store_manager_gets_boxes_for_their_own_store_only(client, sign_in, org, newcomers):
    sign_in(org.sm)
    response = client.get("/people")
    assert boxes(response) == {person.id for person in newcomers[:3]}
    assert "Print invites for everyone not signed in yet (3)" in text(response)


def test_the_search_fragment_keeps_the_boxes_and_the_filters(client, sign_in, org, newcomers):
    sign_in(org.hr)
    response = client.htmx_get("/people?q=nuov&status=pending")
    assert response.status_code == 200
    assert boxes(response) == {newcomers[0].id, newcomers[1].id}
    page = text(response)
    assert '<input type="hidden" name="q" value="nuov">' in page
    assert '<input type="hidden" name="status" value="pending">' in page
    assert "Print invites for everyone not signed in yet (2)" in page


def test_no_print_bar_where_nobody_is_waiting(client, sign_in, org):
    sign_in(org.hr)
    page = text(client.get("/people?status=active"))
    assert "Select all on this page" not in page and "everyone not signed in yet" not in page


# Printing -----------------------------------------------------------------------------------------

def test_ticked_people_print_straight_away_when_none_has_a_sheet(client, sign_in, org, newcomers):
    sign_in(org.sm)
    response = client.post("/people/invites", data={"person_id": [str(newcomers[0].id), str(newcomers[1].id)]})
    assert response.status_code == 200
    assert sorted(printed_names(response)) == ["Niccolò Nuovo", "Nina Nuova"]
    assert len(tokens(newcomers[0])) == 1 and len(tokens(newcomers[2])) == 0


def test_everyone_not_signed_in_yet_is_printed_across_pages(app, client, sign_in, org, newcomers):
    app.config["PAGE_SIZE"] = 2
    sign_in(org.hr)
    first_page = client.get("/people?status=pending")
    assert len(listed(first_page)) == 2
    response = client.post("/people/invites", data={"everyone": "1", "status": "pending"})
    assert response.status_code == 200
    assert sorted(printed_names(response)) == sorted(person.full_name for person in newcomers)


def test_everyone_follows_the_lists_filters_and_the_printers_scope(client, sign_in, org, newcomers):
    sign_in(org.hr)
    response = client.post("/people/invites", data={"everyone": "1", "store": str(org.other_store.id)})
    assert printed_names(response) == ["Lia Lontana"]
    response = client.post("/people/invites", data={"everyone": "1", "q": "niccolo"})
    assert printed_names(response) == ["Niccolò Nuovo"]

    client.post("/logout")
    sign_in(org.sm)
    response = client.post("/people/invites", data={"everyone": "1", "confirm": "1"})
    assert sorted(printed_names(response)) == ["Niccolò Nuovo", "Nina Nuova", "Ugo Ultimo"]
    assert len(tokens(newcomers[3])) == 1  # Hanna's sheet only: Lia works in a store Sofia doesn't manage


def test_everyone_names_those_skipped_on_the_sheet(client, sign_in, org, newcomers):
    factories.make_person(Role.HR, name="Hugo Hr", password=None)
    db.session.commit()
    sign_in(org.hr)
    response = client.post("/people/invites", data={"everyone": "1"})
    page = text(response)
    assert "1 person skipped" in page and "Hugo Hr" in page and "Only an administrator" in page
    assert "Hugo Hr" not in printed_names(response)


def test_everyone_past_the_cap_prints_nothing_and_says_why(client, sign_in, org, newcomers, monkeypatch):
    monkeypatch.setattr(invites, "MAX_AT_ONCE", 3)
    sign_in(org.hr)
    assert "choose a store or a role to print at most 3 invites at once" in text(client.get("/people"))
    response = client.post("/people/invites", data={"everyone": "1", "status": "pending"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/people?status=pending"
    page = text(client.get(response.headers["Location"]))
    assert "That is more than 3 people" in page
    assert db.session.scalar(sa.select(sa.func.count(InviteToken.id))) == 0


def test_everyone_with_nobody_waiting_says_so(client, sign_in, org):
    sign_in(org.hr)
    response = client.post("/people/invites", data={"everyone": "1"}, follow_redirects=True)
    assert "Nobody in this list is waiting to sign in." in text(response)


# Reprinting ---------------------------------------------------------------------------------------

def test_reprinting_first_says_which_sheet_it_cancels_and_prints_nothing(client, sign_in, org, newcomers):
    nina, niccolo = newcomers[0], newcomers[1]
    sign_in(org.sm)
    old_link = LINK.search(text(client.post("/people/invites", data={"person_id": str(nina.id)}))).group(1)
    # Printed at 23:30 UTC on 10 January: already the 11th on the viewer's wall clock (Europe/Rome).
    tokens(nina)[0].created_at = datetime(2026, 1, 10, 23, 30)
    db.session.commit()

    client.post("/logout")
    sign_in(org.hr)
    response = client.post("/people/invites", data={"person_id": [str(nina.id), str(niccolo.id)]})
    assert response.status_code == 200
    page = text(response)
    assert "Print new invite sheets?" in page
    assert "1 of these people already has an invite sheet" in page and "the old sheet will stop working" in page
    assert "Nina Nuova" in page and "printed on 1/11/26" in page and "by Sofia Manager" in page
    assert "1 person has no invite sheet yet" in page
    assert not LINK.search(page)
    assert len(tokens(nina)) == 1 and tokens(niccolo) == []
    # The confirmation posts the same people again, with a CSRF token; "Cancel" goes back to the list.
    confirm_form = page[page.index('name="confirm"') - 300:page.index("Print new sheets")]
    assert 'name="csrf_token"' in confirm_form
    assert f'value="{nina.id}"' in confirm_form and f'value="{niccolo.id}"' in confirm_form
    assert 'href="/people">Cancel' in page

    confirmed = client.post("/people/invites", data={"person_id": [str(nina.id), str(niccolo.id)], "confirm": "1"})
    assert sorted(printed_names(confirmed)) == ["Niccolò Nuovo", "Nina Nuova"]
    assert client.application.test_client().get(f"/invite/{old_link}").status_code == 410
    assert [token.revoked_at is None for token in tokens(nina)] == [False, True]


def test_reprint_can_print_only_those_without_a_sheet(client, sign_in, org, newcomers):
    nina, niccolo = newcomers[0], newcomers[1]
    sign_in(org.hr)
    client.post("/people/invites", data={"person_id": str(nina.id)})
    page = text(client.post("/people/invites", data={"person_id": [str(nina.id), str(niccolo.id)]}))
    only_fresh = page[page.index("Print new sheets"):page.index("Print only for the person without a sheet")]
    assert f'value="{niccolo.id}"' in only_fresh and f'value="{nina.id}"' not in only_fresh
    response = client.post("/people/invites", data={"person_id": str(niccolo.id)})
    assert printed_names(response) == ["Niccolò Nuovo"]
    assert [token.revoked_at for token in tokens(nina)] == [None]  # Nina's first sheet still works


def test_reprinting_everyone_asks_first_and_keeps_the_filters(client, sign_in, org, newcomers):
    sign_in(org.hr)
    client.post("/people/invites", data={"person_id": str(newcomers[3].id)})
    response = client.post("/people/invites", data={"everyone": "1", "store": str(org.other_store.id)})
    page = text(response)
    assert "Lia Lontana" in page and "by Hanna Hr" in page and not LINK.search(page)
    assert f'href="/people?store={org.other_store.id}">Cancel' in page


def test_an_expired_or_used_sheet_is_not_asked_about(client, sign_in, org, newcomers):
    nina = newcomers[0]
    sign_in(org.hr)
    client.post("/people/invites", data={"person_id": str(nina.id)})
    tokens(nina)[0].expires_at = datetime(2020, 1, 1)
    db.session.commit()
    response = client.post("/people/invites", data={"person_id": str(nina.id)})
    assert printed_names(response) == ["Nina Nuova"]


def test_open_sheets_names_the_newest_working_sheet_and_its_printer(org, newcomers):
    from app.auth.services import issue_invite

    nina, niccolo = newcomers[0], newcomers[1]
    issue_invite(nina, issued_by=org.sm, valid_days=14)
    issue_invite(niccolo, issued_by=None, valid_days=14)  # from the server's shell
    db.session.commit()
    sheets = invites.open_sheets([newcomers[2], niccolo, nina])
    assert [(sheet.person.full_name, sheet.issued_by) for sheet in sheets] == [
        ("Niccolò Nuovo", None), ("Nina Nuova", org.sm)]


def test_staff_cannot_print_everyones_invites(client, sign_in, org, newcomers):
    sign_in(org.staff)
    assert client.post("/people/invites", data={"everyone": "1"}).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(InviteToken.id))) == 0
