"""/api/v1: the JSON API for point-of-sale and other store systems. Bearer tokens instead of sessions,
so no CSRF; every error is a problem document (app/api/problems.py); documented in openapi.py."""

import base64
import binascii
from datetime import UTC
from functools import wraps

import sqlalchemy as sa
from flask import current_app, jsonify, request
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address

from app.api import batch, bp, openapi, problems, services, tokens
from app.api.problems import ApiProblem
from app.core import params
from app.core.errors import ServiceError
from app.extensions import csrf, db, limiter
from app.kpis.measurements import MeasurementErrors, save_measurements
from app.points.models import PointEntry

csrf.exempt(bp)
problems.register_problem_handlers(bp)

DEFAULT_PAGE, MAX_PAGE = 20, 100


# -- Authentication and rate limits ------------------------------------------------------------------

def _bearer_secret() -> str | None:
    scheme, _sep, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip() or None


_TOKEN_KEY = "ascent.api_token"  # noqa: S105 - a dictionary key, not a secret


def current_token() -> tokens.LiveToken | None:
    """The request's live token, looked up once per request (the rate limiter asks first). Kept in
    the WSGI environ, which lives exactly as long as the request (`g` can outlive it)."""
    if _TOKEN_KEY not in request.environ:
        secret = _bearer_secret()
        request.environ[_TOKEN_KEY] = tokens.authenticate(secret) if secret else None
    return request.environ[_TOKEN_KEY]


def _rate_limit_key() -> str:
    token = current_token()
    return f"api-token:{token.id}" if token else f"api-ip:{get_remote_address()}"


def _rate_limit() -> str:
    return current_app.config.get("API_RATE_LIMIT", "120 per minute")


limiter.limit(_rate_limit, key_func=_rate_limit_key)(bp)


def token_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if _bearer_secret() is None:
            raise problems.unauthenticated(_("Send the API token as `Authorization: Bearer <token>`."),
                                           invalid=False)
        token = current_token()
        if token is None:
            raise problems.unauthenticated(_("This token is unknown or has been revoked."), invalid=True)
        if tokens.needs_touch(token):
            token_id = token.id
            db.session.commit()  # end the read, so the touch is a short write of its own
            tokens.touch(token_id)
            db.session.commit()
        return view(current_token(), *args, **kwargs)
    return wrapper


# -- Representations ---------------------------------------------------------------------------------

def _timestamp(value) -> str:
    return value.replace(tzinfo=UTC).isoformat().replace("+00:00", "Z")


def award_json(entry: PointEntry, idempotency_key: str) -> dict:
    person = {"id": entry.person_id, "employee_number": entry.person.employee_number}
    return {"id": entry.id, "person": person,
            "points": entry.amount, "reason": entry.reason, "source": entry.source_id,
            "idempotency_key": idempotency_key, "created_at": _timestamp(entry.created_at)}


def entry_json(entry: PointEntry) -> dict:
    return {"id": entry.id, "amount": entry.amount, "kind": entry.kind, "source_type": entry.source_type,
            "source_id": entry.source_id, "reason": entry.reason, "reverses_id": entry.reverses_id,
            "created_at": _timestamp(entry.created_at)}


