"""Goals pages get a live hint when a KPI measurement arrives or someone checks in."""

from datetime import date

from app.core import realtime
from app.core.signals import KpiMeasurementsSaved, kpi_measurements_saved
from app.extensions import db


def test_measurement_and_check_in_send_a_hint_after_commit(client, org, goals, sign_in, monkeypatch):
    sent = []
    monkeypatch.setattr(realtime, "notify", lambda room, event, data=None: sent.append((room, event)))

    kpi_measurements_saved.send(None, event=KpiMeasurementsSaved(store_id=org.store.id, day=date.today(), kpi_ids=(1,)))
    assert sent == []  # nothing before the commit
    db.session.commit()
    assert set(sent) == {(realtime.store_room(org.store.id), "goals-changed"),
                         (realtime.district_room(org.district.id), "goals-changed")}

    sent.clear()
    kr = goals.kr(goals.objective("person", person=org.staff, owner=org.staff))
    db.session.commit()
    sign_in(org.staff)
    client.post(f"/goals/key-results/{kr.id}/check-in", data={"confidence": "on_track"})
    assert (realtime.person_room(org.staff.id), "goals-changed") in sent


def test_overview_region_refreshes_itself_on_the_hint(client, org, sign_in):
    sign_in(org.staff)
    body = client.get("/goals/?period=2026-Q4").get_data(as_text=True)
    assert 'data-live-on="goals-changed"' in body and "period=2026-Q4" in body
