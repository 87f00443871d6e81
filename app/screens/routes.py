"""TV mode. Managers create and revoke screen links for their stores (/tv/screens); a TV opens its link
(/tv/<token>) without signing in and shows the store's live board: the week's leaderboard, running
challenges and today's KPIs, display names only. The token is the credential: unknown or revoked → 404."""

from flask import abort, flash, render_template
from flask_babel import gettext as _
from flask_login import current_user

from app.core import realtime
from app.core.actions import attempt
from app.core.forms import choices
from app.core.htmx import see_other
from app.core.links import external_url
from app.extensions import db
from app.org import authz
from app.org.queries import store_choices
from app.screens import bp, queries, services
from app.screens.forms import ScreenForm

# Socket events that make a TV re-fetch its board; of those, the frequent ones reach only the sockets that
# watch the store's room for them (app.core.realtime.watch_room).
LIVE_EVENTS = "board-changed challenge-changed kpis-changed"
WATCHED_EVENTS = ("board-changed",)

realtime.register_socket_authenticator(services.socket_rooms)


# -- Managing screens ---------------------------------------------------------------------------------

def _form() -> ScreenForm:
    form = ScreenForm()
    form.store_id.choices = choices((store.id, store.name) for store in store_choices(current_user))
    if current_user.store_id is not None and form.store_id.data is None:
        form.store_id.data = current_user.store_id
    return form


def _manage_page(form: ScreenForm, created=None, status: int = 200):
    return render_template("screens/manage.html", form=form, screens=queries.screens_for(current_user),
                           created=created,
                           created_url=external_url("screens.tv", screen_token=created.token)
                           if created else None), status


@bp.get("/screens")
@authz.roles_required(*authz.PEOPLE_MANAGERS)
def manage():
    return _manage_page(_form())


@bp.post("/screens")
@authz.roles_required(*authz.PEOPLE_MANAGERS)
def create():
    """The link is in this response only (never flashed: the session cookie is signed, not encrypted)."""
    form = _form()
    if form.validate_on_submit():
        with attempt(form) as outcome:
            created = services.create_screen(current_user, form.store_id.data, form.name.data)
        if outcome.ok:
            return _manage_page(_form(), created)
    return _manage_page(form, status=422)


@bp.get("/screens/<int:screen_id>/revoke")
@authz.roles_required(*authz.PEOPLE_MANAGERS)
def confirm_revoke(screen_id: int):
    screen = queries.manageable_screen_or_none(current_user, screen_id) or abort(404)
    return render_template("screens/revoke.html", screen=screen)


@bp.post("/screens/<int:screen_id>/revoke")
@authz.roles_required(*authz.PEOPLE_MANAGERS)
def revoke(screen_id: int):
    screen = queries.manageable_screen_or_none(current_user, screen_id) or abort(404)
    if services.revoke_screen(current_user, screen):
        db.session.commit()
        flash(_("%(name)s is switched off: the link no longer works.", name=screen.name), "success")
    return see_other("screens.manage")


# -- The TV -----------------------------------------------------------------------------------------

def _live_screen(screen_token: str):
    screen = services.authenticate(screen_token)
    if screen is None:
        return None
    services.mark_seen(screen)
    return screen


@bp.get("/<screen_token>")
def tv(screen_token: str):
    screen = _live_screen(screen_token)
    if screen is None:
        return render_template("screens/not_found.html"), 404
    watch = " ".join(realtime.watch_room(event, realtime.store_room(screen.store_id)) for event in WATCHED_EVENTS)
    return render_template("screens/tv.html", board=queries.board(screen.store), screen_token=screen_token,
                           live_events=LIVE_EVENTS, live_watch=watch)


@bp.get("/<screen_token>/board")
def tv_board(screen_token: str):
    screen = _live_screen(screen_token)
    if screen is None:
        return render_template("screens/not_found.html"), 404
    return render_template("screens/_board.html", board=queries.board(screen.store))
