"""How KPI values read: numbers in the person's locale with the KPI's unit, statuses told by word and icon,
and sparklines as SVG points (server-rendered, so no chart script and nothing the CSP must allow)."""

from datetime import date

from flask_babel import lazy_gettext as _l

from app.core.i18n import format_currency, format_decimal, format_input  # remembered: dashboards repeat their numbers
from app.kpis.models import KpiDefinition, Unit

CURRENCY = "EUR"
ON_TRACK, AT_RISK, OFF_TRACK = "on_track", "at_risk", "off_track"
STATUS_LABELS = {ON_TRACK: _l("On track"), AT_RISK: _l("At risk"), OFF_TRACK: _l("Off track")}
# Icons from the sprite: the status is never told by colour alone.
STATUS_ICONS = {ON_TRACK: "check", AT_RISK: "alert", OFF_TRACK: "alert"}
STATUS_ORDER = {OFF_TRACK: 0, AT_RISK: 1, ON_TRACK: 2, None: 3}  # what needs attention first
UNIT_LABELS = Unit.labels()


def number(kpi: KpiDefinition, value: float | None, *, compact: bool = False) -> str:
    """`value` as the KPI shows it: "12.1 %", "€ 1,840", "42 s"; an en dash for no value."""
    if value is None:
        return "–"
    decimals = kpi.decimals
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    if kpi.unit == Unit.CURRENCY:
        if compact and abs(value) >= 10_000:
            return format_currency(value / 1000, CURRENCY, format="¤#,##0.0", currency_digits=False) + "k"
        return format_currency(value, CURRENCY, format="¤#,##0" + ("." + "0" * decimals if decimals else ""),
                               currency_digits=False)
    text = format_decimal(value, format=pattern)
    if kpi.unit == Unit.PERCENT:
        return f"{text} %"
    if kpi.unit == Unit.SECONDS:
        return f"{text} s"
    return text


def unit_symbol(kpi: KpiDefinition | None) -> str:
    """The symbol a value of this KPI may be typed with ("€", "%"), as `number` shows it; "" for the rest."""
    unit = getattr(kpi, "unit", None)
    return "€" if unit == Unit.CURRENCY else "%" if unit == Unit.PERCENT else ""


def input_value(value: float | None) -> str:
    """A value as an <input> shows it, in the reader's locale so it reads back: "180.000", "1.234,5" in
    Italian; no trailing zeros."""
    return format_input(value)


def sparkline_points(values: list[float | None], width: int = 100, height: int = 28) -> str:
    """The `points` of an SVG <polyline> through the values that exist ("" when fewer than two)."""
    present = [(index, value) for index, value in enumerate(values) if value is not None]
    if len(present) < 2:
        return ""
    low = min(value for _i, value in present)
    high = max(value for _i, value in present)
    spread = (high - low) or 1.0
    step = width / max(len(values) - 1, 1)
    pad = 2
    return " ".join(f"{index * step:.1f},{pad + (height - 2 * pad) * (1 - (value - low) / spread):.1f}"
                    for index, value in present)


def month_label(day: date) -> str:
    from flask_babel import format_date

    return format_date(day, format="LLLL yyyy")
