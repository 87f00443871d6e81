"""How an /api/v1 body is checked, for every endpoint: each problem at once, keyed by the path of the field
it is about ("points", "measurements[2].value", "measurements[2]" for an item as a whole) with its
messages. That mapping is the `errors` of the 422 problem document, one shape whatever the endpoint
(documented in app/api/openapi.py)."""

from collections.abc import Iterable

from flask_babel import gettext as _

from app.core.errors import ServiceError

# Unknown names listed at most: a body of ten thousand stray keys still gets a short answer.
MAX_UNKNOWN = 20


class InvalidFields(ServiceError):
    """Field path → messages, for a 422. Nothing was changed."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(" ".join(m for messages in errors.values() for m in messages))
        self.errors = errors


class FieldErrors:
    """The problems of one body, collected while it is read; `raise_if_any` ends the request with all."""

    def __init__(self):
        self.errors: dict[str, list[str]] = {}

    def add(self, path: str, message: str) -> None:
        self.errors.setdefault(path, []).append(message)

    def unknown(self, body: dict, allowed: Iterable[str], *, within: str = "") -> None:
        """Every name of `body` outside `allowed` (a misspelt field is a mistake to say, not to ignore)."""
        for name in sorted(map(str, set(body) - set(allowed)))[:MAX_UNKNOWN]:
            self.add(within + name, _("Unknown field."))

    def raise_if_any(self) -> None:
        if self.errors:
            raise InvalidFields(self.errors)


def item_path(collection: str, index: int, field: str | None = None) -> str:
    """The path of an item of a list, or of one of its fields: "measurements[2]", "measurements[2].value"."""
    return f"{collection}[{index}]" + (f".{field}" if field else "")
