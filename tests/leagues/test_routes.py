"""League pages: standings (page and fragment), settings, headcounts; who may do what; query count."""

import sqlalchemy as sa

from app.extensions import db
from app.leagues.models import League, LeagueSeason, StoreHeadcount
from app.leagues.seasons import ensure_season
from tests.leagues.conftest import earn, staffed_store


def _company_league(this_month, size: int = 2) -> League:
    league = League(name="Autumn league", basis="per_head", division_size=size)
    db.session.add(league)
    db.session.flush()
    ensure_season(league, this_month)
    db.session.commit()
    return league


def test_staff_see_their_store_division_highlighted(client, org, sign_in, this_month):
    earn(org.staff, 40)
    league = _company_league(this_month, size=3)  # 3 stores, one division
    sign_in(org.staff)
    response = client.get("/leagues/")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Autumn league" in body and "Division 1" in body
    assert "league-row--mine" in body and "Your store" in body
    assert "Milano Duomo" in body and "Monza" in body  # store against store: other stores' names
    for person in (org.sibling_staff, org.other_staff, org.other_sm):  # never their people
        assert person.full_name not in body and person.email not in body
    fragment = client.htmx_get(f"/leagues/?league={league.id}")
    assert fragment.status_code == 200
    assert "<html" not in fragment.get_data(as_text=True)
    assert "Division 1" in fragment.get_data(as_text=True)


def test_staff_see_only_their_own_division(client, org, sign_in, this_month):
    district = org.district
    for index in range(3):
        staffed_store(district, 1 + index, f"Extra {index}")
    _company_league(this_month, size=3)  # 6 stores → two divisions of 3
    sign_in(org.staff)
    body = client.get("/leagues/").get_data(as_text=True)
    assert body.count('class="card league-division"') == 1
    sign_in(org.hr)
    body = client.get("/leagues/").get_data(as_text=True)
    assert body.count('class="card league-division"') == 2


def test_district_manager_sees_divisions_of_their_stores(client, org, sign_in, this_month):
    _company_league(this_month, size=3)
    sign_in(org.dm)
    body = client.get("/leagues/").get_data(as_text=True)
    assert "Milano Duomo" in body and "Monza" in body


def test_empty_state_without_a_league(client, org, sign_in):
    sign_in(org.staff)
    assert "No league running yet" in client.get("/leagues/").get_data(as_text=True)


def test_hr_creates_a_league_and_its_first_season(client, org, sign_in, kpi_library):
    sign_in(org.hr)
    assert client.get("/leagues/manage/new").status_code == 200
    response = client.post("/leagues/manage/new", data={"name": "Returns cup", "basis": "percent_of_target",
                                                        "kpi_id": "", "division_size": "6", "district_id": ""})
    assert response.status_code == 422
    assert "Choose the KPI" in response.get_data(as_text=True)
    response = client.post("/leagues/manage/new", data={
        "name": "Returns cup", "basis": "percent_of_target", "kpi_id": str(kpi_library["returns"].id),
        "division_size": "6", "district_id": ""})
    assert response.status_code == 303
    league = db.session.scalar(sa.select(League).where(League.name == "Returns cup"))
    assert league.district_id is None and league.kpi_id == kpi_library["returns"].id
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LeagueSeason)
                             .where(LeagueSeason.league_id == league.id)) == 1
    assert client.get("/leagues/manage").status_code == 200


def test_district_manager_runs_a_league_for_their_district_only(client, org, sign_in, this_month):
    sign_in(org.dm)
    response = client.post("/leagues/manage/new", data={"name": "Lombardia", "basis": "per_head",
                                                        "division_size": "4",
                                                        "district_id": str(org.other_district.id)})
    assert response.status_code == 303
    league = db.session.scalar(sa.select(League).where(League.name == "Lombardia"))
    assert league.district_id == org.district.id  # whatever was posted
    company = _company_league(this_month)
    assert client.get(f"/leagues/manage/{company.id}/edit").status_code == 404
    assert client.get(f"/leagues/manage/{league.id}/edit").status_code == 200
    # The other district's people don't see it.
    sign_in(org.other_staff)
    assert "Lombardia" not in client.get("/leagues/").get_data(as_text=True)


