"""URL converters. `<int:...>` ids are bounded to what the database's integer columns hold: a larger
number in a URL is a 404, not an "integer out of range" error from PostgreSQL (a 500)."""

from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # PostgreSQL INTEGER


class DatabaseIdConverter(IntegerConverter):
    def __init__(self, map, *args, **kwargs):  # noqa: A002  (werkzeug's parameter name)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)
