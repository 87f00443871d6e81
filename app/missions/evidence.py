"""Checking the proof people send: photos decoded and re-encoded (never stored as sent, nor typed by the
name or the browser's word), written answers, and quizzes scored here on the server."""

import math
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from app.core.errors import ServiceError
from app.core.images import CleanImage, clean_image
from app.missions.models import Mission

MAX_TEXT = 2000
MAX_NOTE = 500
DEFAULT_MAX_PHOTO_BYTES = 5 * 1024 * 1024

PHOTO_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


def max_photo_bytes() -> int:
    return int(current_app.config.get("MISSION_PHOTO_MAX_BYTES", DEFAULT_MAX_PHOTO_BYTES))


def check_photo(data: bytes | None) -> CleanImage:
    """The photo as it may be stored (decoded, upright, scaled down, without its EXIF/GPS: see
    app/core/images.py), or a ServiceError saying what is wrong."""
    if not data:
        raise ServiceError(_("Choose a photo to upload."), field="photo")
    limit = max_photo_bytes()
    if len(data) > limit:
        raise ServiceError(_("That photo is %(size)s; the limit is %(limit)s. Take it again at a lower "
                             "resolution, or crop it.", size=_megabytes(len(data)), limit=_megabytes(limit)),
                           field="photo")
    return clean_image(data, field="photo", wrong_type=_("That file isn't a JPEG, PNG or WebP photo."))


def _megabytes(size: int) -> str:
    return _("%(mb).1f MB", mb=size / (1024 * 1024))


def upload_root() -> Path:
    configured = current_app.config.get("MISSION_UPLOAD_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "uploads" / "missions"


def store_photo(assignment_id: int, data: bytes, extension: str) -> str:
    """Write a photo `check_photo` returned under the uploads folder; the path relative to it. The name is
    random: it says nothing about the person and can't be guessed or chosen by the uploader."""
    relative = f"{assignment_id}/{secrets.token_hex(16)}.{extension}"
    path = upload_root() / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return relative


def photo_file(relative: str) -> Path | None:
    """The stored file for a submission's path, only if it really is inside the uploads folder."""
    root = upload_root().resolve()
    path = (root / relative).resolve()
    if root not in path.parents or not path.is_file():
        return None
    return path


def clean_text(answer: str | None) -> str:
    text = (answer or "").strip()
    if not text:
        raise ServiceError(_("Write your answer before sending it."), field="answer")
    if len(text) > MAX_TEXT:
        raise ServiceError(_("Keep your answer under %(n)d characters.", n=MAX_TEXT), field="answer")
    return text


def clean_note(note: str | None) -> str | None:
    text = (note or "").strip()
    if len(text) > MAX_NOTE:
        raise ServiceError(_("Keep the note under %(n)d characters.", n=MAX_NOTE), field="note")
    return text or None


@dataclass(frozen=True)
class QuizResult:
    correct: int
    total: int
    needed: int
    answers: dict[str, int]  # question id -> chosen option id

    @property
    def passed(self) -> bool:
        return self.correct >= self.needed


def needed_to_pass(mission: Mission, total: int) -> int:
    return max(1, math.ceil(total * mission.quiz_pass_mark / 100))


def score_quiz(mission: Mission, answers: dict[int, int]) -> QuizResult:
    """Score the chosen option ids against the mission's questions. Unanswered questions, or an
    option that belongs to another question, are refused rather than counted wrong."""
    questions = mission.questions
    if not questions:
        raise ServiceError(_("This quiz has no questions yet. Ask your manager."))
    chosen: dict[str, int] = {}
    correct = 0
    for question in questions:
        option_id = answers.get(question.id)
        option = next((option for option in question.options if option.id == option_id), None)
        if option is None:
            raise ServiceError(_("Answer every question before sending the quiz."), field="quiz")
        chosen[str(question.id)] = option.id
        correct += 1 if option.correct else 0
    return QuizResult(correct, len(questions), needed_to_pass(mission, len(questions)), chosen)
