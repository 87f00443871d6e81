"""Photo uploads over HTTP: type by magic bytes, size limits, a clear message, nothing paid."""

import io

import sqlalchemy as sa
from PIL import Image

from app.extensions import db
from app.missions.models import EvidenceType, MissionSubmission
from app.points.models import PointEntry
from tests.missions.factories import GIF, JPEG, PNG, WEBP, assign, make_mission, upload


def _html(response) -> str:
    return response.get_data(as_text=True)


def _photo_mission(org, approval=False):
    assignment = assign(make_mission(store=org.store, title="Window display photo",
                                     evidence_type=EvidenceType.PHOTO, requires_approval=approval, points=40),
                        org.staff)
    db.session.commit()
    return assignment.id


def _nothing_happened(upload_dir) -> bool:
    return (db.session.scalar(sa.select(sa.func.count(PointEntry.id))) == 0
            and db.session.scalar(sa.select(sa.func.count(MissionSubmission.id))) == 0
            and (not upload_dir.exists() or not any(upload_dir.rglob("*.*"))))


def test_the_photo_form_is_multipart_and_says_the_limit(client, auth, org):
    assignment_id = _photo_mission(org)
    auth.login(org.staff)
    html = _html(client.get(f"/missions/{assignment_id}"))
    assert 'enctype="multipart/form-data"' in html
    assert 'accept="image/jpeg,image/png,image/webp"' in html
    assert "JPEG, PNG or WebP, up to 5 MB." in html


def test_a_jpeg_uploads_and_pays(client, auth, org, upload_dir):
    assignment_id = _photo_mission(org)
    auth.login(org.staff)
    response = client.post(f"/missions/{assignment_id}/submit", data={"photo": upload(JPEG)},
                           content_type="multipart/form-data")
    assert response.status_code == 303
    submission = db.session.scalar(sa.select(MissionSubmission))
    stored = Image.open(io.BytesIO((upload_dir / submission.photo_path).read_bytes()))
    assert (stored.format, stored.size) == ("JPEG", Image.open(io.BytesIO(JPEG)).size)
    assert db.session.scalar(sa.select(sa.func.sum(PointEntry.amount))) == 40


def test_png_and_webp_wait_for_sign_off(client, auth, org):
    auth.login(org.staff)
    for data in (PNG, WEBP):
        assignment_id = _photo_mission(org, approval=True)
        response = client.post(f"/missions/{assignment_id}/submit", data={"photo": upload(data, "x.png")},
                               content_type="multipart/form-data")
        assert response.status_code == 303
    assert db.session.scalar(sa.select(sa.func.count(PointEntry.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(MissionSubmission.id))
                             .where(MissionSubmission.status == "pending")) == 2


def test_a_gif_named_jpg_is_refused(client, auth, org, upload_dir):
    assignment_id = _photo_mission(org)
    auth.login(org.staff)
    response = client.post(f"/missions/{assignment_id}/submit", data={"photo": upload(GIF, "holiday.jpg")},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    html = _html(response)
    assert "That file isn&#39;t a JPEG, PNG or WebP photo." in html
    assert 'aria-describedby="photo-hint evidence-error"' in html
    assert _nothing_happened(upload_dir)


def test_no_file_is_refused(client, auth, org, upload_dir):
    assignment_id = _photo_mission(org)
    auth.login(org.staff)
    response = client.post(f"/missions/{assignment_id}/submit", data={}, content_type="multipart/form-data")
    assert response.status_code == 422 and "Choose a photo to upload." in _html(response)
    assert _nothing_happened(upload_dir)


def test_a_photo_over_the_mission_limit_is_refused_with_sizes(app, client, auth, org, upload_dir):
    app.config["MISSION_PHOTO_MAX_BYTES"] = 100 * 1024
    assignment_id = _photo_mission(org)
    auth.login(org.staff)
    big = JPEG + b"\x00" * (300 * 1024)
    response = client.post(f"/missions/{assignment_id}/submit", data={"photo": upload(big)},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert "That photo is 0.3 MB; the limit is 0.1 MB." in _html(response)
    assert _nothing_happened(upload_dir)


def test_a_request_over_the_server_limit_is_a_413(app, client, auth, org, upload_dir):
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    assignment_id = _photo_mission(org)
    auth.login(org.staff)
    big = JPEG + b"\x00" * 200_000
    response = client.post(f"/missions/{assignment_id}/submit", data={"photo": upload(big)},
                           content_type="multipart/form-data")
    assert response.status_code == 413
    assert "That file is too large." in _html(response)
    assert _nothing_happened(upload_dir)
