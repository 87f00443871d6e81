"""feed routes (being built)."""

from flask import Blueprint

bp = Blueprint("feed", __name__, url_prefix="/feed")
