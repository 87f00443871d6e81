"""The set-up checklist on HR's and administrators' home: what a new chain still lacks, each item worked out
from the data (never ticked by hand, so it can't claim what isn't true) with a link to the screen that does
it. Features add their lines (`Checklist` in their `Feature` record); at most one query per item; the card
disappears once everything is done."""

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class SetupItem:
    key: str
    label: str
    hint: str
    done: bool
    endpoint: str | None = None  # None: done outside the app (the server's settings)
    values: tuple = ()

    @property
    def url_values(self) -> dict:
        return dict(self.values)


def setup_checklist() -> list[SetupItem]:
    from app.core import features

    return features.checklist_items()


def company_items() -> list[SetupItem]:
    return [SetupItem("company", _l("Company name and language"),
                      _l("Set COMPANY_NAME and COMPANY_LANGUAGE in the server's settings (see the README). "
                         "After changing the language, run “flask org localize-defaults” so the built-in KPIs, "
                         "badges, values and stages read in it."),
                      bool(current_app.config.get("COMPANY_NAME")))]
