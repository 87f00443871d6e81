import sqlalchemy as sa

from app.badges import services
from app.badges.models import BadgeGrant
from app.extensions import db
from tests.journey.helpers import badge, pay


def test_badge_wall_earned_progress_locked(client, org, sign_in):
    pay(org.staff, 120)
    services.record_event(org.staff, "kudos_received", "k1")
    services.record_event(org.staff, "kudos_received", "k2")
    db.session.commit()
    body = sign_in(org.staff).get("/badges/").get_data(as_text=True)
    assert "First steps" in body  # earned
    assert "In progress" in body and "2 of 5" in body  # team player
    assert "120 of 500" in body  # rising star
    assert "Still to discover" in body and "Mentor" in body
    assert "style=" not in body


def test_colleague_wall_is_visible_other_store_is_not(client, org, sign_in):
    sign_in(org.staff)
    assert client.get(f"/badges/people/{org.colleague.id}").status_code == 200
    assert client.get(f"/badges/people/{org.other_staff.id}").status_code == 404


def test_manager_gives_a_badge(client, org, sign_in):
    sign_in(org.sm)
    page = client.get(f"/badges/people/{org.staff.id}/give")
    assert page.status_code == 200 and "Mentor" in page.get_data(as_text=True)
    response = client.post(f"/badges/people/{org.staff.id}/give",
                           data={"badge_id": badge("mentor").id, "note": "Guided Cosimo"})
    assert response.status_code == 303
    grant = db.session.scalar(sa.select(BadgeGrant))
    assert grant.person_id == org.staff.id and grant.granted_by_id == org.sm.id


def test_give_refuses_with_a_message(client, org, sign_in):
    sign_in(org.sm)
    response = client.post(f"/badges/people/{org.staff.id}/give",
                           data={"badge_id": badge("brand_ambassador").id, "note": "HR only"})
    assert response.status_code == 422
    assert "can&#39;t give the Brand ambassador badge" in response.get_data(as_text=True)
    response = client.post(f"/badges/people/{org.staff.id}/give", data={"badge_id": "", "note": ""})
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count(BadgeGrant.id))) == 0


def test_monthly_limit_shows_in_the_page(client, org, sign_in):
    sign_in(org.sm)
    champion = badge("store_champion")
    assert client.post(f"/badges/people/{org.staff.id}/give",
                       data={"badge_id": champion.id, "note": "Top month"}).status_code == 303
    response = client.post(f"/badges/people/{org.colleague.id}/give",
                           data={"badge_id": champion.id, "note": "Also top"})
    assert response.status_code == 422
    assert "this month" in response.get_data(as_text=True)


def test_manager_of_another_store_cannot_give(client, org, sign_in):
    sign_in(org.other_sm)
    assert client.get(f"/badges/people/{org.staff.id}/give").status_code == 404
    response = client.post(f"/badges/people/{org.staff.id}/give",
                           data={"badge_id": badge("mentor").id, "note": "Nope"})
    assert response.status_code == 404
    sign_in(org.sibling_sm)  # same district, another store: sees nothing of store A's people
    assert client.post(f"/badges/people/{org.staff.id}/give",
                       data={"badge_id": badge("mentor").id, "note": "Nope"}).status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(BadgeGrant.id))) == 0


def test_peer_gives_a_badge_they_hold(client, org, sign_in):
    services.grant(org.colleague, badge("customer_hero"))
    db.session.commit()
    sign_in(org.colleague)
    picker = client.get("/badges/give").get_data(as_text=True)
    assert "Sara Staff" in picker and "Rita Remota" not in picker
    response = client.post(f"/badges/people/{org.staff.id}/give",
                           data={"badge_id": badge("customer_hero").id, "note": "Calmed an angry customer"})
    assert response.status_code == 303
    response = client.post(f"/badges/people/{org.colleague.id}/give",
                           data={"badge_id": badge("customer_hero").id, "note": "Me!"})
    assert response.status_code == 422


def test_peer_without_the_badge_sees_why(client, org, sign_in):
    sign_in(org.colleague)
    body = client.get(f"/badges/people/{org.staff.id}/give").get_data(as_text=True)
    assert "No badge you can give" in body
