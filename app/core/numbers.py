"""Numbers people type, read in their locale: the one rule for every form field, hand-read form value and
CSV cell ("180.000" was once saved as €180 because a parser guessed).

Italian writes 1.234.567,5 ("." groups thousands, "," is the decimal mark); English writes 1,234,567.5.
The rule (`parse_number`):

- digits, with an optional sign (-, + or the minus sign −) and an optional "€" before or after, or "%" after
  (so what the app displays reads back: "€1.840", "12,1 %");
- grouping is optional, but when present it is the locale's group mark (or a space, a no-break or thin
  space, as some locales print) between groups of exactly three digits after a first group of 1–3:
  "180.000" and "1.234.567" in Italian, "180,000" in English; "1.2.3" and "12.34.5" are refused;
- at most one decimal mark, the locale's, with digits on both sides: "60,5" in Italian, "60.5" in English.

Nothing is guessed. So in Italian "4.250" is four thousand two hundred and fifty (a "." before exactly three
digits groups thousands), while "60.5", "12.34" or "1,234.5" are refused with the way to write them
("Write 60,5: …"); English mirrors it ("60,5" refused, "4,250" is 4250). A machine-written "1234.5" in an
Italian CSV is refused too, with the same hint: one rule everywhere, and the JSON API takes JSON numbers.

`format_for_input` writes a value the way `parse_number` reads it back, for <input> values."""

import re
from decimal import Decimal

from babel import Locale
from babel import numbers as babel_numbers
from flask_babel import gettext as _

from app.core.errors import ServiceError

MAX_LENGTH = 40  # a longer "number" is junk; keeps the regex and Decimal cheap
INPUT_DECIMALS = 4  # what an <input> shows at most (the stored values are floats)
_SPACES = "\u0020\u00a0\u202f\u2009"  # space, no-break space, narrow no-break space, thin space
_MINUS = "-\u2212"  # the hyphen people type, the minus sign some locales print
_SIGNS = _MINUS + "+"


class NumberError(ServiceError, ValueError):
    """Not a number in this locale; `message` (translated) says how to write it. A ValueError too, so
    WTForms fields and the measurement checks treat it as the bad value it is."""


def _symbols(locale) -> tuple[str, str]:
    """(decimal mark, group mark) of the locale."""
    return babel_numbers.get_decimal_symbol(locale), babel_numbers.get_group_symbol(locale)


def _grammar(decimal: str, group: str) -> re.Pattern:
    groups = re.escape(group) + "".join(re.escape(space) for space in _SPACES if space != group)
    return re.compile(
        rf"(?P<whole>[0-9]+|[0-9]{{1,3}}(?:[{groups}][0-9]{{3}})+)(?:{re.escape(decimal)}(?P<fraction>[0-9]+))?",
        re.ASCII)


def _read(body: str, decimal: str, group: str) -> Decimal | None:
    """The unsigned number in `body` under these marks; None when it doesn't follow them."""
    match = _grammar(decimal, group).fullmatch(body)
    if match is None:
        return None
    whole = re.sub("[^0-9]", "", match["whole"])
    fraction = match["fraction"]
    return Decimal(f"{whole}.{fraction}" if fraction else whole)


def _strip_decorations(text: str, symbols: str) -> tuple[bool, str]:
    """(negative, the digits and marks): the sign, and "€" or "%" as the app's displays show them; a symbol
    not in `symbols` is refused (a "5 %" typed as a sales target is not €5)."""
    text = text.strip(_SPACES + "\t")
    for symbol in "€%":
        if symbol in text and symbol not in symbols:
            raise NumberError(_("“%(text)s”: this value is not in “%(symbol)s”; type the number alone.",
                                text=text[:20], symbol=symbol))
    if text.endswith("%"):
        text = text[:-1].rstrip(_SPACES)
    elif text.endswith("€"):
        text = text[:-1].rstrip(_SPACES)
    signed = bool(text) and text[0] in _SIGNS  # "-€1.840" (how Babel writes a negative amount), "-1.840"
    negative, text = (text[0] in _MINUS, text[1:].lstrip(_SPACES)) if signed else (False, text)
    if text.startswith("€"):
        text = text[1:].lstrip(_SPACES)
        if not signed and text and text[0] in _SIGNS:  # "€ -1.840"
            negative, text = text[0] in _MINUS, text[1:].lstrip(_SPACES)
    return negative, text


