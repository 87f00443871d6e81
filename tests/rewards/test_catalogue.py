"""HR manages the catalogue: validation messages, store scope, pictures checked by their bytes."""

import io

import pytest
import sqlalchemy as sa
from flask import url_for
from PIL import Image

from app.core.audit import AuditEntry
from app.extensions import db
from app.rewards.models import Reward
from tests.rewards.helpers import PNG_1PX, make_reward

VALID = {"name": "Coffee voucher", "description": "At the bar next door.", "cost": "50", "stock": "20",
         "per_person_limit": "2", "availability": "all", "illustration": "coffee", "active": "y"}


def _rewards() -> list[Reward]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Reward).order_by(Reward.id)))


@pytest.mark.parametrize("role", ["hr", "admin"])
def test_hr_creates_a_reward(client, auth, org, role):
    auth.login(org.by_role(role))
    response = client.post(url_for("rewards.new_reward"), data=dict(VALID))
    assert response.status_code == 303
    [reward] = _rewards()
    assert (reward.name, reward.cost, reward.stock, reward.per_person_limit, reward.all_stores, reward.active,
            reward.illustration) == ("Coffee voucher", 50, 20, 2, True, True, "coffee")
    assert db.session.scalar(sa.select(AuditEntry.action).where(AuditEntry.target_id == reward.id)) \
        == "reward.created"
    assert "Coffee voucher" in client.get(url_for("rewards.manage")).get_data(as_text=True)


@pytest.mark.parametrize(("changes", "message"), [
    ({"name": ""}, "Give the reward a name."),
    ({"cost": "0"}, "above zero"),
    ({"cost": "-5"}, "above zero"),
    ({"cost": "ten"}, "is not a number"),
    ({"cost": "1000000"}, "at most"),
    ({"stock": "-1"}, "Stock must be between 0"),
    ({"per_person_limit": "0"}, "limit per person"),
    ({"availability": "some"}, "Choose at least one store"),
    ({"availability": "some", "store_ids": "99999"}, "One of the chosen stores"),
])
def test_bad_input_is_explained_and_creates_nothing(client, auth, org, changes, message):
    auth.login(org.hr)
    response = client.post(url_for("rewards.new_reward"), data={**VALID, **changes})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _rewards() == []


def test_a_reward_for_some_stores(client, auth, org):
    auth.login(org.hr)
    data = {**VALID, "availability": "some", "store_ids": [str(org.store.id), str(org.other_store.id)]}
    assert client.post(url_for("rewards.new_reward"), data=data).status_code == 303
    [reward] = _rewards()
    assert not reward.all_stores
    assert {store.id for store in reward.stores} == {org.store.id, org.other_store.id}


def test_editing_sets_the_stock_and_deactivating_hides_it(client, auth, org):
    reward = make_reward(name="Mug", cost=30, stock=1)
    db.session.commit()
    auth.login(org.hr)
    page = client.get(url_for("rewards.edit_reward", reward_id=reward.id)).get_data(as_text=True)
    assert 'value="Mug"' in page
    data = {**VALID, "name": "Mug", "cost": "35", "stock": "", "per_person_limit": ""}
    assert client.post(url_for("rewards.edit_reward", reward_id=reward.id), data=data).status_code == 303
    [reward] = _rewards()
    assert (reward.cost, reward.stock, reward.per_person_limit) == (35, None, None)
    response = client.post(url_for("rewards.set_active", reward_id=reward.id), data={"active": "0"})
    assert response.status_code == 303
    assert not _rewards()[0].active
    auth.logout()
    auth.login(org.staff)
    assert "Mug" not in client.get(url_for("rewards.store")).get_data(as_text=True)


