"""Reading an uploaded CSV the way every import in Ascent does: UTF-8 (with or without BOM) or, failing
that, Windows-1252 (what Excel saves as plain "CSV" on an Italian PC); comma, semicolon or tab; a header
naming the columns by any of their aliases (English or Italian); blank lines skipped; line numbers as the
person sees them in a spreadsheet; dates day first or ISO. Each importer then checks its rows and
applies all of them or none."""

import csv
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _


class CsvProblem(Exception):
    """The file as a whole can't be read: the message says why and what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class BadCell(CsvProblem):
    """One cell can't be used (a date that isn't one): the message names the value and the fix."""


UTF8 = "UTF-8"
WINDOWS_1252 = "Windows-1252"


@dataclass(frozen=True)
class CsvTable:
    columns: dict[str, int | None]  # logical column -> index in the file (None: absent)
    lines: list[tuple[int, list[str]]]  # (line number in the file, cells)
    header: tuple[str, ...] = ()  # the first line as written, to show how each column was read
    encoding: str = UTF8  # UTF8 or WINDOWS_1252: the preview says which one was used

    def cell(self, row: list[str], name: str) -> str:
        index = self.columns.get(name)
        return row[index].strip() if index is not None and index < len(row) else ""


def _dialect(text: str):
    try:
        return csv.Sniffer().sniff(text.splitlines()[0], delimiters=",;\t")
    except csv.Error:
        return csv.excel


def _rows(reader) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) for each line, numbered as a spreadsheet numbers its rows. A line the csv
    module can't read (a cell over its field size limit, 128 KB; a stray line break) is a CsvProblem
    naming that line: left alone, its csv.Error made every import a 500."""
    number = 0
    while True:
        number += 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                raise CsvProblem(_("Line %(line)d has a cell longer than %(kb)d KB. Shorten it and upload the "
                                   "file again (a quote that opens a cell and never closes makes the rest of "
                                   "the file one long cell).", line=number,
                                   kb=csv.field_size_limit() // 1024)) from error
            raise CsvProblem(_("Line %(line)d can't be read as CSV (a stray line break or quote). Fix it in your "
                               "spreadsheet and upload the file again.", line=number)) from error
        yield number, row


def decode_text(raw: bytes) -> tuple[str, str]:
    """The file as text, and the encoding it was read with. Valid UTF-8 is UTF-8 (a Windows-1252 file with
    accents is almost never valid UTF-8 by chance); anything else is read as Windows-1252, Excel's "CSV"
    on Italian and other Western European PCs. A NUL byte means it isn't a text file at all (a workbook, a
    picture, UTF-16): decoding it as Windows-1252 would "succeed" and import rubbish."""
    if b"\x00" in raw:
        raise CsvProblem(_("The file is not a text CSV file. In your spreadsheet choose “Save as” → “CSV” "
                           "and upload that file."))
    try:
        return raw.decode("utf-8-sig"), UTF8
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), WINDOWS_1252
    except UnicodeDecodeError as error:  # five byte values Windows-1252 leaves undefined
        raise CsvProblem(_("The file is neither UTF-8 nor Windows-1252 text. Save it as “CSV UTF-8” and try "
                           "again.")) from error


# Day first, as written in Italy (31/12/2026, 31-12-2026, 31.12.2026), or ISO (2026-12-31).
DATE_EXAMPLES = ("31/12/2026", "31-12-2026", "31.12.2026", "2026-12-31")
_DAY_FIRST = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d+)")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def parse_date(text: str) -> date:
    """A date as Italian HR systems and Excel write it, or BadCell. Two-digit years are refused rather than
    guessed (is 30 1930 or 2030?)."""
    text = text.strip()
    if match := _ISO.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
    elif match := _DAY_FIRST.fullmatch(text):
        day, month, year = int(match[1]), int(match[3]), match[4]
        if len(year) != 4:
            raise BadCell(_("“%(value)s” needs a four-digit year, like %(example)s.", value=text,
                            example=DATE_EXAMPLES[0]))
        year = int(year)
    else:
        raise BadCell(_("“%(value)s” is not a date: write it like %(examples)s.", value=text,
                        examples=", ".join(DATE_EXAMPLES)))
    try:
        return date(year, month, day)
    except ValueError as error:
        raise BadCell(_("“%(value)s” is not a day of the calendar.", value=text)) from error


def _is_missing(columns: Mapping[str, int | None], required) -> bool:
    """A required entry is a column name, or a tuple of names any one of which will do."""
    names = required if isinstance(required, tuple) else (required,)
    return all(columns[name] is None for name in names)


def read_table(raw: bytes, aliases: Mapping[str, set[str] | tuple[str, ...]], required, *, max_rows: int,
               missing_hint: str = "", empty_message: str = "", too_many_message: str = "") -> CsvTable:
    """The file's rows by logical column, or CsvProblem for a file that can't be used at all. `required`
    lists column names; a tuple of names in it means any one of them (the message names the first)."""
    text, encoding = decode_text(raw)
    if not text.strip():
        raise CsvProblem(_("The file is empty."))
    rows = _rows(csv.reader(io.StringIO(text), dialect=_dialect(text)))
    _number, first = next(rows)
    header = [cell.strip().lower() for cell in first]
    columns = {name: next((index for index, cell in enumerate(header) if cell in names), None)
               for name, names in aliases.items()}
    missing = [entry[0] if isinstance(entry, tuple) else entry for entry in required
               if _is_missing(columns, entry)]
    if missing:
        raise CsvProblem(_("Missing columns: %(cols)s. The first line must name the columns.",
                           cols=", ".join(missing)) + (f" {missing_hint}" if missing_hint else ""))
    lines = [(number, row) for number, row in rows if any(cell.strip() for cell in row)]
    if not lines:
        raise CsvProblem(empty_message or _("The file has a header but no rows."))
    if len(lines) > max_rows:
        raise CsvProblem(too_many_message or _("At most %(n)d lines per file. Split the file and upload each part.",
                                               n=max_rows))
    return CsvTable(columns, lines, tuple(first), encoding)
