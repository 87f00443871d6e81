"""The same route renders the page or, for an htmx request, just the swapped fragment."""

from flask import redirect, render_template, request, url_for
from htmx_flask import make_response


def is_fragment_request() -> bool:
    """True for htmx swaps; boosted navigation wants the whole page (htmx takes its <body>)."""
    return bool(request.htmx) and not request.htmx.boosted and not request.htmx.history_restore_request


def render(page_template: str, fragment_template: str | None = None, /, **context):
    template = fragment_template if fragment_template and is_fragment_request() else page_template
    return render_template(template, **context)


def see_other(endpoint: str, **values):
    """303 after a state change, so a refresh never re-posts (htmx follows it too)."""
    return redirect(url_for(endpoint, **values), code=303)


def with_trigger(response, event: str):
    """Tell other regions of the page to refresh themselves (HX-Trigger)."""
    return make_response(response, trigger=event)


def add_vary_header(response):
    response.vary.add("HX-Request")
    return response
