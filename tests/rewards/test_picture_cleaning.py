"""Item 9 for reward pictures: HR's uploads go through the same cleaning as evidence photos
(app/core/images.py): no metadata stored or served, undecodable or oversized images refused with
nothing written and no reward created."""

import io

import pytest
import sqlalchemy as sa
from flask import url_for

from app.extensions import db
from app.rewards.models import Reward
from tests.core.image_samples import JPEG_SIGNATURE_THEN_GARBAGE, carries_metadata, huge_png, photo, size_of

VALID = {"name": "Store mug", "description": "A mug with the logo.", "cost": "150", "stock": "20",
         "per_person_limit": "2", "availability": "all", "illustration": "gift", "active": "y"}


def _rewards() -> list[Reward]:
    rewards = list(db.session.scalars(sa.select(Reward)))
    db.session.rollback()
    return rewards


def _post(client, data: bytes, name: str):
    return client.post(url_for("rewards.new_reward"), data={**VALID, "picture": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_reward_picture_metadata_is_stripped(client, auth, org, picture_folder):
    auth.login(org.hr)
    original = photo("WEBP", (30, 10))
    assert carries_metadata(original)
    assert _post(client, original, "mug.webp").status_code == 303
    [reward] = _rewards()
    stored = (picture_folder / reward.image_filename).read_bytes()
    assert reward.image_filename.endswith(".webp")
    assert not carries_metadata(stored) and size_of(stored) == (30, 10)


@pytest.mark.parametrize(("data", "message"), [
    (JPEG_SIGNATURE_THEN_GARBAGE, "That image can&#39;t be opened"),
    (huge_png(8000, 6000), "That image has too many pixels: at most 40 megapixels."),
    (huge_png(30000, 30000), "That image has too many pixels: at most 40 megapixels."),
])
def test_reward_picture_that_does_not_decode_or_is_too_big_is_refused(client, auth, org, picture_folder, data,
                                                                     message):
    auth.login(org.hr)
    response = _post(client, data, "mug.jpg")
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert _rewards() == []
    assert not picture_folder.exists() or not any(picture_folder.iterdir())
