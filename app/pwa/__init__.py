"""The installable app: web manifest, service worker and the offline page."""

from flask import Blueprint

from app.core.features import Feature

bp = Blueprint("pwa", __name__)

feature = Feature(name="pwa", blueprints=(bp,))
