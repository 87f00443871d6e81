"""The route ceremony in one place: run a change a person asked for, keep it or drop it, and say so.

    if form.validate_on_submit():
        with attempt(form) as outcome:
            value = values.create_value(current_user, form.name.data)
        if outcome.ok:
            return done(_("%(name)s added.", name=value.name), "values.list")
    return render_template("values/form.html", form=form), form_status(form)

Services flush and raise ServiceError when a rule refuses; the route decides only what the person sees.
A refusal is rolled back whole (a refused request changes nothing) and lands on the form, in a flash or in
`outcome.error` for the route to show; anything else the block raises is no refusal and goes on up."""

from collections.abc import Iterator
from contextlib import contextmanager

from flask import flash

from app.core.errors import ServiceError
from app.core.forms import show_error
from app.core.htmx import see_other
from app.extensions import db


class Outcome:
    """How the change went: `error` is the refusal, None once the change is committed."""

    def __init__(self):
        self.error: Exception | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def message(self) -> str | None:
        """The refusal's words (already translated), None when the change was kept."""
        return None if self.error is None else self.error.message

    @property
    def status(self) -> int:
        """The status to answer with: 422 for a refusal shown again, 200 otherwise."""
        return 200 if self.error is None else 422

    def flash(self, success: str | None = None) -> None:
        """Tell the person on the next page: the refusal, or `success` when there is one."""
        if self.error is not None:
            flash(self.message, "error")
        elif success:
            flash(success, "success")


@contextmanager
def attempt(form=None, *, field: str | None = None, on_form: bool = False, flash_refusal: bool = False,
            refusal: type[Exception] = ServiceError) -> Iterator[Outcome]:
    """Run the block as one change: committed when it ends, rolled back when it raises `refusal`.

    With a `form`, the refusal is shown on it (app.core.forms.show_error): beside the field it names, else
    beside `field`, else at the top; `on_form` keeps it at the top whatever it names. `flash_refusal`:
    flashed instead, for the buttons that always go back to a page."""
    outcome = Outcome()
    try:
        yield outcome
    except refusal as error:
        db.session.rollback()
        outcome.error = error
        if form is not None:
            show_error(form, error, field=field, on_form=on_form)
        if flash_refusal:
            outcome.flash()
    else:
        db.session.commit()


def done(message: str, endpoint: str, **values):
    """After a kept change: say so on the next page, and 303 there (a refresh never re-posts)."""
    flash(message, "success")
    return see_other(endpoint, **values)


def form_status(form) -> int:
    """422 when the form comes back with errors (its own or its fields'), so htmx and tests can tell."""
    return 422 if form.errors else 200
