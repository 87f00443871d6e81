"""Every upload in the app, sent too large or of the wrong kind: a clear message, and nothing saved (no
row in any table, no file in the upload folders).

The uploads: a mission's photo proof, a reward's picture, the people import and the KPI CSV. A body over
MAX_CONTENT_LENGTH is refused before any view runs (413, the styled error page in the person's
language); a file of the wrong kind is refused by the feature, which checks the bytes, never the name
or the browser's claim (422, the form again with the reason)."""

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from flask import url_for
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.config import settings_from_environment
from app.extensions import db
from app.missions.models import EvidenceType, Mission, MissionAssignment
from app.org.models import Person
from tests.core.support import TINY_PNG, sign_in
from tests.core.test_authorization_matrix import _changed_tables, _snapshot

# What a browser would send as a Windows program, and as a text file renamed to look like a picture.
WINDOWS_PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(range(256)) * 4
TEXT_AS_IMAGE = b"This is not a picture, only words in a file called photo.jpg\n"
REWARD_FORM = {"name": "Coffee voucher", "description": "At the bar next door.", "cost": "50", "stock": "",
               "per_person_limit": "", "availability": "all", "illustration": "coffee", "active": "y"}


def _photo_mission(org) -> str:
    """The staff member's open mission that wants a photo as its proof."""
    mission = Mission(title="Window display photo", description="Dress the window.", points=10,
                      evidence_type=EvidenceType.PHOTO, store_id=org.store.id, start_date=date.today())
    db.session.add(mission)
    db.session.flush()
    assignment = MissionAssignment(mission_id=mission.id, person_id=org.staff.id, period_start=date.today(),
                                   status="open")
    db.session.add(assignment)
    db.session.commit()
    return url_for("missions.submit", assignment_id=assignment.id)


@dataclass(frozen=True)
class Upload:
    name: str
    role: str
    url: Callable  # (org) -> the URL the form posts to
    file_field: str
    form: dict = field(default_factory=dict)
    # A file of the wrong kind: (bytes, file name, what the page must say)
    wrong_kinds: tuple[tuple[bytes, str, str], ...] = ()

    def __str__(self) -> str:
        return self.name


UPLOADS = [
    Upload("mission-photo", "staff", _photo_mission, "photo", wrong_kinds=(
        (WINDOWS_PROGRAM, "setup.exe", "That file isn't a JPEG, PNG or WebP photo."),
        (WINDOWS_PROGRAM, "photo.jpg", "That file isn't a JPEG, PNG or WebP photo."),
        (TEXT_AS_IMAGE, "photo.png", "That file isn't a JPEG, PNG or WebP photo."),
    )),
    Upload("reward-picture", "hr", lambda _org: url_for("rewards.new_reward"), "picture", REWARD_FORM,
           wrong_kinds=(
               (WINDOWS_PROGRAM, "mug.exe", "The picture must be a JPEG, PNG or WebP image."),
               (TEXT_AS_IMAGE, "mug.png", "The picture must be a JPEG, PNG or WebP image."),
           )),
    Upload("people-import", "hr", lambda _org: url_for("org.import_people_page"), "file", wrong_kinds=(
        (WINDOWS_PROGRAM, "people.exe", "Only .csv files can be imported."),
        (WINDOWS_PROGRAM, "people.csv", "The file is not a text CSV file."),
        (TINY_PNG, "people.csv", "The file is not a text CSV file."),
        (b"Dear HR,\nplease add Anna to the shop.\n", "people.csv", "Missing columns"),
    )),
    Upload("kpi-csv", "store_manager", lambda _org: url_for("kpis.upload"), "file", wrong_kinds=(
        (WINDOWS_PROGRAM, "sales.exe", "The file is not a text CSV file."),
        (TINY_PNG, "sales.csv", "The file is not a text CSV file."),
        (b"Dear HR,\nplease add Anna to the shop.\n", "sales.csv", "Missing columns"),
    )),
]
WRONG_KINDS = [pytest.param(upload, payload, filename, message, id=f"{upload}-{filename}")
               for upload in UPLOADS for payload, filename, message in upload.wrong_kinds]


def _files_in(*folders: str) -> list[Path]:
    return [path for folder in folders if Path(folder).exists() for path in Path(folder).rglob("*")
            if path.is_file()]


