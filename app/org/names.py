"""People's names: the one check every way of setting one uses (the people form, the CSV import, the CLI;
the API sets no names today, and should call this if it ever does).

A name is shown on boards, TV screens, notifications and exports. Control characters break those lines
and files (a NUL cannot even be stored by PostgreSQL), and the bidirectional controls (U+202A–U+202E,
U+2066–U+2069, the LRM/RLM and Arabic letter marks) can make a name display as something else, such as
someone else's name reversed into place. Zero-width joiners (U+200C/U+200D) stay: scripts such as Persian
and Hindi need them inside ordinary names.

Names are searched folded (`fold`): "niccolo" finds "Niccolò", "oconnor" finds "O'Connor". Accents and other
combining marks go (NFKD), case is folded, the Latin letters NFKD leaves whole are spelled out (ß→ss, ø→o,
æ→ae, ł→l, …), apostrophes go (people type "dangelo" for D'Angelo; a typed apostrophe is folded away too)
and spaces collapse. Hyphens and dots stay: "anne-marie" is typed as it is written."""

import re
import unicodedata

from flask_babel import gettext as _

from app.core.text import squash_spaces

MAX_LENGTH = 120
SEARCH_NAME_LENGTH = 255  # Person.search_name: a 120-character name grows when folded ("ß" → "ss", ligatures)
_REFUSED = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def clean_name(raw: str | None) -> str:
    """Spaces collapsed, as the name is stored; check it with name_problems first."""
    return squash_spaces(raw)


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


# Latin letters that NFKD does not take apart into a base letter and a mark.
_SPELLED_OUT = str.maketrans({
    "ß": "ss", "ẞ": "ss", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ø": "o", "Ø": "o",
    "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "ð": "d", "Ð": "d", "þ": "th", "Þ": "th", "ħ": "h", "Ħ": "h",
    "ı": "i",
})
_APOSTROPHES = dict.fromkeys(map(ord, "'’‘ʼ`´"), None)


def fold(text: str | None) -> str:
    """`text` as names are compared: no accents, no case, no apostrophes, single spaces."""
    decomposed = unicodedata.normalize("NFKD", (text or "").translate(_SPELLED_OUT))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return squash_spaces(bare.translate(_APOSTROPHES).casefold())


def search_name_for(full_name: str | None) -> str:
    """What Person.search_name holds for `full_name`, cut to the column's length."""
    return fold(full_name)[:SEARCH_NAME_LENGTH]


def initials_of(full_name: str) -> str:
    """The avatar's letters: the first letters of the first two words, in capitals."""
    return "".join(part[0] for part in full_name.split()[:2]).upper()
