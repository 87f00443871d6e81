"""kpis routes (being built)."""

from flask import Blueprint

bp = Blueprint("kpis", __name__, url_prefix="/kpis")
