"""The sign-off queue over HTTP: who sees it, one-tap approve, send back with a comment, and 404s
for submissions outside the manager's stores."""

import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.missions import completion
from app.missions.models import EvidenceType, MissionAssignment, MissionSubmission
from app.points.models import PointEntry
from tests.missions.factories import JPEG, assign, make_mission, today_for


def _html(response) -> str:
    return response.get_data(as_text=True)


def _pending(org, person=None, evidence_type=EvidenceType.SIGNOFF, **submit):
    person = person or org.staff
    mission = make_mission(store=person.store, title="Window display", evidence_type=evidence_type,
                           requires_approval=True, points=40)
    assignment = assign(mission, person)
    completion.submit(person, assignment, today=today_for(person), **submit)
    db.session.commit()
    return db.session.scalar(sa.select(MissionSubmission)
                             .where(MissionSubmission.assignment_id == assignment.id))


def _paid(person_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(PointEntry.amount), 0))
                             .where(PointEntry.person_id == person_id))


@pytest.mark.parametrize("role", ["staff"])
def test_staff_cannot_open_the_sign_off_queue(client, auth, org, role):
    auth.login(org.by_role(role))
    assert client.get("/missions/signoffs").status_code == 403


def test_queue_shows_only_the_managers_stores(client, auth, org):
    mine = _pending(org, note="Mannequins dressed")
    _pending(org, person=org.other_staff)
    auth.login(org.sm)
    page = client.get("/missions/signoffs")
    assert page.status_code == 200
    html = _html(page)
    assert "Sara Staff" in html and "Mannequins dressed" in html
    assert "Rita Remota" not in html and "Roma Termini" not in html
    assert f'/missions/signoffs/{mine.id}/approve' in html
    assert 'aria-current="page"' in html  # the Sign-offs tab lights up
    fragment = client.htmx_get("/missions/signoffs")
    assert "<html" not in _html(fragment) and 'id="signoff-queue"' in _html(fragment)


def test_district_manager_sees_their_district(client, auth, org):
    _pending(org, person=org.sibling_staff)
    auth.login(org.dm)
    assert "Marta Vicina" in _html(client.get("/missions/signoffs"))


def test_one_tap_approve_returns_the_queue_and_pays(client, auth, org):
    submission = _pending(org)
    staff_id, submission_id = org.staff.id, submission.id
    auth.login(org.sm)
    response = client.post(f"/missions/signoffs/{submission_id}/approve", headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = _html(response)
    assert html.lstrip().startswith('<div id="signoff-queue"')
    assert "Approved: +40 points for Sara." in html and "Nothing to sign off" in html
    again = client.post(f"/missions/signoffs/{submission_id}/approve", headers={"HX-Request": "true"})
    assert "Already approved" in _html(again)
    assert _paid(staff_id) == 40


def test_reject_needs_a_comment_tied_to_its_field(client, auth, org):
    submission = _pending(org)
    submission_id = submission.id
    auth.login(org.sm)
    response = client.post(f"/missions/signoffs/{submission_id}/reject", data={"comment": "  "},
                           headers={"HX-Request": "true"})
    assert response.status_code == 422
    html = _html(response)
    assert "Say what to change, so they can try again." in html
    assert re.search(rf'aria-describedby="comment-{submission_id}-hint comment-{submission_id}-error"', html)
    assert db.session.get(MissionSubmission, submission_id).status == "pending"


def test_send_back_then_resubmit_then_approve(client, auth, org):
    submission = _pending(org)
    staff, assignment_id, submission_id = org.staff, submission.assignment_id, submission.id
    auth.login(org.sm)
    response = client.post(f"/missions/signoffs/{submission_id}/reject",
                           data={"comment": "The left window still has summer prices."})
    assert response.status_code == 303
    auth.logout()
    auth.login(staff)
    page = _html(client.get(f"/missions/{assignment_id}"))
    assert "Sent back — have another go" in page and "summer prices" in page
    assert "Sent back: see the comment" in _html(client.get("/missions/"))
    resent = client.post(f"/missions/{assignment_id}/submit", data={"note": "Prices changed"})
    assert resent.status_code == 303
    auth.logout()
    auth.login(org.sm)
    newest = db.session.scalars(sa.select(MissionSubmission).order_by(MissionSubmission.id.desc())).first()
    assert newest.id != submission_id
    assert client.post(f"/missions/signoffs/{newest.id}/approve").status_code == 303
    assert db.session.get(MissionAssignment, assignment_id).status == "done"


@pytest.mark.parametrize("manager", ["other_sm", "sibling_sm", "other_dm"])
def test_a_manager_of_another_store_gets_404(client, auth, org, manager):
    submission = _pending(org, evidence_type=EvidenceType.PHOTO, photo=JPEG)
    submission_id, staff_id = submission.id, org.staff.id
    auth.login(getattr(org, manager))
    assert client.get(f"/missions/signoffs/{submission_id}").status_code == 404
    assert client.post(f"/missions/signoffs/{submission_id}/approve").status_code == 404
    rejected = client.post(f"/missions/signoffs/{submission_id}/reject", data={"comment": "no"})
    assert rejected.status_code == 404
    assert client.get(f"/missions/evidence/{submission_id}/photo").status_code == 404
    assert db.session.get(MissionSubmission, submission_id).status == "pending"
    assert _paid(staff_id) == 0


def test_single_submission_page(client, auth, org):
    submission = _pending(org, note="All six windows")
    auth.login(org.sm)
    page = client.get(f"/missions/signoffs/{submission.id}")
    assert page.status_code == 200 and "All six windows" in _html(page)


def test_photo_is_served_only_to_its_owner_and_their_managers(client, auth, org):
    submission = _pending(org, evidence_type=EvidenceType.PHOTO, photo=JPEG)
    url = f"/missions/evidence/{submission.id}/photo"
    for person, status in ((org.staff, 200), (org.sm, 200), (org.hr, 200), (org.colleague, 404)):
        auth.login(person)
        response = client.get(url)
        assert response.status_code == status, person.full_name
        if status == 200:
            # The re-encoded photo that was stored, not the upload's own bytes.
            assert response.mimetype == "image/jpeg" and response.data[:3] == b"\xff\xd8\xff"
            assert len(response.data) == submission.photo_bytes
            assert "no-store" in response.headers["Cache-Control"]
            assert response.headers["X-Content-Type-Options"] == "nosniff"
        auth.logout()
    assert client.get(url).status_code in (302, 303)  # anonymous: sign in first
