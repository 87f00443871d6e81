"""Which language a page speaks: the person's choice, else the browser's, else English. And numbers in
that language, formatted once: a dashboard shows the same few hundred values on every refresh, and Babel
parses the pattern and walks the locale data on every call (a fifth of a district page's CPU)."""

import functools

from babel import numbers
from flask import g, has_app_context, has_request_context, request, session
from flask_babel import get_locale, get_translations
from flask_login import current_user

from app.config import SUPPORTED_LOCALES
from app.core.numbers import INPUT_DECIMALS, input_pattern, without_negative_zero

# Each entry is a short string; `typed` keeps 1 and 1.0 apart (Babel may show them differently).
FORMATTED_NUMBERS_KEPT = 8192


def select_locale() -> str:
    if not has_request_context():
        return "en"  # CLI, jobs and tests call services outside any request
    if current_user and current_user.is_authenticated:
        return current_user.locale
    chosen = session.get("locale")
    if chosen in SUPPORTED_LOCALES:
        return chosen
    return request.accept_languages.best_match(SUPPORTED_LOCALES) or "en"


def request_translations():
    """The current language's translations, found once per request and language. Flask-Babel's own
    lookup walks its request context three times and names the locale for every string, a page's hundred
    strings included. They are kept beside the locale in Flask-Babel's request namespace, so a
    `force_locale` block (a nudge in its reader's language), which swaps that locale, finds its own; were
    that namespace ever to change, this only falls back to Flask-Babel's lookup."""
    state = g.get("_flask_babel") if has_app_context() else None
    if state is not None:
        kept = getattr(state, "ascent_translations", None)
        if kept is not None and kept[0] is getattr(state, "babel_locale", None):
            return kept[1]
    translations = get_translations()
    state = g.get("_flask_babel") if has_app_context() else None
    if state is not None and getattr(state, "babel_locale", None) is not None:
        state.ascent_translations = (state.babel_locale, translations)
    return translations


# Flask-Babel's gettext family, through `request_translations`: the same strings, the same formatting, for
# the read models and labels every page renders (pybabel finds them by these names).

def gettext(string: str, **variables) -> str:
    translated = request_translations().ugettext(string)
    return translated % variables if variables else translated


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    variables.setdefault("num", num)
    return request_translations().ungettext(singular, plural, num) % variables


def install_template_gettext(app) -> None:
    """Templates' `_()`, `ngettext()`… through `request_translations` (after Flask-Babel installed its own)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda string: request_translations().ugettext(string),
        ngettext=lambda singular, plural, n: request_translations().ungettext(singular, plural, n),
        pgettext=lambda context, string: request_translations().upgettext(context, string),
        npgettext=lambda context, singular, plural, n: request_translations().unpgettext(context, singular, plural, n),
        newstyle=True)


def reader_locale() -> str:
    """The locale this page speaks ("it", "en"): the one the reader's numbers are typed and shown in. Routes
    pass it to services that read typed numbers (app.core.numbers.parse_number)."""
    return str(get_locale() or "en")


@functools.lru_cache(maxsize=FORMATTED_NUMBERS_KEPT, typed=True)
def _decimal(value, pattern: str | None, locale) -> str:
    return numbers.format_decimal(value, format=pattern, locale=locale)


@functools.lru_cache(maxsize=FORMATTED_NUMBERS_KEPT, typed=True)
def _currency(value, currency: str, pattern: str | None, currency_digits: bool, locale) -> str:
    return numbers.format_currency(value, currency, format=pattern, locale=locale, currency_digits=currency_digits)


def format_decimal(value, format: str | None = None) -> str:  # flask_babel's signature
    """flask_babel.format_decimal, remembered per value, pattern and locale."""
    return _decimal(value, format, get_locale())


def format_number(value) -> str:
    """flask_babel.format_number (the `numberformat` filter), remembered."""
    return _decimal(value, None, get_locale())


def format_currency(value, currency: str, format: str | None = None,  # flask_babel's signature
                    currency_digits: bool = True) -> str:
    """flask_babel.format_currency (standard format type), remembered."""
    return _currency(value, currency, format, currency_digits, get_locale())


def format_input(value, decimals: int = INPUT_DECIMALS) -> str:
    """A value as an <input> shows it in the reader's locale ("180.000", "1.234,5" in Italian), so that
    app.core.numbers.parse_number reads it back; "" for None. Remembered, like the formats above: a
    targets grid is hundreds of inputs."""
    if value is None:
        return ""
    return without_negative_zero(_decimal(value, input_pattern(decimals), get_locale()))


def localize_stored(row, attribute: str, english: str, translation) -> bool:
    """Rewrite a built-in row's stored text (seeded in English) into the current locale, while it still reads
    exactly as its English default: a text HR edited is theirs and stays as written. True if it changed."""
    if translation is None or getattr(row, attribute) != english:
        return False
    text = str(translation)
    if text == english:
        return False
    setattr(row, attribute, text)
    return True


def localize_defaults(rows, defaults: dict[str, dict[str, str]], translations: dict, *, key: str = "key") -> int:
    """`localize_stored` for every built-in among `rows`: `defaults` gives, by the row's `key`, the English
    default of each attribute; `translations` an English text's translation. How many texts changed."""
    changed = 0
    for row in rows:
        for attribute, english in defaults.get(getattr(row, key), {}).items():
            changed += localize_stored(row, attribute, english, translations.get(english))
    return changed
