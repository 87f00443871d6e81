"""Text people type is shown back escaped, wherever it is shown: markup in a name or a message is text on
the page, never a tag. Table-driven: each row names the form, the fields to fill with the payload, and
the page to look at (by default the one the form redirects to). Add a row for each new form whose text
is shown to someone else.

The rest of each body is what the form itself renders (tests/core/html_forms.py), so a row only says
what differs from the form as a browser would send it unchanged."""

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from flask import url_for

from tests.core.html_forms import form_posting_to
from tests.core.matrix.oneonones import _one_on_one
from tests.core.matrix.reviews import _review_id
from tests.core.support import route, sign_in

SCRIPT = "<script>alert(1)</script>"
IMAGE = "\"'><img src=x onerror=1>"
WORLD = "🚀مرحبا"  # an emoji, then right-to-left text
PAYLOAD = SCRIPT + IMAGE + WORLD
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"
ESCAPED_IMAGE = "&lt;img src=x onerror=1&gt;"


@dataclass(frozen=True)
class Shown:
    name: str
    role: str
    endpoint: str
    fields: tuple[str, ...]  # filled with the payload
    also_send: Callable = lambda org, values: {}  # other fields the form needs to be accepted
    url_values: Callable = lambda org: {}  # the form's URL arguments (objects made for the test)
    page: Callable | None = None  # (org, values) -> the page that shows the text; None: the redirect target
    upload: Callable | None = None  # (org) -> (file field, bytes, name) for an import form
    viewer: str | None = None  # who looks at the page (an org attribute) when not the author
    confirm: str | None = None  # a two-step import: the preview (itself checked) is confirmed at this endpoint

    def __str__(self) -> str:
        return self.name


def _latest_request_id() -> int:
    import sqlalchemy as sa

    from app.extensions import db
    from app.feedback.models import FeedbackRequest

    return db.session.scalar(sa.select(sa.func.max(FeedbackRequest.id)))


def _people_csv(_org) -> tuple[str, bytes, str]:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["employee_number", "full_name", "role", "store"])
    writer.writerow(["N900", PAYLOAD, "staff", "MI01"])
    return "file", out.getvalue().encode(), "people.csv"


ROWS = [
    Shown("mission-title", "store_manager", "missions.new_mission", ("title", "description"),
          page=lambda org, values: url_for("missions.manage")),
    Shown("kudos-message", "staff", "feedback.give_kudos", ("message",), viewer="colleague",
          also_send=lambda org, values: {"receiver_id": str(org.colleague.id), "points": "0"},
          page=lambda org, values: url_for("feedback.index")),
    Shown("feedback-text", "store_manager", "feedback.give_feedback", ("message",), viewer="staff",
          also_send=lambda org, values: {"receiver_id": str(org.staff.id)},
          page=lambda org, values: url_for("feedback.index")),
    Shown("feedback-question", "staff", "feedback.request_feedback", ("question",), viewer="sm",
          also_send=lambda org, values: {"asked_id": str(org.sm.id)},
          page=lambda org, values: url_for("feedback.answer_request", feedback_request_id=_latest_request_id())),
    Shown("upward-question", "staff", "feedback.ask_upward", ("body",)),
    Shown("company-value", "hr", "feedback.company_values", ("name", "description"),
          page=lambda org, values: url_for("feedback.company_values")),
    Shown("objective-title", "admin", "okrs.new_objective", ("title", "description", "kr-0-title"),
          also_send=lambda org, values: {"kr-0-kind": "number", "kr-0-target": "10"}),
    Shown("one-on-one-agenda-item", "staff", "oneonones.add_agenda_item", ("text",),
          url_values=lambda org: _one_on_one(org, org.staff),
          page=lambda org, values: url_for("oneonones.detail", one_on_one_id=values["one_on_one_id"])),
    Shown("one-on-one-action-item", "store_manager", "oneonones.add_action_item", ("action_text",),
          url_values=lambda org: _one_on_one(org, org.staff),
          also_send=lambda org, values: {"owner_id": str(org.staff.id)},
          page=lambda org, values: url_for("oneonones.detail", one_on_one_id=values["one_on_one_id"])),
    Shown("review-answers", "store_manager", "reviews.save_manager", ("manager-answer-0", "manager-answer-1"),
          url_values=lambda org: _review_id(org, org.colleague),
          page=lambda org, values: url_for("reviews.review", review_id=values["review_id"])),
    Shown("challenge-name", "store_manager", "challenges.new", ("title", "description"),
          also_send=lambda org, values: {"winners_count": "3", "starts_on": "2031-03-02", "ends_on": "2031-03-08"}),
    Shown("reward-name", "hr", "rewards.new_reward", ("name", "description"),
          also_send=lambda org, values: {"cost": "50"},
          page=lambda org, values: url_for("rewards.manage")),
    Shown("kpi-custom-name", "admin", "kpis.new_kpi", ("name", "description"),
          also_send=lambda org, values: {"code": "escaped_kpi", "unit": "count"},
          page=lambda org, values: url_for("kpis.library_page")),
    Shown("person-name", "hr", "org.new_person", ("full_name",),
          also_send=lambda org, values: {"employee_number": "N901", "store_id": str(org.store.id)},
          page=lambda org, values: url_for("org.people")),
    Shown("person-name-imported", "hr", "org.import_people_page", (), upload=_people_csv,
          page=lambda org, values: url_for("org.people"), confirm="org.confirm_import_people"),
    Shown("store-name", "admin", "org.new_store", ("name", "city"),
          also_send=lambda org, values: {"code": "ESC1", "district_id": str(org.store.district_id)},
          page=lambda org, values: url_for("org.stores")),
]


