"""The nudge types. Each feature registers its own, once, at import time:

    register_nudge_type("kudos_received", label=_l("Kudos received"),
                        title=_l("Kudos from %(name)s"), body=_l("%(message)s"))

Title and body are lazy strings with %(params)s, rendered in the recipient's language when the nudge is
sent. Nothing else in the layer changes when a type is added."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from flask_babel import force_locale
from flask_babel.speaklater import LazyString

from app.core.text import squash_spaces

MAX_TITLE = 120
MAX_BODY = 240


@dataclass(frozen=True)
class Nudge:
    """One nudge of a batch for `nudges.send_many`: what `nudges.send` takes, as a value."""
    person_id: int
    nudge_type: str
    url: str  # a path inside the app
    dedupe_key: str | None = None
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class NudgeType:
    key: str
    title: object  # lazy string; %(params)s
    body: object  # lazy string; %(params)s
    label: object  # what the settings page calls it
    default_on: bool = True  # pushed unless the person turns it off
    # The notification tag on the device: a newer nudge with the same tag replaces the older one.
    tag: str | None = None  # %(params)s allowed; the key when None
    urgency: str = "normal"  # the Web Push Urgency header: very-low, low, normal, high
    # A push not sent within this time (held by quiet hours, or retrying) is no longer worth sending.
    fresh_for: timedelta | None = None
    roles: frozenset[str] | None = None  # who can receive it (settings page); None: everyone
    order: int = 100

    def render(self, params: dict, locale: str) -> tuple[str, str, str, dict]:
        """(title, body, tag, params as rendered) in `locale`."""
        with force_locale(locale):
            values = {key: str(value) if _is_lazy(value) else value for key, value in params.items()}
            title = _clip(str(self.title) % values, MAX_TITLE)
            body = _clip(str(self.body) % values, MAX_BODY)
        tag = (self.tag % values) if self.tag else self.key
        return title, body, tag[:100], values

    def applies_to(self, role: str) -> bool:
        return self.roles is None or role in self.roles


def _is_lazy(value) -> bool:
    return isinstance(value, LazyString)


def _clip(text: str, limit: int) -> str:
    text = squash_spaces(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


_types: dict[str, NudgeType] = {}


def register_nudge_type(key: str, *, title, body, label=None, default_on: bool = True, tag: str | None = None,
                        urgency: str = "normal", fresh_for: timedelta | None = None,
                        roles: Iterable[str] | None = None, order: int = 100) -> NudgeType:
    """Add (or, on re-import, replace) a nudge type. `label` defaults to the title."""
    if not key or len(key) > 40:
        raise ValueError("a nudge type key is 1-40 characters")
    nudge_type = NudgeType(key=key, title=title, body=body, label=label if label is not None else title,
                           default_on=default_on, tag=tag, urgency=urgency, fresh_for=fresh_for,
                           roles=frozenset(roles) if roles is not None else None, order=order)
    _types[key] = nudge_type
    return nudge_type


def get(key: str) -> NudgeType:
    try:
        return _types[key]
    except KeyError:
        raise ValueError(f"unknown nudge type {key!r}: register it with register_nudge_type") from None


def find(key: str) -> NudgeType | None:
    return _types.get(key)


def all_types() -> list[NudgeType]:
    return sorted(_types.values(), key=lambda t: (t.order, t.key))


def types_for(role: str) -> list[NudgeType]:
    return [t for t in all_types() if t.applies_to(role)]
