def test_login_and_home(client, auth, org):
    response = auth.login(org.staff)
    assert response.status_code == 303
    page = client.get("/home")
    assert page.status_code == 200
    assert "Sara" in page.get_data(as_text=True)
