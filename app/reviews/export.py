"""A cycle as CSV: one row per review the reader may see. Spreadsheet formulas never run from it."""

import csv
import io
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from app.core.timezones import local_time
from app.reviews.models import Review

# A cell starting with one of these is a formula to Excel and LibreOffice: prefix it with a quote.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def header(zone: ZoneInfo) -> list[str]:
    # Times are the reader's wall clock; the header names the zone, since a spreadsheet cell can't.
    return [_("Person"), _("Employee number"), _("Store"), _("Manager"), _("Self overall"), _("Manager overall"),
            _("Calibrated rating"), _("Calibration reason"), _("Signed off at (%(zone)s)", zone=zone.key)]


def row(review: Review, zone: ZoneInfo) -> list[str]:
    signed_off = local_time(review.signed_off_at, zone).strftime("%Y-%m-%d %H:%M") if review.signed_off_at else ""
    return [safe_cell(value) for value in (
        review.person.full_name, review.person.employee_number, review.store.name if review.store else "",
        review.manager.full_name if review.manager else "", review.self_overall, review.overall_rating,
        review.calibrated_rating, review.calibration_reason, signed_off)]


def cycle_csv(reviews: list[Review], zone: ZoneInfo) -> str:
    """The reviews as CSV, times in `zone` (the reader's store zone)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header(zone))
    writer.writerows(row(review, zone) for review in reviews)
    return buffer.getvalue()
