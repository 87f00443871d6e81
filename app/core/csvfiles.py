"""Reading an uploaded CSV the way every import in Ascent does: UTF-8 (with or without BOM), comma,
semicolon or tab, a header naming the columns by any of their aliases (English or Italian), blank lines
skipped, line numbers as the person sees them in a spreadsheet. Each importer then checks its rows and
applies all of them or none."""

import csv
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from flask_babel import gettext as _


class CsvProblem(Exception):
    """The file as a whole can't be read: the message says why and what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CsvTable:
    columns: dict[str, int | None]  # logical column -> index in the file (None: absent)
    lines: list[tuple[int, list[str]]]  # (line number in the file, cells)

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


def read_table(raw: bytes, aliases: Mapping[str, set[str] | tuple[str, ...]], required, *, max_rows: int,
               missing_hint: str = "", empty_message: str = "", too_many_message: str = "") -> CsvTable:
    """The file's rows by logical column, or CsvProblem for a file that can't be used at all."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CsvProblem(_("The file is not UTF-8 text. Save it as “CSV UTF-8” and try again.")) from error
    if not text.strip():
        raise CsvProblem(_("The file is empty."))
    rows = _rows(csv.reader(io.StringIO(text), dialect=_dialect(text)))
    _number, first = next(rows)
    header = [cell.strip().lower() for cell in first]
    columns = {name: next((index for index, cell in enumerate(header) if cell in names), None)
               for name, names in aliases.items()}
    missing = [name for name in required if columns[name] is None]
    if missing:
        raise CsvProblem(_("Missing columns: %(cols)s. The first line must name the columns.",
                           cols=", ".join(missing)) + (f" {missing_hint}" if missing_hint else ""))
    lines = [(number, row) for number, row in rows if any(cell.strip() for cell in row)]
    if not lines:
        raise CsvProblem(empty_message or _("The file has a header but no rows."))
    if len(lines) > max_rows:
        raise CsvProblem(too_many_message or _("At most %(n)d lines per file. Split the file and upload each part.",
                                               n=max_rows))
    return CsvTable(columns, lines)
