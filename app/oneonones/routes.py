"""oneonones routes (being built)."""

from flask import Blueprint

bp = Blueprint("oneonones", __name__, url_prefix="/one-on-ones")
