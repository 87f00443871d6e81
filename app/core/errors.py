"""Error pages and the exception services raise for a bad request that must change nothing."""

from flask import Flask, render_template, request


class ServiceError(Exception):
    """A rule refused the change. `message` is already translated and shown to the person."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def register_error_pages(app: Flask) -> None:
    def page(status: int):
        def handler(_error):
            from app.extensions import db

            if status >= 500:
                db.session.rollback()
            if request.path.startswith("/api/"):
                return {"type": "about:blank", "title": _error_title(status), "status": status}, status, {
                    "Content-Type": "application/problem+json"}
            return render_template("errors/error.html", status=status), status
        return handler

    for status in (400, 403, 404, 405, 413, 429, 500):
        app.register_error_handler(status, page(status))


def _error_title(status: int) -> str:
    from flask_babel import gettext as _

    return {
        400: _("That request could not be understood."),
        403: _("You don't have access to this page."),
        404: _("We couldn't find that page."),
        405: _("That action isn't allowed here."),
        413: _("That file is too large."),
        429: _("Too many attempts. Please wait a minute and try again."),
        500: _("Something went wrong on our side."),
    }.get(status, _("Something went wrong on our side."))


error_title = _error_title
