"""The store feed (everyone): public kudos, badges, missions, stages, challenge results and shared
answers, with reactions and infinite scroll."""

from flask import abort, render_template, request
from flask_babel import format_timedelta
from flask_login import current_user, login_required

from app.core import params
from app.core.actions import attempt
from app.core.htmx import is_fragment_request, render, see_other
from app.core.models import utcnow
from app.feed import bp, queries, services
from app.feed.models import REACTIONS
from app.org.models import Role


@bp.app_template_global()
def feed_badge_name(name: str) -> str:
    from app.badges.catalogue import translated

    return translated(name or "")


@bp.app_template_global()
def feed_stage_name(key: str | None, name: str) -> str:
    from app.journey.models import DEFAULT_STAGE_NAMES

    default = DEFAULT_STAGE_NAMES.get(key or "")
    return str(default[1]) if default is not None and default[0] == name else (name or "")


@bp.app_template_global()
def feed_value_name(name: str | None) -> str:
    from app.feedback.models import CompanyValue

    return CompanyValue(name=name).display_name if name else ""


@bp.app_template_global()
def feed_reactions() -> dict:
    return REACTIONS


@bp.app_template_filter("feed_when")
def feed_when(moment) -> str:
    """"3 hours ago": relative, so no time zone is needed."""
    return format_timedelta(moment - utcnow(), add_direction=True, threshold=0.9)


@bp.get("/")
@login_required
def index():
    store = queries.store_or_none(current_user, params.id_arg("store"))
    if request.args.get("store") and store is None:
        abort(404)
    feed = queries.page(current_user, store, params.text_arg("before")) if store else None
    stores = queries.stores_for(current_user) if current_user.role not in (Role.STAFF, Role.STORE_MANAGER) else []
    return render("feed/index.html", "feed/_items.html", store=store, feed=feed, stores=stores)


@bp.post("/<int:feed_item_id>/react")
@login_required
def react(feed_item_id: int):
    item = queries.visible_item_or_none(current_user, feed_item_id) or abort(404)
    with attempt() as outcome:
        services.toggle_reaction(current_user, item, request.form.get("kind", ""))
    if not is_fragment_request():
        outcome.flash()
        return see_other("feed.index", store=item.store_id)
    if not outcome.ok:
        return outcome.message, 422
    reactions = queries.reactions_for(current_user, [item.id]).get(item.id, queries.Reactions())
    return render_template("feed/_reactions.html", item=item, reactions=reactions)
