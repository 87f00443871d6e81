"""Days off keep a streak alive without activity: a month holds at most MAX_DAYS_OFF_PER_MONTH of them."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.core.errors import ServiceError
from app.extensions import db
from app.streaks import services
from app.streaks.models import DayOff

TODAY = date(2026, 3, 1)


def days_off(person) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(DayOff).where(DayOff.person_id == person.id))


def test_days_off_a_limit_per_month(org):
    limit = services.MAX_DAYS_OFF_PER_MONTH
    for n in range(limit):
        services.add_day_off(org.staff, TODAY + timedelta(days=n), today=TODAY)
    with pytest.raises(ServiceError) as refused:
        services.add_day_off(org.staff, TODAY + timedelta(days=limit), today=TODAY)
    assert refused.value.message == (f"You already have {limit} days off in March 2026, the most a month can "
                                     "have. Remove one to pick another.")
    assert refused.value.field == "day"
    # The same day again is still "already marked", and another month has its own allowance.
    with pytest.raises(ServiceError, match="already marked as off"):
        services.add_day_off(org.staff, TODAY, today=TODAY)
    services.add_day_off(org.staff, date(2026, 4, 1), today=TODAY)
    # Someone else's days off are theirs.
    services.add_day_off(org.colleague, TODAY + timedelta(days=limit), today=TODAY)
    assert days_off(org.staff) == limit + 1


def test_days_off_a_limit_per_month_on_the_page(client, org, sign_in):
    today = services.local_today(org.staff)
    month_start = today.replace(day=1)
    first_of_next = (month_start + timedelta(days=32)).replace(day=1)
    # Fill the month after this one (always wholly within the 60 days ahead), up to the limit.
    for n in range(services.MAX_DAYS_OFF_PER_MONTH):
        db.session.add(DayOff(person_id=org.staff.id, day=first_of_next + timedelta(days=n)))
    db.session.commit()
    sign_in(org.staff)
    last = first_of_next + timedelta(days=services.MAX_DAYS_OFF_PER_MONTH)
    response = client.post("/streak/days-off", data={"day": last.isoformat()}, headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert "the most a month can have" in response.get_data(as_text=True)
    assert days_off(org.staff) == services.MAX_DAYS_OFF_PER_MONTH
