"""The OpenAPI 3.1 description of /api/v1, served at /api/v1/openapi.json. Tests check it against the
specification and against the URL map, so a route can't drift from its documentation."""

from copy import deepcopy

from app.api.batch import MAX_ITEMS as MAX_BATCH
from app.api.problems import TYPES
from app.api.services import MAX_KEY, MAX_SOURCE
from app.core.errors import PROBLEM_MEDIA_TYPE
from app.kpis.measurements import MAX_ITEMS as MAX_MEASUREMENTS
from app.points.ledger import MAX_REASON


def _problem(description: str, example: dict) -> dict:
    return {"description": description,
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"},
                                             "example": example}}}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/responses/{name}"}


def _json(description: str, schema: str, **extra) -> dict:
    """A JSON response whose body is one of the document's schemas."""
    return {"description": description, **extra,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}}


# What a POST answers to a body that is not JSON.
_NOT_JSON = _problem("The body is not JSON.", {
    "type": TYPES["malformed"], "title": "Unsupported media type", "status": 415})


# An award's fields, in POST /awards' body and in each item of a batch.
_AWARD_FIELDS = {
    "employee_number": {"type": "string", "minLength": 1, "maxLength": 254},
    "email": {"type": "string", "format": "email", "maxLength": 254},
    "points": {"type": "integer", "minimum": 1},
    "reason": {"type": "string", "minLength": 1, "maxLength": MAX_REASON,
               "description": "Shown to the person in their points history."},
    "source": {"type": "string", "minLength": 1, "maxLength": MAX_SOURCE,
               "description": "Which system or device sent it; stored with the entry."},
}

PERSON_ID = {"name": "id", "in": "path", "required": True, "description": "The person's id in Ascent.",
             "schema": {"type": "integer", "minimum": 1}}

