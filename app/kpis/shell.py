"""The KPI targets line of a new chain's set-up checklist (declared in app/kpis/__init__.py)."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.home.setup import SetupItem
from app.kpis.models import KpiTarget


def setup_items() -> list[SetupItem]:
    targets = db.session.scalar(sa.select(sa.func.count(KpiTarget.id))) or 0
    return [SetupItem("kpi_targets", _l("KPI targets"), _l("The stores' targets for this month or quarter."),
                      targets > 0, "kpis.targets_page")]
