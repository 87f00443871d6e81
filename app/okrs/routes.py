"""okrs routes (being built)."""

from flask import Blueprint

bp = Blueprint("okrs", __name__, url_prefix="/goals")
