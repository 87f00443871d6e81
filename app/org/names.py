"""People's names: the one check every way of setting one uses (the people form, the CSV import, the CLI;
the API sets no names today, and should call this if it ever does).

A name is shown on boards, TV screens, notifications and exports. Control characters break those lines
and files (a NUL cannot even be stored by PostgreSQL), and the bidirectional controls (U+202A–U+202E,
U+2066–U+2069, the LRM/RLM and Arabic letter marks) can make a name display as something else, such as
someone else's name reversed into place. Zero-width joiners (U+200C/U+200D) stay: scripts such as Persian
and Hindi need them inside ordinary names."""

import re

from flask_babel import gettext as _

MAX_LENGTH = 120
_REFUSED = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def clean_name(raw: str | None) -> str:
    """Spaces collapsed, as the name is stored; check it with name_problems first."""
    return " ".join((raw or "").split())


def name_problems(raw: str | None) -> list[str]:
    """Why `raw` can't be a person's name (empty when it can), in the reader's language."""
    name = raw or ""
    found = _REFUSED.search(name)
    if found:
        return [_("Names can't contain hidden control characters (found U+%(code)04X). Type the name again "
                  "rather than pasting it.", code=ord(found.group()))]
    name = clean_name(name)
    if not name:
        return [_("Name is missing.")]
    if len(name) > MAX_LENGTH:
        return [_("Name is longer than 120 characters.")]
    return []