_DOCUMENT = {
    "openapi": "3.1.0",
    "info": {
        "title": "Ascent integration API",
        "version": "1.0.0",
        "summary": "Award points from store systems, read people's points and send store KPIs.",
        "description": (
            "Authenticate with a bearer token created by HR (Settings → API tokens, or "
            "`flask api-token create`). A token reaches all stores or the stores it was created for. "
            "Every error is an RFC 9457 problem document (`application/problem+json`); validation "
            "problems list messages per field in `errors`. Requests are rate-limited per token "
            "(429 with Retry-After)."),
    },
    "servers": [{"url": "/api/v1"}],
    "security": [{"bearerToken": []}],
    "tags": [{"name": "points", "description": "Awards, balances and the ledger."},
             {"name": "kpis", "description": "Daily store KPI values from tills and counters."},
             {"name": "meta", "description": "This document."}],
    "paths": {
        "/awards": {
            "post": {
                "operationId": "createAward",
                "tags": ["points"],
                "summary": "Award points to a person, once per Idempotency-Key",
                "description": (
                    "The first call with a key pays and answers 201. A repeat with the same key and body "
                    "answers 200 with the original award and pays nothing (header `Idempotent-Replayed: "
                    "true`). The same key with another body is a 409. Keys are scoped to the token. "
                    "Awards count towards the per-award maximum and the daily cap on discretionary points."),
                "parameters": [{
                    "name": "Idempotency-Key", "in": "header", "required": True,
                    "description": "Unique per award, e.g. the till's transaction id. Visible ASCII.",
                    "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY,
                               "pattern": "^[\\x21-\\x7E]+$"},
                }],
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/AwardRequest"},
                    "example": {"employee_number": "E1001", "points": 20, "reason": "Loyalty card sign-up",
                                "source": "pos-milano-duomo-till-3"}}}},
                "responses": {
                    "201": _json("Awarded.", "Award"),
                    "200": _json("A repeat of an earlier call: the original award, nothing paid.", "Award",
                                 headers={"Idempotent-Replayed": {"schema": {"type": "string", "const": "true"}}}),
                    "400": _ref("Malformed"),
                    "401": _ref("Unauthenticated"),
                    "403": _ref("OutOfScope"),
                    "409": _problem("The Idempotency-Key was used before with a different body.", {
                        "type": TYPES["idempotency_conflict"], "title": "Idempotency-Key reused",
                        "status": 409,
                        "detail": "This Idempotency-Key was already used with a different request body."}),
                    "415": _NOT_JSON,
                    "422": _ref("ValidationFailed"),
                    "429": _ref("RateLimited"),
                },
            },
        },
        "/awards/batch": {
            "post": {
                "operationId": "createAwardBatch",
                "tags": ["points"],
                "summary": "Award points for up to 500 sales at once, all or nothing",
                "description": (
                    f"For tills and point-of-sale systems that send in batches: up to {MAX_BATCH} awards, each "
                    "with its own `idempotency_key` (what the Idempotency-Key header is for POST /awards: the "
                    "same keys, per token, whichever endpoint sent them). Every item is checked first: its "
                    "fields as for POST /awards, its key (required, once per batch), the person (found, in "
                    "this token's stores) and the same limits as a single award — the per-award maximum and "
                    "the daily cap, which counts the batch's earlier awards to the same person. One bad item "
                    "and nothing is paid: `errors` lists every problem by item path (`awards[3].points`); the "
                    "status is 403 when any item names a person outside the token's stores, otherwise 422, "
                    "or 409 when the only problems are keys that already paid a different award. Otherwise "
                    "every award is paid in one transaction and the answer lists each item's award in the "
                    "batch's order, `created` or `replayed` (the key had paid this same award before: its "
                    "original award, nothing paid again). Sending a batch again is safe: every item replays. "
                    "A batch counts as one request towards the rate limit."),
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/AwardBatch"},
                    "example": {"awards": [
                        {"idempotency_key": "MI01-3-20261120-0042", "employee_number": "E1001", "points": 20,
                         "reason": "Loyalty card sign-up", "source": "pos-milano-duomo-till-3"},
                        {"idempotency_key": "MI01-3-20261120-0043", "email": "sara.staff@example.com",
                         "points": 5, "reason": "Warranty extension sold", "source": "pos-milano-duomo-till-3"},
                    ]}}}},
                "responses": {
                    "200": _json("Every award paid (`created`) or already paid by its key (`replayed`).",
                                 "AwardBatchResult"),
                    "400": _ref("Malformed"),
                    "401": _ref("Unauthenticated"),
                    "403": _problem("An item names a person outside this token's stores. Nothing was paid; "
                                    "`errors` lists every problem of the batch.", {
                                        "type": TYPES["out_of_scope"], "title": "Outside this token's stores",
                                        "status": 403, "errors": {"awards[4].employee_number": [
                                            "This token may only reach people in the stores it was created "
                                            "for."]}}),
                    "409": _problem("The only problems are keys used before with a different award. Nothing "
                                    "was paid.", {
                                        "type": TYPES["idempotency_conflict"], "title": "Idempotency-Key reused",
                                        "status": 409, "errors": {"awards[0].idempotency_key": [
                                            "This Idempotency-Key was already used with a different request "
                                            "body. Use a new key for a new award."]}}),
                    "415": _NOT_JSON,
                    "422": _problem(f"One or more items are invalid, or the batch is empty or has more than "
                                    f"{MAX_BATCH} awards. Nothing was paid.", {
                                        "type": TYPES["validation"], "title": "The request has invalid fields",
                                        "status": 422, "errors": {
                                            "awards[1].points": ["Sara can receive at most 300 discretionary "
                                                                 "points a day; 40 left today."],
                                            "awards[2].idempotency_key": ["awards[0] has this key too: each "
                                                                          "award needs its own."]}}),
                    "429": _ref("RateLimited"),
                },
            },
        },
        "/people/{id}/points": {
            "get": {
                "operationId": "getPersonPoints",
                "tags": ["points"],
                "summary": "A person's lifetime points, spendable balance and journey stage",
                "parameters": [PERSON_ID],
                "responses": {
                    "200": _json("The totals.", "PointsSummary"),
                    "401": _ref("Unauthenticated"),
                    "403": _ref("OutOfScope"),
                    "404": _ref("NotFound"),
                    "429": _ref("RateLimited"),
                },
            },
        },
        "/people/{id}/ledger": {
            "get": {
                "operationId": "listPersonLedger",
                "tags": ["points"],
                "summary": "A person's ledger entries, newest first",
                "description": "Cursor pagination: pass `next_cursor` back as `cursor` until it is null.",
                "parameters": [
                    PERSON_ID,
                    {"name": "cursor", "in": "query", "required": False,
                     "description": "Opaque; `next_cursor` of the previous page.",
                     "schema": {"type": "string"}},
                    {"name": "limit", "in": "query", "required": False, "description": "Entries per page.",
                     "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}},
                ],
                "responses": {
                    "200": _json("One page.", "LedgerPage"),
                    "400": _ref("Malformed"),
                    "401": _ref("Unauthenticated"),
                    "403": _ref("OutOfScope"),
                    "404": _ref("NotFound"),
                    "429": _ref("RateLimited"),
                },
            },
        },
        "/kpi-measurements": {
            "post": {
                "operationId": "saveKpiMeasurements",
                "tags": ["kpis"],
                "summary": "Save daily KPI values for stores (or people in them), replacing earlier ones",
                "description": (
                    "One or many values per call. Each is a base KPI (sales, transactions, footfall, "
                    "units_sold, returns, customer_satisfaction…) for one store and day, optionally for one "
                    "person (employee number). Sending the same store, KPI, day and person again replaces "
                    "the value: retries never double a day. Ratio KPIs (conversion rate, average transaction "
                    "value…) are computed from their parts and can't be sent. Every item is checked first: "
                    "one bad item (unknown store or KPI, a negative count, a date in the future in the "
                    "store's time zone, a value that is not a number) and nothing is saved; `errors` lists "
                    "each bad item as `measurements[i].field`. A token limited to some stores gets 403 for "
                    "any other store."),
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/KpiMeasurementBatch"},
                    "example": {"measurements": [
                        {"store": "MI01", "kpi": "sales", "date": "2026-11-20", "value": 18250.5},
                        {"store": "MI01", "kpi": "footfall", "date": "2026-11-20", "value": 1460},
                        {"store": "MI01", "kpi": "units_sold", "date": "2026-11-20", "value": 41,
                         "person": "E1001"}]}}}},
                "responses": {
                    "200": _json("Saved (new values created, earlier ones replaced).", "KpiMeasurementsSaved"),
                    "400": _ref("Malformed"),
                    "401": _ref("Unauthenticated"),
                    "403": _problem("A measurement names a store outside this token's stores. Nothing was "
                                    "saved.", {"type": TYPES["out_of_scope"], "title": "Outside this token's "
                                               "stores", "status": 403}),
                    "415": _NOT_JSON,
                    "422": _problem("One or more items are invalid; nothing was saved.", {
                        "type": TYPES["validation"], "title": "The request has invalid fields", "status": 422,
                        "errors": {"measurements[1].value": ["Footfall can't be negative."],
                                   "measurements[2].kpi": ["Conversion rate is computed from its parts: "
                                                           "send those instead."]}}),
                    "429": _ref("RateLimited"),
                },
            },
        },
        "/openapi.json": {
            "get": {
                "operationId": "getOpenApiDocument",
                "tags": ["meta"],
                "summary": "This document",
                "security": [],
                "responses": {
                    "200": {"description": "The OpenAPI 3.1 document.",
                            "content": {"application/json": {"schema": {"type": "object"}}}},
                    "429": _ref("RateLimited"),
                },
            },
        },
    },
    "components": {
        "securitySchemes": {
            "bearerToken": {"type": "http", "scheme": "bearer",
                            "description": "A token created by HR; shown once when created."},
        },
        "schemas": {
            "AwardRequest": {
                "type": "object",
                "description": "Name the person by exactly one of employee_number or email.",
                "properties": _AWARD_FIELDS,
                "required": ["points", "reason", "source"],
                "oneOf": [{"required": ["employee_number"]}, {"required": ["email"]}],
                "additionalProperties": False,
            },
            "Award": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer", "description": "The ledger entry's id."},
                    "person": {"type": "object", "required": ["id", "employee_number"], "properties": {
                        "id": {"type": "integer"}, "employee_number": {"type": "string"}}},
                    "points": {"type": "integer"},
                    "reason": {"type": "string"},
                    "source": {"type": ["string", "null"]},
                    "idempotency_key": {"type": "string"},
                    "created_at": {"type": "string", "format": "date-time"},
                },
                "required": ["id", "person", "points", "reason", "source", "idempotency_key", "created_at"],
            },
            "AwardBatch": {
                "type": "object",
                "properties": {"awards": {
                    "type": "array", "minItems": 1, "maxItems": MAX_BATCH,
                    "items": {"$ref": "#/components/schemas/AwardBatchItem"}}},
                "required": ["awards"],
                "additionalProperties": False,
            },
            "AwardBatchItem": {
                "type": "object",
                "description": "An award as POST /awards takes it, with its Idempotency-Key as a field. Name "
                               "the person by exactly one of employee_number or email.",
                "properties": {
                    "idempotency_key": {"type": "string", "minLength": 1, "maxLength": MAX_KEY,
                                        "pattern": "^[\\x21-\\x7E]+$",
                                        "description": "Unique per award, e.g. the till's transaction id."},
                    **_AWARD_FIELDS,
                },
                "required": ["idempotency_key", "points", "reason", "source"],
                "oneOf": [{"required": ["employee_number"]}, {"required": ["email"]}],
                "additionalProperties": False,
            },
            "AwardBatchResult": {
                "type": "object",
                "properties": {
                    "created": {"type": "integer", "minimum": 0, "description": "Awards paid by this batch."},
                    "replayed": {"type": "integer", "minimum": 0,
                                 "description": "Items whose key had already paid this same award."},
                    "awards": {"type": "array", "description": "One per item, in the batch's order.", "items": {
                        "allOf": [{"$ref": "#/components/schemas/Award"}, {
                            "type": "object",
                            "properties": {"status": {"type": "string", "enum": ["created", "replayed"]}},
                            "required": ["status"]}]}},
                },
                "required": ["created", "replayed", "awards"],
            },
            "PointsSummary": {
                "type": "object",
                "properties": {
                    "person_id": {"type": "integer"},
                    "lifetime": {"type": "integer",
                                 "description": "Every point ever earned; never goes down."},
                    "balance": {"type": "integer", "minimum": 0, "description": "What is left to spend."},
                    "stage": {"type": "string", "description": "The journey stage's key, e.g. onboarding."},
                },
                "required": ["person_id", "lifetime", "balance", "stage"],
            },
            "LedgerEntry": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "amount": {"type": "integer", "description": "Signed: earn > 0, spend < 0."},
                    "kind": {"type": "string", "enum": ["earn", "spend", "reversal"]},
                    "source_type": {"type": "string", "description": "mission, kudos, api, redemption…"},
                    "source_id": {"type": ["string", "null"]},
                    "reason": {"type": "string"},
                    "reverses_id": {"type": ["integer", "null"]},
                    "created_at": {"type": "string", "format": "date-time"},
                },
                "required": ["id", "amount", "kind", "source_type", "source_id", "reason", "reverses_id",
                             "created_at"],
            },
            "LedgerPage": {
                "type": "object",
                "properties": {
                    "items": {"type": "array", "items": {"$ref": "#/components/schemas/LedgerEntry"}},
                    "next_cursor": {"type": ["string", "null"]},
                },
                "required": ["items", "next_cursor"],
            },
            "KpiMeasurement": {
                "type": "object",
                "properties": {
                    "store": {"type": "string", "minLength": 1, "maxLength": 20, "description": "Store code."},
                    "kpi": {"type": "string", "minLength": 1, "maxLength": 40,
                            "description": "Code of a base KPI, e.g. sales or footfall."},
                    "date": {"type": "string", "format": "date",
                             "description": "The day measured (YYYY-MM-DD), not in the future."},
                    "value": {"type": "number", "description": "Counts are whole numbers and never negative."},
                    "person": {"type": ["string", "null"], "maxLength": 32,
                               "description": "An employee number of someone in that store, for a "
                                              "per-person value; leave out for the store's own value."},
                },
                "required": ["store", "kpi", "date", "value"],
                "additionalProperties": False,
            },
            "KpiMeasurementBatch": {
                "type": "object",
                "properties": {"measurements": {
                    "type": "array", "minItems": 1, "maxItems": MAX_MEASUREMENTS,
                    "items": {"$ref": "#/components/schemas/KpiMeasurement"}}},
                "required": ["measurements"],
                "additionalProperties": False,
            },
            "KpiMeasurementsSaved": {
                "type": "object",
                "properties": {
                    "saved": {"type": "integer", "minimum": 0,
                              "description": "Values written (an item repeated in the batch counts once)."},
                    "measurements": {"type": "array", "items": {
                        "type": "object",
                        "properties": {"store": {"type": "string"}, "kpi": {"type": "string"},
                                       "date": {"type": "string", "format": "date"}, "value": {"type": "number"},
                                       "person": {"type": ["string", "null"]}},
                        "required": ["store", "kpi", "date", "value", "person"]}},
                },
                "required": ["saved", "measurements"],
            },
            "Problem": {
                "type": "object",
                "description": "RFC 9457 problem details.",
                "properties": {
                    "type": {"type": "string", "format": "uri-reference",
                             "enum": ["about:blank", *sorted(TYPES.values())]},
                    "title": {"type": "string"},
                    "status": {"type": "integer", "minimum": 400, "maximum": 599},
                    "detail": {"type": "string"},
                    "errors": {"type": "object",
                               "description": "Field (or header, or query parameter) → messages.",
                               "additionalProperties": {"type": "array", "items": {"type": "string"}}},
                },
                "required": ["type", "title", "status"],
            },
        },
        "responses": {
            "Malformed": _problem("The request itself is malformed: a missing header, broken JSON, a bad "
                                  "query parameter.", {
                                      "type": TYPES["malformed"], "title": "Malformed request", "status": 400,
                                      "errors": {"Idempotency-Key": ["Required."]}}),
            "ValidationFailed": _problem(
                "Fields are missing, of the wrong type or out of range, the person is unknown, or a limit "
                "refuses the award. Nothing was changed.", {
                    "type": TYPES["validation"], "title": "The request has invalid fields", "status": 422,
                    "errors": {"points": ["Must be above zero."]}}),
            "Unauthenticated": {**_problem("No token, or an unknown or revoked one.", {
                "type": TYPES["unauthenticated"], "title": "Authentication required", "status": 401}),
                "headers": {"WWW-Authenticate": {"schema": {"type": "string"}}}},
            "OutOfScope": _problem("The person is outside the stores this token may reach.", {
                "type": TYPES["out_of_scope"], "title": "Outside this token's stores", "status": 403}),
            "NotFound": _problem("No person has this id.", {
                "type": TYPES["not_found"], "title": "Not found", "status": 404}),
            "RateLimited": {**_problem("Too many requests for this token; retry later.", {
                "type": TYPES["rate_limited"], "title": "Too many requests", "status": 429}),
                "headers": {"Retry-After": {"schema": {"type": "integer"}}}},
        },
    },
}


def document() -> dict:
    return deepcopy(_DOCUMENT)
