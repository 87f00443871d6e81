"""The company's own copy of the built-in content. The migration and the seed functions write the KPI
library, badges, company values and journey stages in English; a chain that speaks Italian should read
"Vendite", not "Sales", in the forms HR edits and wherever a stored name is shown as written. There is
no Company row: the language is the COMPANY_LANGUAGE setting (app.org.structure.company_language)."""

from flask_babel import force_locale

from app.core import audit
from app.extensions import db


def localize_builtins(language: str, *, actor_id: int | None = None) -> dict[str, int]:
    """Rewrite every built-in name and description still identical to its English default into `language`;
    anything HR edited stays as written. Idempotent: a rewritten text no longer reads as the default, so a
    second run (or English) changes nothing. Returns how many texts changed per feature; audited when any did."""
    from app.badges import catalogue
    from app.feedback import values
    from app.journey import defaults as stages
    from app.kpis import defaults as kpis

    with force_locale(language):
        changed = {"kpis": kpis.localize_builtins(), "badges": catalogue.localize_builtins(),
                   "values": values.localize_builtins(), "stages": stages.localize_builtins()}
    if any(changed.values()):
        audit.record("org.builtins_localized", actor_id=actor_id, target_type="company", language=language,
                     **changed)
        db.session.flush()
    return changed


def add_builtins(rows: list, language: str | None) -> int:
    """Store newly built built-in rows (written in English, as the migration seeds them), then, when a
    language is given, localize every built-in still reading as its default. How many rows were added."""
    db.session.add_all(rows)
    db.session.flush()
    if language:
        localize_builtins(language)
    return len(rows)