def _text_of(response) -> str:
    return response.get_data(as_text=True)


def _body(client, row: Shown, org, url: str, values: dict) -> dict:
    # The form is on its own URL (GET) or, for a POST-only route, on the page that shows the result.
    page = client.get(url if "GET" in route(row.endpoint).methods else row.page(org, values))
    form = form_posting_to(_text_of(page), urlsplit(url).path)
    assert form is not None, f"{row}: no form posting to {url}"
    body = form.body()
    fields = [name for name in form.fields if any(name == wanted or _same_row_field(name, wanted)
                                                  for wanted in row.fields)]
    for name in fields:
        body[name] = PAYLOAD
    for wanted, value in row.also_send(org, values).items():
        body[next((name for name in form.fields if _same_row_field(name, wanted)), wanted)] = value
    if row.upload is not None:
        name, data, filename = row.upload(org)
        body[name] = (io.BytesIO(data), filename)
    return body


def _same_row_field(name: str, wanted: str) -> bool:
    """`kr-0-title` stands for the first repeated row's field, whatever its generated prefix (kr-94b9-title)."""
    prefix, _, suffix = wanted.partition("-0-")
    return bool(suffix) and name.startswith(prefix + "-") and name.endswith("-" + suffix)


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_typed_text_is_shown_escaped(client, org, journey_defaults, kpi_library, row):
    values = row.url_values(org)
    url = url_for(row.endpoint, **values)
    sign_in(client, org.by_role(row.role))
    body = _body(client, row, org, url, values)

    response = client.post(url, data=body, content_type="multipart/form-data" if row.upload else None)

    assert response.status_code in (200, 302, 303), f"{row}: {response.status_code}"
    if row.confirm is not None:
        _assert_escaped(row, url, _text_of(response))
        hidden = dict(re.findall(r'name="(content|fingerprint|deactivate_missing)" type="hidden" value="([^"]*)"',
                                 _text_of(response)))
        assert client.post(url_for(row.confirm), data=hidden).status_code == 200, f"{row}: not imported"
    if row.page is not None:
        shown_at = row.page(org, values)
    else:
        assert response.status_code in (302, 303), f"{row}: no redirect to the page that shows it"
        shown_at = response.headers["Location"]
    if row.viewer is not None:
        sign_in(client, getattr(org, row.viewer))
    _assert_escaped(row, shown_at, _text_of(client.get(shown_at)))


def _assert_escaped(row: Shown, shown_at: str, page: str) -> None:
    assert ESCAPED_SCRIPT in page, f"{row}: the text is not on {shown_at}"
    assert ESCAPED_IMAGE in page
    assert WORLD in page
    assert SCRIPT not in page and "<img src=x" not in page, f"{row}: raw markup on {shown_at}"
