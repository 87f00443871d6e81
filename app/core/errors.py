"""Error pages, problem documents, and the exception services raise for a bad request that must change
nothing."""

from flask import Flask, Response, current_app, json, render_template, request
from sqlalchemy.exc import DataError, IntegrityError

PROBLEM_MEDIA_TYPE = "application/problem+json"


class ServiceError(Exception):
    """A rule refused the change. `message` is already translated and shown to the person."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def problem_response(status: int, title: str, detail: str | None = None, *, problem_type: str = "about:blank",
                     errors: dict[str, list[str]] | None = None, headers: dict[str, str] | None = None) -> Response:
    """An RFC 9457 problem document, the one way every JSON error is answered (the API's, any failure on an
    /api/ path, push subscriptions): type, title, status, then detail and `errors` (field → messages) when
    there are some."""
    body = {"type": problem_type, "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_MEDIA_TYPE)
    response.headers.update(headers or {})
    return response


def wants_problem() -> bool:
    """The JSON API answers its errors as problem documents, never as pages."""
    return request.path.startswith("/api/")


def register_error_pages(app: Flask) -> None:
    def page(status: int):
        def handler(_error):
            from app.extensions import db

            # Whatever the request wrote before it failed (a body found too large only when a view reads
            # it, a 404 after a flush) is not kept: a refused request changes nothing.
            db.session.rollback()
            if wants_problem():
                return problem_response(status, _error_title(status))
            limit = upload_limit() if status == 413 else None
            return render_template("errors/error.html", status=status, upload_limit=limit), status
        return handler

    for status in (400, 403, 404, 405, 413, 429, 500):
        app.register_error_handler(status, page(status))
    app.register_error_handler(DataError, _unstorable_value)
    app.register_error_handler(IntegrityError, _simultaneous_change)


def _unstorable_value(error: DataError):
    """The database refused a value for its column's type (an id past PostgreSQL's integer range, a NUL
    character in text) that a form or the API let through: bad input, refused whole, not a crash.
    Features should still check their own ranges; this is the net under them, and the log says where."""
    from flask_babel import gettext as _

    _drop_writes()
    current_app.logger.warning("Refused a value the database cannot store: %s", error.orig)
    return _refused(400, _("Something you sent can't be stored: a number that is far too large, or a hidden "
                           "control character. Nothing was saved. Go back and check what you typed."))


def _simultaneous_change(error: IntegrityError):
    """A unique or foreign key the database enforced after the feature's own check had passed: two people
    (or two taps) saving the same code or row at the same moment. The loser is told to look again, not
    shown a crash; the log keeps the constraint, in case it was a missing check rather than a race."""
    from flask_babel import gettext as _

    _drop_writes()
    current_app.logger.warning("Refused a change the database's constraints forbid: %s", error.orig)
    return _refused(409, _("Someone saved the same thing at the same moment, or it already exists. Nothing "
                           "was saved: reload the page and check."))


def _drop_writes() -> None:
    """None of a refused request's writes are kept. First thing: until the session is rolled back nothing can
    read the database, and translating the answer does (the reader's language loads the signed-in person)."""
    from app.extensions import db

    db.session.rollback()


def _refused(status: int, detail: str):
    """The database refused the request's writes (dropped already): the person (or the API client) is told
    why in words, as a page or a problem document."""
    if wants_problem():
        return problem_response(status, _error_title(status), detail)
    return render_template("errors/error.html", status=status, detail=detail), status


def upload_limit() -> str | None:
    """MAX_CONTENT_LENGTH as people read it ("8 MB", "0,5 MB" in Italian): what an upload must stay under."""
    from flask_babel import format_decimal

    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if not limit:
        return None
    return f"{format_decimal(round(limit / (1024 * 1024), 1))} MB"


def _error_title(status: int) -> str:
    from flask_babel import gettext as _

    return {
        400: _("That request could not be understood."),
        403: _("You don't have access to this page."),
        404: _("We couldn't find that page."),
        405: _("That action isn't allowed here."),
        409: _("That changed at the same moment."),
        413: _("That file is too large."),
        429: _("Too many attempts. Please wait a minute and try again."),
        500: _("Something went wrong on our side."),
    }.get(status, _("Something went wrong on our side."))


error_title = _error_title
