"""leaderboards routes (being built)."""

from flask import Blueprint

bp = Blueprint("leaderboards", __name__, url_prefix="/board")