def test_uploaded_picture_is_stored_in_the_instance_folder_and_served(client, auth, org, picture_folder):
    auth.login(org.hr)
    data = {**VALID, "picture": (io.BytesIO(PNG_1PX), "mug.png")}
    response = client.post(url_for("rewards.new_reward"), data=data, content_type="multipart/form-data")
    assert response.status_code == 303
    [reward] = _rewards()
    assert reward.image_filename.endswith(".png")
    stored = (picture_folder / reward.image_filename).read_bytes()
    assert Image.open(io.BytesIO(stored)).size == (1, 1)  # re-encoded by Pillow, same picture
    auth.logout()
    auth.login(org.staff)
    response = client.get(url_for("rewards.picture", reward_id=reward.id))
    assert response.status_code == 200 and response.mimetype == "image/png" and response.data == stored
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "private" in response.headers["Cache-Control"]
    again = client.get(url_for("rewards.picture", reward_id=reward.id),
                       headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    assert url_for("rewards.picture", reward_id=reward.id, _external=False) in \
        client.get(url_for("rewards.store")).get_data(as_text=True)


@pytest.mark.parametrize(("payload", "filename", "message"), [
    (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "evil.png",
     "JPEG, PNG or WebP"),
    (b"GIF89a" + b"\x00" * 20, "anim.gif", "JPEG, PNG or WebP"),
    (PNG_1PX + b"\x00" * 4096, "huge.png", "too large"),
])
def test_a_picture_that_isnt_an_image_is_refused(app, client, auth, org, picture_folder, payload, filename,
                                                 message):
    # A small maximum: werkzeug's test client leaks the temporary file it spools big uploads to.
    app.config["REWARD_PICTURE_MAX_BYTES"] = 4096
    auth.login(org.hr)
    data = {**VALID, "picture": (io.BytesIO(payload), filename)}
    response = client.post(url_for("rewards.new_reward"), data=data, content_type="multipart/form-data")
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert _rewards() == []
    assert not picture_folder.exists() or not any(picture_folder.iterdir())


def test_replacing_a_picture_removes_the_old_file(client, auth, org, picture_folder):
    auth.login(org.hr)
    client.post(url_for("rewards.new_reward"), data={**VALID, "picture": (io.BytesIO(PNG_1PX), "a.png")},
                content_type="multipart/form-data")
    [reward] = _rewards()
    old = picture_folder / reward.image_filename
    client.post(url_for("rewards.edit_reward", reward_id=reward.id),
                data={**VALID, "picture": (io.BytesIO(PNG_1PX), "b.png")}, content_type="multipart/form-data")
    [reward] = _rewards()
    assert not old.exists() and (picture_folder / reward.image_filename).exists()
    client.post(url_for("rewards.edit_reward", reward_id=reward.id), data={**VALID, "remove_picture": "y"})
    assert _rewards()[0].image_filename is None


def test_picture_route_404s_without_an_upload(client, auth, org):
    reward = make_reward()
    db.session.commit()
    auth.login(org.staff)
    assert client.get(url_for("rewards.picture", reward_id=reward.id)).status_code == 404
    assert client.get(url_for("rewards.picture", reward_id=99999)).status_code == 404


@pytest.mark.parametrize("role", ["staff", "store_manager", "district_manager"])
def test_only_hr_manages_the_catalogue(client, auth, org, role):
    reward = make_reward(name="Mug")
    db.session.commit()
    auth.login(org.by_role(role))
    assert client.get(url_for("rewards.manage")).status_code == 403
    assert client.post(url_for("rewards.new_reward"), data=dict(VALID)).status_code == 403
    edit = url_for("rewards.edit_reward", reward_id=reward.id)
    hide = url_for("rewards.set_active", reward_id=reward.id)
    assert client.post(edit, data=dict(VALID)).status_code == 403
    assert client.post(hide, data={"active": "0"}).status_code == 403
    assert [r.name for r in _rewards()] == ["Mug"] and _rewards()[0].active


def test_a_picture_is_served_only_where_the_reward_is_offered(client, auth, org, picture_folder):
    from app.rewards import pictures

    reward = make_reward(name="Milano mug", stores=[org.store])
    reward.image_filename = pictures.save_picture(PNG_1PX)
    db.session.commit()
    url = url_for("rewards.picture", reward_id=reward.id)
    auth.login(org.other_staff)
    assert client.get(url).status_code == 404  # someone else's store: we don't confirm it exists
    auth.logout()
    auth.login(org.staff)
    assert client.get(url).status_code == 200
    auth.logout()
    auth.login(org.hr)
    assert client.get(url).status_code == 200