def _post(client, upload: Upload, url: str, payload: bytes, filename: str):
    """The multipart body encoded in memory: given a dict, Werkzeug's test client spools a body over
    500 KB to a temporary file it never closes (a ResourceWarning, an error under our warning filter)."""
    fields = {**upload.form, "csrf_token": client.csrf_token(),
              upload.file_field: FileStorage(io.BytesIO(payload), filename)}
    boundary, body = encode_multipart(fields)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def _upload_folders(app) -> tuple[str, str]:
    return app.config["MISSION_UPLOAD_DIR"], app.config["REWARD_PICTURE_FOLDER"]


def _text(response) -> str:
    return response.get_data(as_text=True).replace("&#39;", "'").replace("&#34;", '"')


def test_uploads_are_capped_by_default_and_the_cap_can_be_set(monkeypatch, tmp_path):
    monkeypatch.delenv("MAX_UPLOAD_BYTES", raising=False)
    assert settings_from_environment(str(tmp_path))["MAX_CONTENT_LENGTH"] == 8 * 1024 * 1024
    monkeypatch.setenv("MAX_UPLOAD_BYTES", str(20 * 1024 * 1024))
    assert settings_from_environment(str(tmp_path))["MAX_CONTENT_LENGTH"] == 20 * 1024 * 1024


@pytest.mark.parametrize("upload", UPLOADS, ids=str)
def test_an_upload_over_the_limit_is_refused_and_saves_nothing(app, client, org, upload):
    app.config["MAX_CONTENT_LENGTH"] = 256 * 1024  # a small cap keeps the test fast; the path is the same
    url = upload.url(org)
    sign_in(client, org.by_role(upload.role))
    before = _snapshot()

    response = _post(client, upload, url, TINY_PNG + bytes(300 * 1024), "big.png")

    assert response.status_code == 413
    page = _text(response)
    assert response.mimetype == "text/html"
    assert "That file is too large." in page
    assert "Nothing was saved. Go back and send a smaller file: at most 0.2 MB in all." in page
    assert _changed_tables(before, _snapshot()) == []
    assert _files_in(*_upload_folders(app)) == []


def test_the_real_default_limit_refuses_a_photo_just_over_it(app, client, org):
    url = _photo_mission(org)
    sign_in(client, org.staff)
    limit = app.config["MAX_CONTENT_LENGTH"]
    before = _snapshot()
    response = _post(client, UPLOADS[0], url, TINY_PNG + bytes(limit), "huge.png")
    assert response.status_code == 413
    assert f"at most {round(limit / 1024 / 1024)} MB in all" in _text(response)
    assert _changed_tables(before, _snapshot()) == []


def test_the_too_large_page_speaks_the_persons_language(app, client, org):
    app.config["MAX_CONTENT_LENGTH"] = 512 * 1024
    db.session.get(Person, org.hr.id).locale = "it"
    db.session.commit()
    sign_in(client, org.hr)
    response = _post(client, UPLOADS[2], url_for("org.import_people_page"), bytes(600 * 1024), "people.csv")
    page = _text(response)
    assert response.status_code == 413
    assert '<html lang="it">' in page
    assert "Il file è troppo grande." in page and "That file is too large." not in page
    assert "0,5 MB" in page  # the limit in the Italian way of writing numbers


def test_an_api_body_over_the_limit_is_a_problem_document(app, client, org):
    from tests.api.conftest import make_token

    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    secret = make_token().secret
    body = b'{"measurements": [' + b'{"store": "MI01"},' * 8000 + b'{}]}'
    before = _snapshot()
    response = client.post("/api/v1/kpi-measurements", data=body, csrf=False,
                           headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"
    assert response.get_json(force=True)["status"] == 413
    # The token's last-used time is the only write: it is stamped once the token is checked.
    assert _changed_tables(before, _snapshot()) in ([], ["api_tokens"])


@pytest.mark.parametrize(("upload", "payload", "filename", "message"), WRONG_KINDS)
def test_a_file_of_the_wrong_kind_is_refused_and_saves_nothing(app, client, org, upload, payload, filename,
                                                               message):
    url = upload.url(org)
    sign_in(client, org.by_role(upload.role))
    before = _snapshot()

    response = _post(client, upload, url, payload, filename)

    assert response.status_code == 422
    assert response.mimetype == "text/html"
    assert message in _text(response)
    assert _changed_tables(before, _snapshot()) == []
    assert _files_in(*_upload_folders(app)) == []
