"""Company values and competencies that kudos are tagged with. The migration seeds the built-ins (in
English); `ensure_defaults` puts back what is missing (tests empty the tables; the demo calls it too);
`localize_builtins` rewrites the names and descriptions HR hasn't changed into the company's language
(app/org/company.py)."""

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.core import audit
from app.core.errors import ServiceError
from app.core.i18n import localize_stored
from app.core.text import required_text, squash_spaces
from app.extensions import db
from app.feedback.models import DEFAULT_VALUES, CompanyValue
from app.org.company import add_builtins
from app.org.models import Person

MAX_NAME = 60
MAX_DESCRIPTION = 200

# The built-ins' descriptions in the current language (their names: DEFAULT_VALUES).
TRANSLATED_DESCRIPTIONS = {
    "Every customer leaves happier than they came.": _l("Every customer leaves happier than they came."),
    "We win as a store, not alone.": _l("We win as a store, not alone."),
    "See it, own it, fix it.": _l("See it, own it, fix it."),
    "Curious, and better every week.": _l("Curious, and better every week."),
    "Honest with customers and with each other.": _l("Honest with customers and with each other."),
}


def ensure_defaults(language: str | None = None) -> None:
    """Add the missing built-ins; in `language` when given (English, as the migration seeds, otherwise)."""
    existing = set(db.session.scalars(sa.select(CompanyValue.key).where(CompanyValue.key.is_not(None))))
    names = set(db.session.scalars(sa.select(CompanyValue.name)))
    add_builtins([CompanyValue(key=key, name=name, description=description, position=position * 10)
                  for position, (key, name, _label, description) in enumerate(DEFAULT_VALUES, start=1)
                  if key not in existing and name not in names], language)


def localize_builtins() -> int:
    """The built-in values' unchanged English names and descriptions, in the current locale. A name another
    value already has (names are unique) stays English. How many texts changed."""
    english = {key: (name, label, description) for key, name, label, description in DEFAULT_VALUES}
    taken = {name.lower() for name in db.session.scalars(sa.select(CompanyValue.name))}
    changed = 0
    for value in db.session.scalars(sa.select(CompanyValue).where(CompanyValue.key.in_(english))):
        name, label, description = english[value.key]
        if str(label).lower() not in taken and localize_stored(value, "name", name, label):
            taken.add(value.name.lower())
            changed += 1
        changed += localize_stored(value, "description", description, TRANSLATED_DESCRIPTIONS.get(description))
    db.session.flush()
    return changed


def active_values() -> list[CompanyValue]:
    return list(db.session.scalars(sa.select(CompanyValue).where(CompanyValue.active.is_(True))
                                   .order_by(CompanyValue.position, CompanyValue.name)))


def all_values() -> list[CompanyValue]:
    return list(db.session.scalars(sa.select(CompanyValue)
                                   .order_by(CompanyValue.active.desc(), CompanyValue.position, CompanyValue.name)))


def _clean(name: str, description: str, *, value_id: int | None = None) -> tuple[str, str]:
    name = required_text(name, max_length=MAX_NAME, field="name",
                         required_message=_("Give the value a name."),
                         too_long_message=_("Keep the name under %(n)d characters.", n=MAX_NAME))
    description = squash_spaces(description)
    if len(description) > MAX_DESCRIPTION:
        raise ServiceError(_("Keep the description under %(n)d characters.", n=MAX_DESCRIPTION),
                           field="description")
    clash = db.session.scalar(sa.select(CompanyValue.id).where(sa.func.lower(CompanyValue.name) == name.lower(),
                                                               CompanyValue.id != (value_id or -1)))
    if clash is not None:
        raise ServiceError(_("There is already a value called %(name)s.", name=name), field="name")
    return name, description


def create_value(actor: Person, name: str, description: str = "") -> CompanyValue:
    name, description = _clean(name, description)
    position = (db.session.scalar(sa.select(sa.func.max(CompanyValue.position))) or 0) + 10
    value = CompanyValue(name=name, description=description, position=position)
    db.session.add(value)
    db.session.flush()
    audit.record("feedback.value_created", actor_id=actor.id, target_type="company_value", target_id=value.id,
                 name=name)
    return value


def update_value(actor: Person, value: CompanyValue, name: str, description: str = "") -> None:
    name, description = _clean(name, description, value_id=value.id)
    old = value.name
    value.name, value.description = name, description
    db.session.flush()
    audit.record("feedback.value_updated", actor_id=actor.id, target_type="company_value", target_id=value.id,
                 old_name=old, name=name)


def set_active(actor: Person, value: CompanyValue, active: bool) -> None:
    """A deactivated value can't be chosen any more; kudos already tagged with it keep it."""
    value.active = active
    db.session.flush()
    audit.record("feedback.value_activated" if active else "feedback.value_deactivated", actor_id=actor.id,
                 target_type="company_value", target_id=value.id, name=value.name)
