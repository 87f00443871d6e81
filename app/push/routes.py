"""Turning push on and off, per device. The browser subscribes in static/js/push.js and posts the
subscription here as JSON (with the CSRF header); the devices card is a fragment htmx swaps."""

from flask import abort, flash, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.core import params
from app.core.actions import attempt, done
from app.core.errors import problem_response
from app.core.htmx import is_fragment_request, render, see_other, with_trigger
from app.extensions import db
from app.push import bp, services
from app.push.vapid import public_key


def _problem(status: int, detail: str):
    return problem_response(status, _("That request could not be understood."), detail)


def _json_body() -> object:
    """The parsed JSON body, or None when there is none or it doesn't parse."""
    return request.get_json(silent=True) if request.is_json else None


@bp.app_template_global()
def push_card() -> dict:
    """What the push card shows wherever it is included (the Me page, the devices page)."""
    return {"devices": services.devices(current_user), "public_key": public_key()}


@bp.get("/devices")
@login_required
def devices():
    return render("push/devices.html", "push/_card.html")


@bp.post("/subscriptions")
@login_required
def subscribe():
    data = _json_body()
    if data is None:
        return _problem(400, _("Send the subscription as JSON (the browser's PushSubscription)."))
    with attempt() as outcome:
        subscription = services.subscribe(current_user, data, request.headers.get("User-Agent", ""))
    if not outcome.ok:
        return _problem(400, outcome.message)
    return {"id": subscription.id, "device": subscription.device}, 201


@bp.post("/unsubscribe")
@login_required
def unsubscribe():
    """One device off: by id from the devices card (form or htmx), or by endpoint from push.js (JSON)."""
    data = _json_body()
    if request.is_json:
        endpoint = data.get("endpoint") if isinstance(data, dict) else None
        if not isinstance(endpoint, str) or not endpoint:
            return _problem(400, _("Say which subscription to remove: send its endpoint."))
        subscription = services.own_subscription(current_user, endpoint=endpoint)
    else:
        subscription_id = params.id_arg("subscription_id", request.form)
        if subscription_id is None:
            return _bad_form(_("Choose a device to turn off."))
        subscription = services.own_subscription(current_user, subscription_id=subscription_id)
    if subscription is None:
        if request.is_json:
            return _problem(404, _("That subscription isn't one of yours, or it's already gone."))
        abort(404)
    services.unsubscribe(subscription)
    db.session.commit()
    if request.is_json:
        return {"removed": True}
    if is_fragment_request():
        card = render_template("push/_card.html", push_notice=_("Notifications are off on that device."))
        return with_trigger(card, "push-changed")
    return done(_("Notifications are off on that device."), "home.me")


def _bad_form(message: str):
    if is_fragment_request():
        return render_template("push/_card.html", push_error=message), 422
    flash(message, "error")
    return see_other("home.me")
