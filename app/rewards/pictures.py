"""Reward pictures: an upload decoded and re-encoded without its metadata (app/core/images.py; never
typed by the name or the browser's claim), stored under the instance folder with a random name, or one
of the built-in illustrations."""

import secrets
from pathlib import Path

from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.core.errors import ServiceError
from app.core.images import CleanImage, clean_image

MAX_PICTURE_BYTES = 2 * 1024 * 1024
FOLDER = "rewards"

# Built-in SVGs under static/rewards/: key → label shown to HR.
ILLUSTRATIONS = {
    "gift": _l("Gift"),
    "coffee": _l("Coffee"),
    "break": _l("Extra break"),
    "merch": _l("Store merchandise"),
    "day-off": _l("Day off"),
    "training": _l("Training course"),
    "meal": _l("Meal"),
    "ticket": _l("Tickets"),
}
DEFAULT_ILLUSTRATION = "gift"

MEDIA_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


def folder() -> Path:
    """<instance>/rewards unless REWARD_PICTURE_FOLDER says otherwise (tests use a temporary folder)."""
    configured = current_app.config.get("REWARD_PICTURE_FOLDER")
    return Path(configured) if configured else Path(current_app.instance_path) / FOLDER


def check_picture(data: bytes) -> CleanImage:
    """The picture as it may be stored, or a ServiceError saying what is wrong with it."""
    maximum = current_app.config.get("REWARD_PICTURE_MAX_BYTES", MAX_PICTURE_BYTES)
    if not data:
        raise ServiceError(_("That picture is empty."), field="picture")
    if len(data) > maximum:
        megabytes = "%g" % (maximum / 1048576)
        raise ServiceError(_("The picture is too large: at most %(mb)s MB.", mb=megabytes), field="picture")
    return clean_image(data, field="picture", wrong_type=_("The picture must be a JPEG, PNG or WebP image."))


def save_picture(data: bytes) -> str:
    """Write the cleaned picture; returns its new file name."""
    picture = check_picture(data)
    name = f"{secrets.token_hex(16)}.{picture.extension}"
    target = folder()
    target.mkdir(parents=True, exist_ok=True)
    (target / name).write_bytes(picture.data)
    return name


def delete_picture(name: str | None) -> None:
    if name and is_safe_name(name):
        (folder() / name).unlink(missing_ok=True)


def is_safe_name(name: str) -> bool:
    stem, _dot, extension = name.partition(".")
    return len(stem) == 32 and all(c in "0123456789abcdef" for c in stem) and extension in MEDIA_TYPES


def picture_url(reward) -> str:
    if reward.image_filename:
        # The file name changes with every upload, so it doubles as a cache buster.
        return url_for("rewards.picture", reward_id=reward.id, v=reward.image_filename[:8])
    illustration = reward.illustration if reward.illustration in ILLUSTRATIONS else DEFAULT_ILLUSTRATION
    return url_for("static", filename=f"rewards/{illustration}.svg")
