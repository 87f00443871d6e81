from datetime import timedelta

import sqlalchemy as sa

from app.extensions import db
from app.streaks.models import DayOff
from app.streaks.services import local_today


def test_streak_page(client, org, sign_in):
    body = sign_in(org.staff).get("/streak/").get_data(as_text=True)
    assert "Days off" in body and "No days off planned" in body


def test_add_and_remove_a_day_off(client, org, sign_in):
    sign_in(org.staff)
    tomorrow = local_today(org.staff) + timedelta(days=1)
    response = client.post("/streak/days-off", data={"day": tomorrow.isoformat()})
    assert response.status_code == 303
    assert db.session.scalar(sa.select(DayOff.day)) == tomorrow
    response = client.post("/streak/days-off/remove", data={"day": tomorrow.isoformat()},
                           headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert 'id="days-off"' in response.get_data(as_text=True)
    assert "<html" not in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(DayOff.id))) == 0


def test_day_off_fragment_shows_errors(client, org, sign_in):
    sign_in(org.staff)
    yesterday = local_today(org.staff) - timedelta(days=1)
    response = client.post("/streak/days-off", data={"day": yesterday.isoformat()},
                           headers={"HX-Request": "true"})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "past days can&#39;t be marked as off" in body and "<html" not in body
    assert client.post("/streak/days-off", data={}).status_code == 422
    assert db.session.scalar(sa.select(sa.func.count(DayOff.id))) == 0
