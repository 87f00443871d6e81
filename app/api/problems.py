"""Errors as RFC 9457 problem details: `application/problem+json` with type, title, status, detail, and
`errors` (field → messages) for validation problems. Every error an /api/v1 view can end in goes
through here."""

from flask import Blueprint, Response
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException, default_exceptions

from app.core.errors import error_title, problem_response

_BASE = "tag:ascent.app,2026:problems/"
# Problem types beyond a plain HTTP status; "about:blank" means "nothing more than the status says".
TYPES = {
    "malformed": _BASE + "malformed-request",
    "validation": _BASE + "validation-failed",
    "unauthenticated": _BASE + "unauthenticated",
    "out_of_scope": _BASE + "out-of-scope",
    "not_found": _BASE + "not-found",
    "idempotency_conflict": _BASE + "idempotency-key-reused",
    "rate_limited": _BASE + "rate-limited",
}


class ApiProblem(Exception):
    """Raised by API views (never by services) to end the request with a problem document."""

    def __init__(self, status: int, title: str, detail: str | None = None, *, kind: str | None = None,
                 errors: dict[str, list[str]] | None = None, headers: dict[str, str] | None = None):
        super().__init__(detail or title)
        self.status, self.title, self.detail = status, title, detail
        self.type = TYPES[kind] if kind else "about:blank"
        self.errors, self.headers = errors, headers or {}

    def response(self) -> Response:
        return problem_response(self.status, self.title, self.detail, problem_type=self.type, errors=self.errors,
                                headers=self.headers)


def unauthenticated(detail: str, *, invalid: bool) -> ApiProblem:
    challenge = 'Bearer realm="ascent"' + (', error="invalid_token"' if invalid else "")
    return ApiProblem(401, _("Authentication required"), detail, kind="unauthenticated",
                      headers={"WWW-Authenticate": challenge})


def validation(errors: dict[str, list[str]], detail: str | None = None) -> ApiProblem:
    return ApiProblem(422, _("The request has invalid fields"),
                      detail or _("Fix the fields listed in `errors` and send the request again."),
                      kind="validation", errors=errors)


def malformed(detail: str, errors: dict[str, list[str]] | None = None) -> ApiProblem:
    return ApiProblem(400, _("Malformed request"), detail, kind="malformed", errors=errors)


def not_found(detail: str) -> ApiProblem:
    return ApiProblem(404, _("Not found"), detail, kind="not_found")


def out_of_scope(detail: str | None = None) -> ApiProblem:
    return ApiProblem(403, _("Outside this token's stores"),
                      detail or _("This token may only reach people in the stores it was created for."),
                      kind="out_of_scope")


def _api_title(status: int) -> str:
    return {
        404: _("Not found"),
        405: _("Method not allowed"),
        413: _("Request too large"),
        429: _("Too many requests"),
    }.get(status) or str(error_title(status))


def register_problem_handlers(bp: Blueprint) -> None:
    @bp.errorhandler(ApiProblem)
    def _problem(problem: ApiProblem):
        from app.extensions import db

        db.session.rollback()
        return problem.response()

    def _http(error: HTTPException):
        from app.extensions import db

        db.session.rollback()
        status = error.code or 500
        kind = "rate_limited" if status == 429 else None
        detail = _("Slow down: this token has sent too many requests. Retry after the time in Retry-After.") \
            if status == 429 else None
        problem = ApiProblem(status, _api_title(status), detail, kind=kind)
        response = problem.response()
        for name, value in error.get_headers():
            if name.lower() not in ("content-type", "content-length"):
                response.headers[name] = value
        return response

    # By status code as well as by class: Flask prefers the app's handler for a code (errors.py has
    # some) over a blueprint's handler for a class.
    bp.register_error_handler(HTTPException, _http)
    for code in default_exceptions:
        bp.register_error_handler(code, _http)
