"""The notification centre (every nudge, pushed or not), the bell with the unread count, and the
person's nudge settings."""

from flask import abort, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.core import params
from app.core.actions import attempt, done, form_status
from app.core.database import write_transaction
from app.core.htmx import is_fragment_request, render, with_trigger
from app.core.timezones import local_time, zone_for
from app.extensions import db
from app.nudges import bp, queries, registry, services
from app.nudges.forms import NudgeSettingsForm


@bp.app_context_processor
def _bell_context():
    def nudge_unread() -> int:
        """Called by the bell only, so fragments and pages without it pay nothing; kept a few seconds
        (queries.cached_unread_count)."""
        if not current_user.is_authenticated:
            return 0
        return queries.cached_unread_count(current_user.id)
    return {"nudge_unread": nudge_unread}


@bp.app_template_filter("nudge_time")
def nudge_time(moment) -> str:
    """A notification's time in the reader's store time zone (stored times are naive UTC)."""
    local = local_time(moment, zone_for(current_user)).replace(tzinfo=None)
    return format_datetime(local, "short", rebase=False)


def _before_arg() -> int | None:
    return params.id_arg("before")


@bp.get("/")
@login_required
def centre():
    before = _before_arg()
    items, next_before = queries.page(current_user.id, before_id=before)
    # "Show older" appends rows to the list; any other swap replaces the whole list region.
    fragment = "nudges/_items.html" if before is not None else "nudges/_list.html"
    return render("nudges/centre.html", fragment, items=items, next_before=next_before)


@bp.post("/read-all")
@login_required
def read_all():
    services.mark_all_read(current_user)
    db.session.commit()
    if is_fragment_request():
        items, next_before = queries.page(current_user.id)
        return with_trigger(render_template("nudges/_list.html", items=items, next_before=next_before),
                            "notifications-changed")
    return done(_("All caught up."), "nudges.centre")


@bp.get("/<int:notification_id>")
@write_transaction
@login_required
def open_notification(notification_id: int):
    """Open what a notification is about, and mark it read (the push links here too)."""
    notification = queries.own_notification(current_user.id, notification_id) or abort(404)
    services.mark_read(current_user, notification)
    db.session.commit()
    return redirect(notification.url, code=303)


@bp.get("/bell")
@login_required
def bell():
    if not is_fragment_request():
        return redirect(url_for("nudges.centre"))
    queries.fresh_unread_count(current_user.id)  # fetched because something changed: never the kept count
    return render_template("nudges/_bell.html")


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    types = registry.types_for(current_user.role)
    form = NudgeSettingsForm()
    form.set_choices(types)
    if request.method == "GET":
        current = services.preferences(current_user.id)
        form.pushed.data = [key for key, on in services.pushed_types(current_user).items() if on]
        form.quiet_hours.data = current.quiet_hours_on
        form.quiet_start.data, form.quiet_end.data = current.quiet.start, current.quiet.end
        form.daily_cap.data = current.daily_cap
    elif form.validate_on_submit():
        with attempt(form, field="daily_cap") as outcome:
            services.save_preferences(current_user, pushed=set(form.pushed.data or ()),
                                      quiet_hours=form.quiet_hours.data, quiet_start=form.quiet_start.data,
                                      quiet_end=form.quiet_end.data, daily_cap=form.daily_cap.data)
        if outcome.ok:
            return done(_("Notification settings saved."), "nudges.settings")
    return render_template("nudges/settings.html", form=form, types=types,
                           zone=zone_for(current_user).key), form_status(form)
