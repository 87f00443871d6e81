"""Schemathesis against the app in-process (WSGI): generated requests to every documented operation, with
a valid all-stores token, never end in a server error, and every response matches the OpenAPI document
(status codes, content types, headers, bodies). Valid and invalid (negative) inputs both.

Driven through hypothesis directly: schemathesis' pytest integration (`from_fixture`) does not run on
pytest 9 (it reads a private `_nodeid`)."""

import warnings

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import make_token

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]
SETTINGS = settings(max_examples=30, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                           HealthCheck.data_too_large])


def _operations(app):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # third-party deprecations at load time
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.slow
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
def test_the_api_conforms_to_its_document(app, org, kpi_library, mode):
    app.config["API_RATE_LIMIT"] = "100000 per minute"
    headers = {"Authorization": f"Bearer {make_token().secret}"}
    operations = _operations(app)
    assert {operation.path for operation in operations} >= {"/kpi-measurements", "/awards"}
    for operation in operations:
        @SETTINGS
        @given(case=operation.as_strategy(generation_mode=mode))
        def run(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        run()
