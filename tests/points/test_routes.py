import sqlalchemy as sa

from app.extensions import db
from app.org.models import Person
from app.points import ledger
from app.points.models import DisputeStatus, PointDispute, PointEntry


def _award(person, points=20, key="k", source="mission"):
    entry = ledger.award(person, points, source_type=source, reason="Window display photo",
                         idempotency_key=key).entry
    db.session.commit()
    return entry


def test_my_points_page_shows_balances_and_provenance(client, auth, org):
    _award(org.staff)
    auth.login(org.staff)
    page = client.get("/points")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Window display photo" in text and "+20" in text


def test_my_points_empty_state(client, auth, org):
    auth.login(org.staff)
    assert "No points yet" in client.get("/points").get_data(as_text=True)


def test_feed_paginates_with_htmx_fragment(client, auth, org):
    for n in range(25):
        _award(org.staff, 1, key=f"p{n}")
    auth.login(org.staff)
    first = client.get("/points").get_data(as_text=True)
    assert "Show older entries" in first
    oldest_shown = db.session.scalars(sa.select(PointEntry.id).order_by(PointEntry.id.desc())).all()[19]
    fragment = client.htmx_get(f"/points?before={oldest_shown}")
    body = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in body
    assert body.count("ledger__entry") == 5


def test_feed_query_count_is_flat(client, auth, org, count_queries):
    staff_id, awarder_ids = org.staff.id, [org.hr.id, org.sm.id, org.dm.id]
    for n in range(5):
        ledger.award(org.staff, 1, source_type="manual", reason="x", idempotency_key=f"a{n}", awarded_by=org.hr)
    db.session.commit()
    auth.login(org.staff)
    client.get("/points")
    with count_queries() as small:
        client.get("/points")
    staff, awarders = db.session.get(Person, staff_id), [db.session.get(Person, i) for i in awarder_ids]
    for n in range(30):
        ledger.award(staff, 1, source_type="manual", reason="x", idempotency_key=f"b{n}",
                     awarded_by=awarders[n % 3])
    db.session.commit()
    with count_queries() as large:
        client.get("/points")
    assert large.count == small.count, large.statements


def test_dispute_flow_uphold(client, auth, org):
    entry = _award(org.staff)
    auth.login(org.staff)
    empty = client.post(f"/points/entries/{entry.id}/dispute", data={"comment": "  "})
    assert empty.status_code == 422
    assert db.session.query(PointDispute).count() == 0
    sent = client.post(f"/points/entries/{entry.id}/dispute", data={"comment": "Should be 40"})
    assert sent.status_code == 303
    again = client.post(f"/points/entries/{entry.id}/dispute", data={"comment": "Again"})
    assert again.status_code == 422
    auth.logout()
    auth.login(org.sm)
    queue = client.get("/points/disputes").get_data(as_text=True)
    assert "Should be 40" in queue
    dispute = db.session.query(PointDispute).one()
    client.post(f"/points/disputes/{dispute.id}", data={"outcome": "uphold", "note": "20 is the mission value"})
    db.session.refresh(dispute)
    assert dispute.status == DisputeStatus.UPHELD
    assert ledger.balances(org.staff.id) == (20, 20)


def test_dispute_flow_reverse(client, auth, org):
    entry = _award(org.staff)
    auth.login(org.staff)
    client.post(f"/points/entries/{entry.id}/dispute", data={"comment": "Not mine"})
    auth.logout()
    auth.login(org.sm)
    dispute = db.session.query(PointDispute).one()
    client.post(f"/points/disputes/{dispute.id}", data={"outcome": "reverse", "note": "Right, it was Cosimo"})
    db.session.refresh(dispute)
    assert dispute.status == DisputeStatus.REVERSED
    assert ledger.balances(org.staff.id) == (0, 0)


def test_cannot_dispute_someone_elses_entry(client, auth, org):
    entry = _award(org.colleague)
    auth.login(org.staff)
    assert client.get(f"/points/entries/{entry.id}/dispute").status_code == 404
    assert client.post(f"/points/entries/{entry.id}/dispute", data={"comment": "mine"}).status_code == 404


def test_manager_outside_scope_cannot_resolve(client, auth, org):
    entry = _award(org.staff)
    auth.login(org.staff)
    client.post(f"/points/entries/{entry.id}/dispute", data={"comment": "Not mine"})
    auth.logout()
    auth.login(org.other_sm)
    dispute = db.session.query(PointDispute).one()
    assert "Not mine" not in client.get("/points/disputes").get_data(as_text=True)
    assert client.post(f"/points/disputes/{dispute.id}", data={"outcome": "reverse", "note": "x"}).status_code == 404
    db.session.refresh(dispute)
    assert dispute.status == DisputeStatus.OPEN


def test_manual_award_form_pays_once(client, auth, org):
    auth.login(org.sm)
    form = client.get("/points/award").get_data(as_text=True)
    assert org.staff.full_name in form and org.other_staff.full_name not in form
    data = {"person_id": org.staff.id, "points": 15, "reason": "Great upsell", "idempotency_key": "tap-1"}
    assert client.post("/points/award", data=dict(data)).status_code == 303
    assert client.post("/points/award", data=dict(data)).status_code == 303  # a double tap
    assert ledger.balances(org.staff.id) == (15, 15)


def test_manual_award_outside_scope_and_bad_input(client, auth, org):
    auth.login(org.sm)
    outside = client.post("/points/award", data={"person_id": org.other_staff.id, "points": 15, "reason": "x",
                                                  "idempotency_key": "o"})
    assert outside.status_code == 422
    negative = client.post("/points/award", data={"person_id": org.staff.id, "points": -3, "reason": "x",
                                                   "idempotency_key": "n"})
    assert negative.status_code == 422
    assert db.session.query(PointEntry).count() == 0


def test_staff_cannot_award(client, auth, org):
    auth.login(org.staff)
    assert client.get("/points/award").status_code == 403
    denied = client.post("/points/award", data={"person_id": org.colleague.id, "points": 5, "reason": "x"})
    assert denied.status_code == 403


def test_hr_reverses_an_entry_from_the_persons_ledger(client, auth, org):
    entry = _award(org.staff)
    auth.login(org.hr)
    page = client.get(f"/people/{org.staff.id}/points")
    assert page.status_code == 200 and "Reverse entry" in page.get_data(as_text=True)
    assert client.post(f"/points/entries/{entry.id}/reverse", data={"reason": ""}).status_code == 303
    assert ledger.balances(org.staff.id) == (20, 20)
    client.post(f"/points/entries/{entry.id}/reverse", data={"reason": "Duplicate"})
    assert ledger.balances(org.staff.id) == (0, 0)


def test_store_manager_sees_team_ledger_but_not_other_stores(client, auth, org):
    auth.login(org.sm)
    assert client.get(f"/people/{org.staff.id}/points").status_code == 200
    assert client.get(f"/people/{org.other_staff.id}/points").status_code == 404


def test_resolving_a_dispute_nudges_the_person(client, auth, org):
    from app.nudges.models import Notification

    entry = _award(org.staff)
    staff_id = org.staff.id
    auth.login(org.staff)
    client.post(f"/points/entries/{entry.id}/dispute", data={"comment": "Should be 40"})
    auth.logout()
    auth.login(org.sm)
    dispute = db.session.query(PointDispute).one()
    client.post(f"/points/disputes/{dispute.id}", data={"outcome": "uphold", "note": "20 is right"})
    notes = db.session.query(Notification).filter_by(person_id=staff_id, nudge_type="dispute_resolved").all()
    assert len(notes) == 1 and "20 is right" in notes[0].body