def test_staff_and_store_managers_cannot_run_leagues(client, org, sign_in, this_month):
    league = _company_league(this_month)
    for person in (org.staff, org.sm):
        sign_in(person)
        assert client.get("/leagues/manage").status_code == 403
        assert client.post("/leagues/manage/new", data={"name": "X", "basis": "per_head",
                                                        "division_size": "6"}).status_code == 403
        assert client.get(f"/leagues/manage/{league.id}/edit").status_code == 403


def test_store_manager_sets_their_store_headcount(client, org, sign_in, this_month):
    sign_in(org.sm)
    page = client.get("/leagues/headcounts").get_data(as_text=True)
    assert "Milano Duomo" in page and "Monza" not in page
    assert "Not set: 3 active people count" in page  # staff, colleague and the manager
    response = client.post("/leagues/headcounts", data={"store_id": str(org.store.id),
                                                        "month": this_month.strftime("%Y-%m"), "headcount": "7"})
    assert response.status_code == 303
    row = db.session.scalar(sa.select(StoreHeadcount))
    assert (row.store_id, row.month, row.headcount) == (org.store.id, this_month, 7)
    # Another store's headcount: refused, nothing changed.
    response = client.post("/leagues/headcounts", data={"store_id": str(org.sibling_store.id),
                                                        "month": this_month.strftime("%Y-%m"), "headcount": "9"})
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StoreHeadcount)) == 1
    # Bad input: a clear message, nothing changed.
    response = client.post("/leagues/headcounts", data={"store_id": str(org.store.id),
                                                        "month": this_month.strftime("%Y-%m"), "headcount": "0"})
    assert response.status_code == 422 and "between 1 and" in response.get_data(as_text=True)
    # Empty: back to the default.
    response = client.post("/leagues/headcounts", data={"store_id": str(org.store.id),
                                                        "month": this_month.strftime("%Y-%m"), "headcount": ""})
    assert response.status_code == 303
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StoreHeadcount)) == 0


def test_staff_cannot_set_headcounts(client, org, sign_in):
    sign_in(org.staff)
    assert client.get("/leagues/headcounts").status_code == 403
    assert client.post("/leagues/headcounts", data={"store_id": str(org.store.id), "headcount": "3"}).status_code == 403


def test_league_page_query_count_does_not_grow_with_stores(client, org, sign_in, count_queries, this_month):
    league_id, district_id = _company_league(this_month, size=30).id, org.district.id
    sign_in(org.hr)
    with count_queries() as few:
        assert client.get(f"/leagues/?league={league_id}").status_code == 200
    district = db.session.get(type(org.district), district_id)
    for index in range(12):
        _store, people = staffed_store(district, 2, f"More {index}")
        earn(people[0], 10 + index)
    db.session.commit()
    db.session.execute(sa.delete(LeagueSeason))
    db.session.commit()
    ensure_season(db.session.get(League, league_id), this_month)
    db.session.commit()
    with count_queries() as many:
        assert client.get(f"/leagues/?league={league_id}").status_code == 200
    assert many.count == few.count
    assert many.count <= 14


def test_league_copy_states_the_real_promotion_and_relegation_counts(client, org, sign_in, this_month):
    """Divisions of 3 move 1 store each way: the page said "the top 2 go up". The counts shown are the ones
    next month's divisions are drawn with."""
    from app.leagues.models import Movement
    from app.leagues.seasons import close_season, next_divisions

    for index in range(3):
        staffed_store(org.district, 1 + index, f"Extra {index}")
    earn(org.staff, 40)
    league = _company_league(this_month, size=3)  # 6 stores → two divisions of 3
    sign_in(org.hr)
    body = client.get("/leagues/").get_data(as_text=True)
    assert "top 2" not in body and "bottom 2" not in body
    assert body.count("At month end the bottom store goes down.") == 1  # division 1
    assert body.count("At month end the top store goes up.") == 1  # division 2
    season = db.session.scalar(sa.select(LeagueSeason).where(LeagueSeason.league_id == league.id))
    close_season(season)
    moves = [movement for _division, movement in next_divisions(league, season).values()]
    assert moves.count(Movement.PROMOTED) == 1 and moves.count(Movement.RELEGATED) == 1
    db.session.rollback()
    # The form's hint follows the division size it is about.
    page = client.get(f"/leagues/manage/{league.id}/edit").get_data(as_text=True)
    assert "in a division of 3 stores the top store goes up and the bottom one goes down" in page
    page = client.get("/leagues/manage/new").get_data(as_text=True)
    assert "in a division of 6 stores the top 2 go up and the bottom 2 go down" in page
