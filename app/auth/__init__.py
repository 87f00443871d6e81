"""Signing in: passwords, invites, password resets, sessions and the limits on guessing."""

from flask import Blueprint

from app.core.features import Feature

bp = Blueprint("auth", __name__)

feature = Feature(
    name="auth",
    blueprints=(bp,),
)
