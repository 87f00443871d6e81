"""Which language a page speaks: the person's choice, else the browser's, else English."""

from flask import has_request_context, request, session
from flask_login import current_user

from app.config import SUPPORTED_LOCALES


def select_locale() -> str:
    if not has_request_context():
        return "en"  # CLI, jobs and tests call services outside any request
    if current_user and current_user.is_authenticated:
        return current_user.locale
    chosen = session.get("locale")
    if chosen in SUPPORTED_LOCALES:
        return chosen
    return request.accept_languages.best_match(SUPPORTED_LOCALES) or "en"
