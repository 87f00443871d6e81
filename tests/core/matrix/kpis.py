"""KPI dashboards, targets, entry, upload and the library; the KPI measurements API endpoint."""

from tests.core.access import ORG_ADMINS, PEOPLE_MANAGERS, STORE, Access

TARGET_SETTERS = frozenset({"district_manager", "hr", "admin"})

EXPECTATIONS = {
    "kpis.store_dashboard": Access(PEOPLE_MANAGERS),  # store managers see theirs; others are sent on
    "kpis.store_view": Access(PEOPLE_MANAGERS, scope=STORE),
    "kpis.district_dashboard": Access(TARGET_SETTERS),
    "kpis.entry": Access(frozenset({"store_manager"})),
    "kpis.upload": Access(PEOPLE_MANAGERS),
    "kpis.targets_page": Access(TARGET_SETTERS),
    "kpis.target_cell": Access(TARGET_SETTERS, scope=STORE),
    "kpis.copy_targets": Access(TARGET_SETTERS),
    "kpis.library_page": Access(ORG_ADMINS),
    "kpis.new_kpi": Access(ORG_ADMINS),
    "kpis.edit_kpi": Access(ORG_ADMINS),
    "kpis.set_kpi_active": Access(ORG_ADMINS),
    "kpis.delete_kpi": Access(ORG_ADMINS),
    "api.save_kpi_measurements": Access(frozenset(), api_token=True),
}

# store_id names a store through the person the case targets: their own store, or (for people without
# a store: district managers, HR, admins) a store in the other district.
PERSON_ARGUMENTS = frozenset({"store_id"})


def _store_id(org, person) -> dict:
    return {"store_id": person.store_id if person.store_id else org.other_store.id}


def _kpi_id(_org, _person) -> dict:
    import sqlalchemy as sa

    from app.extensions import db
    from app.kpis.defaults import ensure_defaults
    from app.kpis.models import KpiDefinition

    ensure_defaults()
    db.session.commit()
    return {"kpi_id": db.session.scalar(sa.select(KpiDefinition.id).where(KpiDefinition.code == "footfall"))}


# Per endpoint, so another feature's <store_id> or <kpi_id> keeps its own maker.
ENDPOINT_ARGUMENT_VALUES = {
    ("kpis.store_view", "store_id"): _store_id,
    ("kpis.target_cell", "store_id"): _store_id,
    ("kpis.target_cell", "kpi_id"): _kpi_id,
    ("kpis.edit_kpi", "kpi_id"): _kpi_id,
    ("kpis.set_kpi_active", "kpi_id"): _kpi_id,
    ("kpis.delete_kpi", "kpi_id"): _kpi_id,
}
