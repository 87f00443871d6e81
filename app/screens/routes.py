"""screens routes (being built)."""

from flask import Blueprint

bp = Blueprint("screens", __name__, url_prefix="/tv")
