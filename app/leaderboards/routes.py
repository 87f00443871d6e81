"""The Board tab: store, district and company boards by week, month and all time, refreshed live; the
home card's standing; the privacy setting on "Me"; `flask leaderboards rebuild`."""

import click
from flask import abort, flash, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.core import features, params
from app.core.htmx import is_fragment_request, render, see_other
from app.extensions import db
from app.leaderboards import access, bp, live, periods, queries, scores
from app.org.models import ORG_WIDE_ROLES, Role

# The associate's tab; other roles open the board from its URL (their tab bars are full).

SCOPE_LABELS = {access.STORE: _l("Store"), access.DISTRICT: _l("District"), access.COMPANY: _l("Company")}
PERIOD_LABELS = {periods.WEEK: _l("This week"), periods.MONTH: _l("This month"), periods.ALL_TIME: _l("All time")}


def home_card_context(person) -> dict:
    """The person's place on their store's weekly board, for the home card (None without a store)."""
    return {"standing": queries.standing(person)}


@bp.app_template_global("board_watch_room")
def board_watch_room(kind: str, scope_id: int | None = None) -> str:
    """For data-live-watch: the board's hints reach only the pages that show it."""
    return live.watch_room(kind, scope_id)


@bp.app_template_global("leaderboard_hidden")
def leaderboard_hidden(person) -> bool:
    return scores.is_hidden(person.id)


def _choices(viewer, scope: str) -> list[tuple[int, str]]:
    """Stores or districts to pick from, for the people who can open more than their own."""
    if scope == access.STORE and viewer.role in (Role.DISTRICT_MANAGER, *ORG_WIDE_ROLES):
        return access.store_choices(viewer)
    if scope == access.DISTRICT and viewer.role in ORG_WIDE_ROLES:
        return access.district_choices(viewer)
    return []


@bp.get("/")
@login_required
def board():
    scope = request.args.get("scope") or access.default_scope(current_user)
    period = request.args.get("period") or periods.WEEK
    scope_id = params.id_arg("id")
    if scope not in access.SCOPES or period not in periods.PERIODS:
        abort(404)
    found = queries.board(current_user, scope, period, scope_id)
    if found is None:
        abort(404)
    return render("leaderboards/board.html", "leaderboards/_board.html", board=found,
                  choices=_choices(current_user, scope), scope_labels=SCOPE_LABELS, period_labels=PERIOD_LABELS,
                  has_store=current_user.store_id is not None)


@bp.get("/card")
@login_required
def card():
    """The home card alone: what its live refresh fetches, because the board changed. So it reads afresh,
    and the home's kept copy (HomeCard.kept) is dropped for the next page too."""
    features.forget_kept_cards(current_user.id)
    return render_template("leaderboards/_home_card.html", **home_card_context(current_user))


@bp.post("/privacy")
@login_required
def privacy():
    hidden = request.form.get("hidden") == "1"
    scores.set_hidden(current_user, hidden)
    db.session.commit()
    message = (_("Done: only you see your rank on district and company boards.") if hidden
               else _("Done: you're back on district and company boards."))
    if is_fragment_request():
        return render_template("leaderboards/_privacy.html", done=message)
    flash(message, "success")
    return see_other("home.me")


@bp.cli.command("rebuild")
def rebuild_command():
    """Recompute every board score from the points ledger."""
    written = scores.rebuild_scores()
    db.session.commit()
    click.echo(f"Board scores rebuilt: {written} rows.")
