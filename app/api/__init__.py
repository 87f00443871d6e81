"""The integration API (/api/v1): bearer tokens scoped to stores, problem+json errors, an OpenAPI document;
and the settings page where HR and administrators issue those tokens."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.core.features import Feature, Link, Place
from app.org.models import ORG_WIDE_ROLES

bp = Blueprint("api", __name__, url_prefix="/api/v1")
tokens_bp = Blueprint("api_tokens", __name__, url_prefix="/settings/api-tokens")

feature = Feature(
    name="api",
    uses=("points", "rewards"),
    blueprints=(bp, tokens_bp),
    modules=("app.api.admin_routes",),
    links=(Link(Place.SETTINGS, "api_tokens.index", _l("Integrations"), "key", frozenset(ORG_WIDE_ROLES),
                _l("Tokens for the point-of-sale and other systems."), order=90),),
    cli=("app.api.cli:api_token_cli",),
)
