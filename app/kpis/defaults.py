"""The retail KPI library every company starts with. The migration seeds it (in English); `ensure_defaults`
puts back what is missing (tests empty the tables; the demo calls it too); `localize_builtins` rewrites the
names and descriptions HR hasn't changed into the company's language (app/org/company.py)."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.core.i18n import localize_defaults
from app.extensions import db
from app.kpis.models import KpiDefinition
from app.org.company import add_builtins

# code, name, unit, direction, aggregation, numerator, denominator, scale, decimals, description
BUILT_IN = (
    ("sales", "Sales", "currency", "higher", "sum", None, None, 1.0, 0, "Net sales, taxes excluded."),
    ("transactions", "Transactions", "count", "higher", "sum", None, None, 1.0, 0, "Receipts issued."),
    ("footfall", "Footfall", "count", "higher", "sum", None, None, 1.0, 0, "Visitors counted at the door."),
    ("units_sold", "Units sold", "count", "higher", "sum", None, None, 1.0, 0, "Items sold."),
    ("returns", "Returns", "count", "lower", "sum", None, None, 1.0, 0, "Items brought back."),
    ("conversion_rate", "Conversion rate", "percent", "higher", "ratio", "transactions", "footfall", 100.0, 1,
     "Transactions ÷ footfall."),
    ("average_transaction_value", "Average transaction value", "currency", "higher", "ratio", "sales",
     "transactions", 1.0, 2, "Sales ÷ transactions."),
    ("units_per_transaction", "Units per transaction", "decimal", "higher", "ratio", "units_sold",
     "transactions", 1.0, 2, "Units sold ÷ transactions."),
    ("returns_rate", "Returns rate", "percent", "lower", "ratio", "returns", "units_sold", 100.0, 1,
     "Returns ÷ units sold."),
    ("customer_satisfaction", "Customer satisfaction", "score", "higher", "average", None, None, 1.0, 1,
     "Average survey score, 1 to 5."),
    ("response_time", "Average customer response time", "seconds", "lower", "average", None, None, 1.0, 0,
     "Seconds until a customer is greeted or answered."),
    ("loyalty_churn", "Loyalty member churn", "percent", "lower", "average", None, None, 1.0, 1,
     "Share of loyalty members lost in the period."),
)


# Each English name and description above in the current language (make extract-messages finds them here).
TRANSLATED = {
    "Sales": _l("Sales"),
    "Net sales, taxes excluded.": _l("Net sales, taxes excluded."),
    "Transactions": _l("Transactions"),
    "Receipts issued.": _l("Receipts issued."),
    "Footfall": _l("Footfall"),
    "Visitors counted at the door.": _l("Visitors counted at the door."),
    "Units sold": _l("Units sold"),
    "Items sold.": _l("Items sold."),
    "Returns": _l("Returns"),
    "Items brought back.": _l("Items brought back."),
    "Conversion rate": _l("Conversion rate"),
    "Transactions ÷ footfall.": _l("Transactions ÷ footfall."),
    "Average transaction value": _l("Average transaction value"),
    "Sales ÷ transactions.": _l("Sales ÷ transactions."),
    "Units per transaction": _l("Units per transaction"),
    "Units sold ÷ transactions.": _l("Units sold ÷ transactions."),
    "Returns rate": _l("Returns rate"),
    "Returns ÷ units sold.": _l("Returns ÷ units sold."),
    "Customer satisfaction": _l("Customer satisfaction"),
    "Average survey score, 1 to 5.": _l("Average survey score, 1 to 5."),
    "Average customer response time": _l("Average customer response time"),
    "Seconds until a customer is greeted or answered.": _l("Seconds until a customer is greeted or answered."),
    "Loyalty member churn": _l("Loyalty member churn"),
    "Share of loyalty members lost in the period.": _l("Share of loyalty members lost in the period."),
}


# code: (lowest, highest) valid value; None leaves that end open. Migration 0020 seeds the same.
RANGES = {
    "sales": (0.0, None), "transactions": (0.0, None), "footfall": (0.0, None), "units_sold": (0.0, None),
    "returns": (0.0, None), "conversion_rate": (0.0, 100.0), "average_transaction_value": (0.0, None),
    "units_per_transaction": (0.0, None), "returns_rate": (0.0, 100.0), "customer_satisfaction": (1.0, 5.0),
    "response_time": (0.0, None), "loyalty_churn": (0.0, 100.0),
}


def rows() -> list[dict]:
    """The library as plain rows (ratios name their parts by code), for the migration and for tests."""
    return [dict(code=code, name=name, unit=unit, direction=direction, aggregation=aggregation,
                 numerator=numerator, denominator=denominator, scale=scale, decimals=decimals,
                 description=description, position=position * 10, min_value=RANGES[code][0],
                 max_value=RANGES[code][1])
            for position, (code, name, unit, direction, aggregation, numerator, denominator, scale, decimals,
                           description) in enumerate(BUILT_IN, start=1)]


def ensure_defaults(language: str | None = None) -> None:
    """Add the missing built-ins; in `language` when given (English, as the migration seeds, otherwise)."""
    existing = set(db.session.scalars(sa.select(KpiDefinition.code)))
    by_code = {kpi.code: kpi for kpi in db.session.scalars(sa.select(KpiDefinition))}
    added = []
    for row in rows():
        if row["code"] in existing:
            continue
        kpi = KpiDefinition(code=row["code"], name=row["name"], unit=row["unit"], direction=row["direction"],
                            aggregation=row["aggregation"], scale=row["scale"], decimals=row["decimals"],
                            description=row["description"], position=row["position"], built_in=True,
                            min_value=row["min_value"], max_value=row["max_value"],
                            numerator=by_code.get(row["numerator"]), denominator=by_code.get(row["denominator"]))
        added.append(kpi)
        by_code[kpi.code] = kpi
    add_builtins(added, language)


def localize_builtins() -> int:
    """The built-in KPIs' unchanged English names and descriptions, in the current locale. How many texts."""
    english = {row["code"]: {"name": row["name"], "description": row["description"]} for row in rows()}
    changed = localize_defaults(db.session.scalars(sa.select(KpiDefinition).where(KpiDefinition.built_in.is_(True))),
                                english, TRANSLATED, key="code")
    db.session.flush()
    return changed
