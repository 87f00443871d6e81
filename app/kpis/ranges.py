"""A KPI's valid range: the one check every way in uses (the entry form, CSV, the API, target cells and
copying targets with an uplift), so a satisfaction of 12 on a 1–5 scale is refused everywhere alike."""

from flask_babel import gettext as _

from app.kpis.display import number
from app.kpis.models import Aggregation, KpiDefinition


def range_text(kpi: KpiDefinition) -> str:
    """"1.0–5.0", "at least 0", "at most 100 %"; "" when the KPI has no range."""
    low, high = kpi.min_value, kpi.max_value
    if low is not None and high is not None:
        return _("%(low)s to %(high)s", low=number(kpi, low), high=number(kpi, high))
    if low is not None:
        return _("at least %(low)s", low=number(kpi, low))
    if high is not None:
        return _("at most %(high)s", high=number(kpi, high))
    return ""


def _outside(kpi: KpiDefinition, value: float, *, use_max: bool) -> bool:
    return (kpi.min_value is not None and value < kpi.min_value) or \
        (use_max and kpi.max_value is not None and value > kpi.max_value)


def measurement_problem(kpi: KpiDefinition, value: float) -> str | None:
    """Why one day's `value` can't be stored for `kpi`; None when it fits the range."""
    if not _outside(kpi, value, use_max=True):
        return None
    return _("%(value)s is outside the valid range of %(name)s (%(range)s).", value=number(kpi, value),
             name=kpi.name, range=range_text(kpi))


def target_problem(kpi: KpiDefinition, value: float) -> str | None:
    """Why `value` can't be a target for `kpi`; None when it fits. A sum KPI's target is a month's total,
    so only its lowest value applies (its highest bounds a single day)."""
    if not _outside(kpi, value, use_max=kpi.aggregation != Aggregation.SUM):
        return None
    return _("A target of %(value)s is outside the valid range of %(name)s (%(range)s).", value=number(kpi, value),
             name=kpi.name, range=range_text(kpi))
