"""app/core/csvfiles: the encodings and date forms every CSV import accepts."""

from datetime import date

import pytest

from app.core.csvfiles import BadCell, CsvProblem, decode_text, parse_date, read_table


def test_valid_utf8_is_read_as_utf8_with_or_without_bom():
    assert decode_text("Niccolò".encode()) == ("Niccolò", "UTF-8")
    assert decode_text("\ufeffNiccolò".encode()) == ("Niccolò", "UTF-8")


def test_anything_else_is_read_as_windows_1252():
    assert decode_text("Niccolò; Lucía; € 5".encode("cp1252")) == ("Niccolò; Lucía; € 5", "Windows-1252")


@pytest.mark.parametrize("raw", [b"a,b\x00c", "ab".encode("utf-16"), b"caf\x81"])
def test_binary_or_undecodable_files_are_refused(raw):
    with pytest.raises(CsvProblem):
        decode_text(raw)


@pytest.mark.parametrize(("text", "expected"), [
    ("31/12/2026", date(2026, 12, 31)), ("1/2/2026", date(2026, 2, 1)), ("31-12-2026", date(2026, 12, 31)),
    ("31.12.2026", date(2026, 12, 31)), ("2026-12-31", date(2026, 12, 31)), (" 05/03/2019 ", date(2019, 3, 5)),
])
def test_day_first_and_iso_dates(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(("text", "message"), [
    ("31/12/26", "needs a four-digit year"), ("31.12.026", "needs a four-digit year"),
    ("12/31/2026", "is not a day of the calendar"), ("29/02/2026", "is not a day of the calendar"),
    ("31/12-2026", "is not a date"), ("yesterday", "is not a date"), ("2026/12/31", "is not a date"),
])
def test_two_digit_years_impossible_and_unreadable_dates_are_refused(text, message):
    with pytest.raises(BadCell) as refused:
        parse_date(text)
    assert message in refused.value.message


def test_the_table_knows_its_header_and_encoding():
    raw = "Matricola;Nome;Scarpe\nN1;Niccolò;42\n".encode("cp1252")
    table = read_table(raw, {"number": ("matricola",), "name": ("nome",)}, ("number",), max_rows=10)
    assert table.encoding == "Windows-1252" and table.header == ("Matricola", "Nome", "Scarpe")
    assert table.cell(table.lines[0][1], "name") == "Niccolò"


def test_a_required_entry_may_be_one_of_several_columns():
    aliases = {"full": ("full_name",), "first": ("nome",), "role": ("role",)}
    assert read_table(b"nome,role\nAnna,staff\n", aliases, (("full", "first"), "role"), max_rows=10)
    with pytest.raises(CsvProblem) as refused:
        read_table(b"cognome,role\nUno,staff\n", aliases, (("full", "first"), "role"), max_rows=10)
    assert "Missing columns: full." in refused.value.message
