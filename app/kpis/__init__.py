"""Store KPIs: the library of definitions, targets per store and period, daily measurements."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.core.features import Checklist, Feature, Link, Place
from app.core.navigation import TabLight, tab
from app.org.models import ORG_WIDE_ROLES, Role
from app.points.sources import source_type

bp = Blueprint("kpis", __name__, url_prefix="/kpis")

ORG_ADMINS = frozenset(ORG_WIDE_ROLES)


feature = Feature(
    name="kpis",
    blueprints=(bp,),
    modules=("app.kpis.jobs",),
    tabs=(
        tab("kpis.store_dashboard", _l("KPIs"), "chart", (Role.STORE_MANAGER,), order=30,
            also_active_for=("kpis.store_view", "kpis.entry", "kpis.upload")),
        tab("kpis.district_dashboard", _l("Stores"), "store", (Role.DISTRICT_MANAGER,), order=5,
            also_active_for=("kpis.store_view", "kpis.targets_page", "kpis.upload", "org.stores")),
    ),
    lights=(TabLight("home.settings", ORG_ADMINS, ("kpis.new_kpi", "kpis.edit_kpi")),),
    links=(Link(Place.SETTINGS, "kpis.library_page", _l("KPIs"), "chart", ORG_ADMINS,
                _l("The KPI library, store targets and CSV uploads."), order=60),),
    checklist=(Checklist(order=50, items="app.kpis.shell:setup_items"),),
    stylesheet="kpis",
    init_app=source_type("kpi", _l("Store target reached"), "chart"),
    demo="app.kpis.demo:load_kpis",
    demo_order=50,
)
