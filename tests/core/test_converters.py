"""An id in a URL larger than the database's integers is a plain 404 on every database."""


def test_an_id_beyond_the_database_integer_range_is_not_found(client, org, sign_in):
    sign_in(org.hr)
    assert client.get(f"/people/{2**31}").status_code == 404
    assert client.get(f"/people/{org.staff.id}").status_code == 200


def test_the_api_answers_not_found_for_a_huge_person_id(client):
    response = client.get("/api/v1/people/55960558179901/points")
    assert response.status_code in (401, 404)  # no token: refused before any lookup either way
