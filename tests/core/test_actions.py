"""app/core/actions.attempt and app/core/forms.show_error: the route ceremony every change goes through."""

import pytest
import sqlalchemy as sa
from flask import get_flashed_messages
from flask_wtf import FlaskForm
from wtforms import StringField

from app.core.actions import attempt, done, form_status
from app.core.errors import ServiceError
from app.core.forms import show_error
from app.extensions import db
from app.org.models import District


class _Form(FlaskForm):
    name = StringField()
    code = StringField()


class _Draft(ServiceError):
    def __init__(self, problems):
        super().__init__("draft refused")
        self.problems = problems


def _districts() -> int:
    return db.session.scalar(sa.select(sa.func.count(District.id)))


def _add_district(code: str) -> None:
    db.session.add(District(code=code, name=f"District {code}"))
    db.session.flush()


def test_a_kept_change_is_committed(app):
    with app.test_request_context("/"):
        with attempt() as outcome:
            _add_district("K1")
        db.session.rollback()  # nothing left to roll back: it was committed
        assert outcome.ok and outcome.message is None and outcome.status == 200
        assert _districts() == 1


def test_a_refusal_is_rolled_back_and_shown_on_the_field_it_names(app):
    with app.test_request_context("/", method="POST"):
        form = _Form(meta={"csrf": False})
        form.validate()
        with attempt(form) as outcome:
            _add_district("R1")
            raise ServiceError("That code is taken.", field="code")
        assert not outcome.ok and outcome.status == 422 and outcome.message == "That code is taken."
        assert _districts() == 0
        assert form.code.errors == ["That code is taken."] and form.form_errors == []
        assert form_status(form) == 422


@pytest.mark.parametrize(("options", "on_name", "on_form"), [
    ({}, [], ["Refused."]),
    ({"field": "name"}, ["Refused."], []),
])
def test_a_refusal_naming_no_field_goes_to_the_fallback_or_the_form(app, options, on_name, on_form):
    with app.test_request_context("/", method="POST"):
        form = _Form(meta={"csrf": False})
        form.validate()
        show_error(form, ServiceError("Refused."), **options)
        assert form.name.errors == on_name and form.form_errors == on_form


def test_on_form_keeps_a_refusal_at_the_top_and_unknown_fields_go_there_too(app):
    with app.test_request_context("/", method="POST"):
        form = _Form(meta={"csrf": False})
        form.validate()
        show_error(form, ServiceError("Top.", field="code"), on_form=True)
        show_error(form, ServiceError("Nowhere.", field="no_such_field"))
        assert form.code.errors == [] and form.form_errors == ["Top.", "Nowhere."]


def test_a_draft_refusal_is_spread_over_its_fields(app):
    with app.test_request_context("/", method="POST"):
        form = _Form(meta={"csrf": False})
        form.validate()
        show_error(form, _Draft({"name": ["Too short."], None: ["Whole form."], "code": ["Taken.", "Odd."]}))
        assert form.name.errors == ["Too short."] and form.code.errors == ["Taken.", "Odd."]
        assert form.form_errors == ["Whole form."]


def test_flash_refusal_and_done(app):
    with app.test_request_context("/"):
        with attempt(flash_refusal=True) as outcome:
            raise ServiceError("Not now.")
        assert not outcome.ok
        response = done("Saved.", "home.index")
        assert response.status_code == 303
        assert get_flashed_messages(with_categories=True) == [("error", "Not now."), ("success", "Saved.")]


def test_anything_but_a_refusal_goes_on_up(app):
    with app.test_request_context("/"), pytest.raises(ZeroDivisionError), attempt():
        _add_district("Z1")
        raise ZeroDivisionError
    db.session.rollback()
    assert _districts() == 0


def test_an_error_page_on_an_api_path_is_a_problem_document(client):
    response = client.get("/api/v1/nowhere")
    assert response.status_code == 404 and response.mimetype == "application/problem+json"
    body = response.get_json(force=True)
    assert body["type"] == "about:blank" and body["status"] == 404 and body["title"]


def test_problem_response_leaves_out_what_is_empty(app):
    from app.core.errors import problem_response

    with app.test_request_context("/"):
        bare = problem_response(400, "Bad.")
        full = problem_response(422, "Invalid.", "Fix it.", problem_type="tag:x", errors={"a": ["b"]},
                                headers={"Retry-After": "3"})
    assert bare.get_json(force=True) == {"type": "about:blank", "title": "Bad.", "status": 400}
    assert full.get_json(force=True) == {"type": "tag:x", "title": "Invalid.", "status": 422, "detail": "Fix it.",
                                         "errors": {"a": ["b"]}}
    assert full.headers["Retry-After"] == "3" and full.mimetype == "application/problem+json"
