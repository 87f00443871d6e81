"""reviews routes (being built)."""

from flask import Blueprint

bp = Blueprint("reviews", __name__, url_prefix="/reviews")
