"""Short text people type (names, titles, reasons, comments): one rule for how it is tidied and checked.

Runs of spaces, tabs and line breaks become one space and the ends are trimmed, so "  Back   office\\n" is
stored, shown and compared as "Back office". Each feature keeps its own messages (they say what is missing
in that feature's words); `required_text` only applies them in the same order everywhere."""

from app.core.errors import ServiceError


def squash_spaces(text: str | None) -> str:
    """`text` with every run of whitespace made one space and the ends trimmed; "" for None."""
    return " ".join((text or "").split())


def required_text(value: str | None, *, max_length: int, required_message: str, too_long_message: str,
                  field: str | None = None) -> str:
    """`value` squashed, or a ServiceError (on `field`) when it is empty or longer than `max_length`.
    The messages are already translated by the caller."""
    text = squash_spaces(value)
    if not text:
        raise ServiceError(required_message, field=field)
    if len(text) > max_length:
        raise ServiceError(too_long_message, field=field)
    return text