def parse_number(text, locale, *, symbols: str = "€%") -> Decimal:
    """The number `text` writes in `locale` ("it", "en" or a babel Locale); NumberError otherwise.

    See the module's docstring for the rule. Empty text is an error too: callers decide what blank means.
    `symbols`: which of "€" and "%" the value may carry (a KPI's unit allows its own only)."""
    locale = Locale.parse(str(locale or "en"))
    decimal, group = _symbols(locale)
    raw = str(text if text is not None else "")
    shown = raw.strip()[:20]
    if len(raw) > MAX_LENGTH:
        raise NumberError(_("“%(text)s…” is too long to be a number.", text=shown))
    negative, body = _strip_decorations(raw, symbols)
    if not body:
        raise NumberError(_("Enter a number."))
    value = _read(body, decimal, group)
    if value is None:
        raise NumberError(_how_to_write(shown, body, locale, decimal, group))
    return -value if negative and value else value


def whole_percent(part: int, whole: int) -> int:
    """`part` of `whole` as a rounded percentage (a progress bar's width); 0 of nothing."""
    return round(100 * part / whole) if whole else 0


def parse_whole_number(text, locale) -> int:
    """`parse_number`, for a count: "1.500" is 1500 in Italian; "2,5" is refused (NumberError)."""
    value = parse_number(text, locale)
    if value != value.to_integral_value():
        raise NumberError(_("Enter a whole number."))
    return int(value)


def _how_to_write(shown: str, body: str, locale: Locale, decimal: str, group: str) -> str:
    """The refusal: when the text is a number with the marks the other way round ("60.5" in Italian), say
    how this locale writes it; otherwise say what the marks are, with an example."""
    mirrored = _read(body, group, decimal) if group in ".," and decimal in ".," else None
    if mirrored is not None:
        places = max(-mirrored.as_tuple().exponent, 0)
        suggestion = babel_numbers.format_decimal(mirrored, format="#,##0" + ("." + "0" * places if places else ""),
                                                  locale=locale)
        return _("Write %(suggestion)s: here “%(decimal)s” is the decimal mark and “%(group)s” groups thousands.",
                 suggestion=suggestion, decimal=decimal, group=group)
    example = babel_numbers.format_decimal(Decimal("1234567.5"), format="#,##0.0", locale=locale)
    return _("“%(text)s” is not a number: write it like %(example)s (“%(decimal)s” is the decimal mark, "
             "“%(group)s” groups thousands in threes).", text=shown, example=example, decimal=decimal, group=group)


def input_pattern(decimals: int = INPUT_DECIMALS) -> str:
    """The Babel pattern of an <input>'s value: grouped, up to `decimals` places, no trailing zeros."""
    return "#,##0" + ("." + "#" * decimals if decimals > 0 else "")


def without_negative_zero(text: str) -> str:
    """Babel writes a tiny negative rounded away as "-0"; an input shows "0"."""
    return "0" if text in ("-0", "\u22120") else text


def format_for_input(value, locale, *, decimals: int = INPUT_DECIMALS) -> str:
    """`value` as an <input> shows it, so that `parse_number` reads it back: grouped in the locale ("180.000"
    in Italian), up to `decimals` places without trailing zeros; "" for None. (In a request,
    app.core.i18n.format_input does the same, remembered.)"""
    if value is None:
        return ""
    text = babel_numbers.format_decimal(value, format=input_pattern(decimals), locale=Locale.parse(str(locale or "en")))
    return without_negative_zero(text)
