"""leagues routes (being built)."""

from flask import Blueprint

bp = Blueprint("leagues", __name__, url_prefix="/leagues")