def encode_cursor(before_id: int) -> str:
    return base64.urlsafe_b64encode(f"before:{before_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    prefix, _sep, number = text.partition(":")
    before_id = params.parse_id(number)
    if prefix != "before" or before_id is None:
        raise problems.malformed(_("That cursor is not one this API handed out."),
                                 errors={"cursor": [_("Use next_cursor from the previous page, unchanged.")]})
    return before_id


def _json_body():
    """The parsed JSON body, or a 400 problem. Nesting deeper than Python's parser goes ends in
    RecursionError, which `silent=True` does not catch (it is no ValueError): still only bad input."""
    try:
        body = request.get_json(silent=True)
    except RecursionError:
        body = None
    if body is None:
        raise problems.malformed(_("The body is not valid JSON."))
    return body


# -- Endpoints ---------------------------------------------------------------------------------------

@bp.get("/openapi.json")
def openapi_document():
    return jsonify(openapi.document())


@bp.post("/awards")
@token_required
def create_award(token: tokens.LiveToken):
    key = request.headers.get("Idempotency-Key")
    if not services.valid_idempotency_key(key):
        raise problems.malformed(_("Every award needs an Idempotency-Key header, unique per award."), errors={
            "Idempotency-Key": [_("Required: 1 to %(n)d visible ASCII characters.", n=services.MAX_KEY)]})
    if not request.is_json:
        raise ApiProblem(415, _("Unsupported media type"), _("Send the award as JSON (application/json)."),
                         kind="malformed")
    body = _json_body()
    try:
        outcome = services.award_points(token, key, body)
    except services.InvalidFields as error:
        raise problems.validation(error.errors) from error
    except services.OutOfScope as error:
        raise problems.out_of_scope() from error
    except services.KeyReused as error:
        raise ApiProblem(409, _("Idempotency-Key reused"), error.message,
                         kind="idempotency_conflict") from error
    except ServiceError as error:
        raise problems.validation({error.field or "body": [error.message]}) from error
    # Read while the rows are still in the session: after commit they expire, and reading them back
    # would open a second transaction (on SQLite, a second wait for the write lock).
    award = award_json(outcome.entry, key)
    db.session.commit()
    response = jsonify(award)
    if outcome.created:
        response.status_code = 201
    else:
        response.headers["Idempotent-Replayed"] = "true"
    return response


# A batch locks many receivers; PostgreSQL may still find two transactions waiting on each other (a key
# reused with another person by a concurrent call) and abort one. It then runs again from the start.
DEADLOCK_ATTEMPTS = 3


def _deadlocked(error: sa.exc.DBAPIError) -> bool:
    return getattr(error.orig, "sqlstate", None) == "40P01"


def _batch_refused(refused: batch.BatchRefused) -> ApiProblem:
    """Every problem of the batch in one document; the status says the worst kind present."""
    nothing = _("Nothing was paid. Fix the awards listed in `errors` and send the whole batch again.")
    if batch.Kind.OUT_OF_SCOPE in refused.kinds:
        return ApiProblem(403, _("Outside this token's stores"), nothing, kind="out_of_scope", errors=refused.errors)
    if batch.Kind.INVALID in refused.kinds:
        return problems.validation(refused.errors, nothing)
    return ApiProblem(409, _("Idempotency-Key reused"), nothing, kind="idempotency_conflict", errors=refused.errors)


@bp.post("/awards/batch")
@token_required
def create_award_batch(token: tokens.LiveToken):
    if not request.is_json:
        raise ApiProblem(415, _("Unsupported media type"), _("Send the awards as JSON (application/json)."),
                         kind="malformed")
    body = _json_body()
    for attempt in range(1, DEADLOCK_ATTEMPTS + 1):
        try:
            outcomes = batch.award_batch(token, body)
            break
        except services.InvalidFields as error:
            raise problems.validation(error.errors) from error
        except batch.BatchRefused as refused:
            raise _batch_refused(refused) from refused
        except sa.exc.DBAPIError as error:
            if attempt == DEADLOCK_ATTEMPTS or not _deadlocked(error):
                raise
            db.session.rollback()
    # Read before commit, as for a single award.
    awards = [{**award_json(outcome.entry, outcome.key), "status": "created" if outcome.created else "replayed"}
              for outcome in outcomes]
    created = sum(outcome.created for outcome in outcomes)
    db.session.commit()
    return jsonify({"created": created, "replayed": len(awards) - created, "awards": awards})


def _person(token: tokens.LiveToken, person_id: int):
    try:
        person = services.person_in_scope(token, person_id)
    except services.OutOfScope as error:
        raise problems.out_of_scope() from error
    if person is None:
        raise problems.not_found(_("No person has the id %(id)d.", id=person_id))
    return person


@bp.get("/people/<int:person_id>/points")
@token_required
def person_points(token: tokens.LiveToken, person_id: int):
    return jsonify(services.points_summary(_person(token, person_id)))


@bp.get("/people/<int:person_id>/ledger")
@token_required
def person_ledger(token: tokens.LiveToken, person_id: int):
    person = _person(token, person_id)
    raw_limit = request.args.get("limit")
    limit = DEFAULT_PAGE if raw_limit is None else params.parse_int(raw_limit, minimum=1, maximum=MAX_PAGE)
    if limit is None:
        raise problems.malformed(_("limit must be a whole number from 1 to %(n)d.", n=MAX_PAGE),
                                 errors={"limit": [_("From 1 to %(n)d.", n=MAX_PAGE)]})
    cursor = request.args.get("cursor")
    before_id = decode_cursor(cursor) if cursor else None
    entries, next_before = services.ledger_page(person, before_id=before_id, limit=limit)
    return jsonify({"items": [entry_json(entry) for entry in entries],
                    "next_cursor": encode_cursor(next_before) if next_before else None})


# -- KPI measurements --------------------------------------------------------------------------------

@bp.post("/kpi-measurements")
@token_required
def save_kpi_measurements(token: tokens.LiveToken):
    """Store-level (or per-person) daily values from a till or footfall counter. Sending the same store,
    KPI, day (and person) again replaces the value: retries never double a day."""
    if not request.is_json:
        raise ApiProblem(415, _("Unsupported media type"), _("Send the measurements as JSON (application/json)."),
                         kind="malformed")
    body = _json_body()
    try:
        result = save_measurements(services.measurement_items(body), source="api",
                                   allowed_store_ids=tokens.store_ids(token))
    except services.InvalidFields as error:
        raise problems.validation(error.errors) from error
    except MeasurementErrors as failed:
        if failed.out_of_scope:
            raise problems.out_of_scope(_("This token may only send measurements for the stores it was created "
                                          "for.")) from failed
        raise problems.validation(services.measurement_errors(failed),
                                  _("Nothing was saved. Fix the items listed in `errors` and send the whole "
                                    "batch again.")) from failed
    db.session.commit()
    return jsonify({"saved": result.count, "measurements": [
        {"store": item.store.code, "kpi": item.kpi.code, "date": item.day.isoformat(), "value": item.value,
         "person": item.person.employee_number if item.person else None} for item in result.saved]})
