"""Item 9, evidence photos stored as uploaded: through the real submit route, the stored (and served)
photo is the re-encoded one without its GPS position; what doesn't decode, or claims too many pixels,
is refused with a clear message, and nothing is written, recorded or paid."""

import sqlalchemy as sa

from app.extensions import db
from app.missions.models import EvidenceType, MissionSubmission
from app.points.models import PointEntry
from tests.core.image_samples import JPEG_SIGNATURE_THEN_GARBAGE, carries_metadata, huge_png, photo, size_of
from tests.missions.factories import assign, make_mission, upload


def _photo_mission(org) -> int:
    assignment = assign(make_mission(store=org.store, title="Window display photo",
                                     evidence_type=EvidenceType.PHOTO, points=40), org.staff)
    db.session.commit()
    return assignment.id


def _submit(client, assignment_id: int, data: bytes, name: str = "IMG_2041.jpg"):
    return client.post(f"/missions/{assignment_id}/submit", data={"photo": upload(data, name)},
                       content_type="multipart/form-data")


def _nothing_happened(upload_dir) -> bool:
    return (db.session.scalar(sa.select(sa.func.count(PointEntry.id))) == 0
            and db.session.scalar(sa.select(sa.func.count(MissionSubmission.id))) == 0
            and (not upload_dir.exists() or not any(upload_dir.rglob("*"))))


def test_evidence_photo_gps_exif_is_not_stored_nor_served(client, auth, org, upload_dir):
    assignment_id = _photo_mission(org)
    auth.login(org.staff)
    original = photo("JPEG", (40, 20), orientation=6)
    assert carries_metadata(original)
    assert _submit(client, assignment_id, original).status_code == 303

    submission = db.session.scalar(sa.select(MissionSubmission))
    stored = (upload_dir / submission.photo_path).read_bytes()
    assert not carries_metadata(stored)
    assert size_of(stored) == (20, 40)  # turned upright before the EXIF went
    assert (submission.photo_type, submission.photo_bytes) == ("image/jpeg", len(stored))
    served = client.get(f"/missions/evidence/{submission.id}/photo")
    assert served.status_code == 200 and served.data == stored


def test_evidence_photo_jpeg_signature_followed_by_garbage_is_refused(client, auth, org, upload_dir):
    assignment_id = _photo_mission(org)
    auth.login(org.staff)
    response = _submit(client, assignment_id, JPEG_SIGNATURE_THEN_GARBAGE)
    assert response.status_code == 422
    assert "That image can&#39;t be opened: the file is damaged or isn&#39;t really an image." in \
        response.get_data(as_text=True)
    assert _nothing_happened(upload_dir)


def test_evidence_photo_with_huge_dimensions_is_refused_not_a_500(client, auth, org, upload_dir):
    assignment_id = _photo_mission(org)
    auth.login(org.staff)
    for width, height in ((8000, 6000), (30000, 30000)):  # our cap; Pillow's decompression-bomb error
        response = _submit(client, assignment_id, huge_png(width, height), "bomb.png")
        assert response.status_code == 422
        assert "That image has too many pixels: at most 40 megapixels." in response.get_data(as_text=True)
    assert _nothing_happened(upload_dir)
