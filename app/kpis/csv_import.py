"""CSV upload of measurements: store code, date, KPI code, value and optionally an employee number.
Every line is checked first (through measurements.save_measurements); one bad line and nothing is saved.
Header names in English or Italian, comma or semicolon separated, UTF-8 with or without BOM."""

from dataclasses import dataclass, field

from flask_babel import gettext as _

from app.core.csvfiles import CsvProblem, read_table
from app.kpis.measurements import MeasurementErrors, save_measurements
from app.org.models import Person

COLUMN_ALIASES = {
    "store": {"store", "store_code", "negozio", "punto vendita"},
    "date": {"date", "day", "data", "giorno"},
    "kpi": {"kpi", "kpi_code", "indicatore"},
    "value": {"value", "valore"},
    "person": {"employee_number", "person", "employee", "matricola"},
}
REQUIRED = ("store", "date", "kpi", "value")


@dataclass
class LineProblem:
    line: int
    messages: list[str]


@dataclass
class CsvReport:
    rows: int = 0
    saved: int = 0
    problems: list[LineProblem] = field(default_factory=list)
    fatal: str | None = None

    @property
    def ok(self) -> bool:
        return self.fatal is None and not self.problems


def import_measurements(actor: Person, raw: bytes, *, allowed_store_ids: set[int] | None,
                        locale: str, max_rows: int = 20000, recent_only: bool = False) -> CsvReport:
    """The caller commits when the report is ok (and rolls back otherwise). `recent_only`: lines older
    than the entry window are refused (see measurements.entry_window_days). Values are read in the
    uploader's `locale`, as Excel writes them for them: "1.234,50" in Italian (app.core.numbers: a plain
    "1234.5" is refused there with the way to write it, rather than guessed)."""
    report = CsvReport()
    try:
        table = read_table(raw, COLUMN_ALIASES, REQUIRED, max_rows=max_rows,
                           missing_hint=_("(store, date, kpi, value, and optionally employee_number)"),
                           empty_message=_("The file has a header but no measurements."))
    except CsvProblem as problem:
        report.fatal = problem.message
        return report
    report.rows = len(table.lines)
    items = [{name: table.cell(row, name) for name in COLUMN_ALIASES} for _number, row in table.lines]
    for item in items:
        if not item["person"]:
            item.pop("person")
    try:
        result = save_measurements(items, source="csv", entered_by=actor, allowed_store_ids=allowed_store_ids,
                                   text_locale=locale, recent_only=recent_only)
    except MeasurementErrors as errors:
        by_line: dict[int, list[str]] = {}
        for problem in errors.problems:
            line = table.lines[problem.index][0] if problem.index >= 0 else 1
            by_line.setdefault(line, []).append(problem.message)
        report.problems = [LineProblem(line, messages) for line, messages in sorted(by_line.items())]
        return report
    report.saved = result.count
    return report
