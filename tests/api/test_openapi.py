"""The OpenAPI document is valid OpenAPI 3.1 and matches the URL map, both ways."""

import re

from openapi_spec_validator import validate

from app.api.openapi import document

METHODS = {"get", "post", "put", "patch", "delete"}


def _flask_path(openapi_path: str) -> str:
    return "/api/v1" + re.sub(r"\{[^}]+\}", "<>", openapi_path)


def _rules(app) -> dict[str, set[str]]:
    rules = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            path = re.sub(r"<[^>]+>", "<>", rule.rule)
            rules.setdefault(path, set()).update(m.lower() for m in rule.methods - {"HEAD", "OPTIONS"})
    return rules


def test_the_document_is_valid_openapi_3_1(client):
    served = client.get("/api/v1/openapi.json").get_json()
    assert served == document()
    assert served["openapi"].startswith("3.1")
    validate(served)


def test_every_documented_operation_exists(app):
    rules = _rules(app)
    for path, operations in document()["paths"].items():
        flask_path = _flask_path(path)
        assert flask_path in rules, f"{path} is documented but not routed"
        assert set(operations) & METHODS <= rules[flask_path], path


def test_every_api_route_is_documented(app):
    documented = {_flask_path(path): set(ops) & METHODS for path, ops in document()["paths"].items()}
    for path, methods in _rules(app).items():
        assert methods <= documented.get(path, set()), f"{path} {methods} is routed but not documented"


def test_every_operation_documents_its_errors():
    for path, operations in document()["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert "429" in codes, (path, method)
            if operation.get("security") != []:
                assert "401" in codes, (path, method)
            if "{id}" in path:
                assert {"403", "404"} <= codes, (path, method)
    assert {"400", "403", "409", "415", "422"} <= set(document()["paths"]["/awards"]["post"]["responses"])


def test_documented_path_parameters_match_the_route(app):
    for path, operations in document()["paths"].items():
        names = set(re.findall(r"\{([^}]+)\}", path))
        for operation in operations.values():
            declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert declared == names, path
