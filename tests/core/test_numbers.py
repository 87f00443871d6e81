"""Numbers typed by people are read in their locale, nothing ambiguous is guessed, and whatever the app
shows (its inputs, its KPI values, its amounts) reads back to the same value."""

from decimal import Decimal

import pytest
from flask_babel import force_locale
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.i18n import format_currency, format_decimal, format_input
from app.core.numbers import NumberError, format_for_input, parse_number, parse_whole_number
from app.kpis import display
from app.kpis.models import KpiDefinition, Unit


@pytest.mark.parametrize(("text", "value"), [
    ("180.000", 180000), ("4.250", 4250), ("60,50", Decimal("60.5")), ("-3,5", Decimal("-3.5")),
    ("0,05", Decimal("0.05")), ("1.234.567,89", Decimal("1234567.89")), ("1234567,89", Decimal("1234567.89")),
    ("€ 1.840", 1840), ("€1.840", 1840), ("1.840,00 €", 1840), ("1.840,00\u00a0€", 1840),
    ("-€1.840,50", Decimal("-1840.5")), ("€ -5", -5), ("12,1 %", Decimal("12.1")), ("12,1%", Decimal("12.1")),
    ("  42  ", 42), ("+5", 5), ("\u22125", -5), ("-0", 0), ("1 234,5", Decimal("1234.5")),
    ("1\u00a0234\u00a0567", 1234567), ("1\u202f234", 1234), ("007", 7),
])
def test_italian_reads_dots_as_thousands_and_the_comma_as_decimal(text, value):
    assert parse_number(text, "it") == Decimal(value)


@pytest.mark.parametrize(("text", "value"), [
    ("180,000", 180000), ("4,250", 4250), ("60.50", Decimal("60.5")), ("-3.5", Decimal("-3.5")),
    ("0.05", Decimal("0.05")), ("1,234,567.89", Decimal("1234567.89")), ("4.250", Decimal("4.25")),
    ("€1,840", 1840), ("€ 1,840.00", 1840), ("-€1,840.50", Decimal("-1840.5")), ("12.1 %", Decimal("12.1")),
    ("1 234.5", Decimal("1234.5")),
])
def test_english_mirrors_it(text, value):
    assert parse_number(text, "en") == Decimal(value)


@pytest.mark.parametrize(("text", "hint"), [
    ("60.5", "Write 60,5"), ("12.34", "Write 12,34"), ("1,234.5", "Write 1.234,5"), ("1234.5", "Write 1.234,5"),
    ("0.5", "Write 0,5"),
])
def test_italian_refuses_an_english_decimal_and_says_how_to_write_it(text, hint):
    with pytest.raises(NumberError) as refused:
        parse_number(text, "it")
    assert refused.value.message.startswith(hint) and "decimal mark" in refused.value.message


@pytest.mark.parametrize(("text", "hint"), [
    ("60,5", "Write 60.5"), ("1.234,5", "Write 1,234.5"), ("0,05", "Write 0.05"),
])
def test_english_refuses_an_italian_decimal_and_says_how_to_write_it(text, hint):
    with pytest.raises(NumberError) as refused:
        parse_number(text, "en")
    assert refused.value.message.startswith(hint)


@pytest.mark.parametrize("locale", ["it", "en"])
@pytest.mark.parametrize("text", [
    "1.2.3", "1,2,3", "12.3456.789", "12,3456,789", "1,23.4", "1.23,4", "1..000", "1,,000", ".5", ",5", "5,", "5.",
    "1e5", "nan", "inf", "0x10", "--5", "+-5", "5-", "€", "%", "", "   ", "abc", "12 %%", "€ € 5", "1.000.00,5",
    "1,000,00.5", "²", "٣", "1" * 41,
])
def test_malformed_numbers_are_refused_in_both_locales(text, locale):
    with pytest.raises(NumberError) as refused:
        parse_number(text, locale)
    assert refused.value.message  # always a sentence for the person


def test_a_refusal_names_the_marks_and_shows_an_example():
    with pytest.raises(NumberError) as refused:
        parse_number("1.2.3", "it")
    assert "1.234.567,5" in refused.value.message
    with pytest.raises(NumberError) as refused:
        parse_number("1,2,3", "en")
    assert "1,234,567.5" in refused.value.message


def test_a_number_error_is_a_value_error_and_a_service_error():
    from app.core.errors import ServiceError

    with pytest.raises(ValueError):
        parse_number("x", "en")
    with pytest.raises(ServiceError):
        parse_number("x", "en")


def test_whole_numbers_refuse_decimals():
    assert parse_whole_number("1.500", "it") == 1500
    assert parse_whole_number("2,0", "it") == 2
    with pytest.raises(NumberError):
        parse_whole_number("2,5", "it")
    with pytest.raises(NumberError):
        parse_whole_number("2.5", "en")


# -- What the app shows reads back ------------------------------------------------------------------

LOCALES = ("it", "en")


def _decimal_value(units: int, places: int) -> Decimal:
    return Decimal(units).scaleb(-places)


@pytest.mark.parametrize("locale", LOCALES)
@given(units=st.integers(-10**12, 10**12), places=st.integers(0, 4))
def test_inputs_read_back_to_the_same_value(locale, units, places):
    value = _decimal_value(units, places)
    assert parse_number(format_for_input(float(value), locale), locale) == value


@pytest.mark.parametrize("locale", LOCALES)
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=80)
@given(units=st.integers(-10**10, 10**10), places=st.integers(0, 4),
       unit=st.sampled_from([Unit.COUNT, Unit.CURRENCY, Unit.PERCENT, Unit.DECIMAL, Unit.SCORE]))
def test_kpi_values_as_displayed_read_back(app, locale, units, places, unit):
    value = _decimal_value(units, places)
    kpi = KpiDefinition(code="probe", name="Probe", unit=unit, decimals=places)
    with app.test_request_context(), force_locale(locale):
        shown = display.number(kpi, float(value))
        assert parse_number(shown, locale) == value, shown
        assert parse_number(display.input_value(float(value)), locale) == value


@pytest.mark.parametrize("locale", LOCALES)
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60)
@given(cents=st.integers(-10**11, 10**11))
def test_amounts_and_grouped_numbers_read_back(app, locale, cents):
    value = _decimal_value(cents, 2)
    with app.test_request_context(), force_locale(locale):
        for shown in (format_currency(float(value), "EUR"), format_decimal(float(value), format="#,##0.00"),
                      format_input(float(value))):
            assert parse_number(shown, locale) == value, shown


def test_inputs_show_the_locale_grouping(app):
    with app.test_request_context():
        with force_locale("it"):
            assert format_input(180000.0) == "180.000" and format_input(1234.5) == "1.234,5"
            assert display.input_value(None) == "" and display.input_value(-0.00001) == "0"
        with force_locale("en"):
            assert format_input(180000.0) == "180,000" and format_input(60.5) == "60.5"
