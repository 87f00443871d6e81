"""Goals (OKRs) in the authorization matrix. An objective or key result named in a URL is a personal
objective of the person the case targets: they, and whoever manages them, may open, change and check in
on it; nobody else learns that it exists."""

from tests.core.access import EVERYONE, ORG_ADMINS, OWN_OR_MANAGED, PEOPLE_MANAGERS, Access

EXPECTATIONS = {
    "okrs.index": Access(EVERYONE),
    "okrs.objective": Access(EVERYONE, scope=OWN_OR_MANAGED),
    "okrs.check_in": Access(EVERYONE, scope=OWN_OR_MANAGED),
    "okrs.new_objective": Access(EVERYONE),  # anyone writes personal objectives for themselves
    "okrs.edit_objective": Access(EVERYONE, scope=OWN_OR_MANAGED),
    "okrs.set_status": Access(EVERYONE, scope=OWN_OR_MANAGED),
    "okrs.key_result_row": Access(EVERYONE),
    "okrs.templates": Access(PEOPLE_MANAGERS),
    "okrs.new_template": Access(PEOPLE_MANAGERS),
    "okrs.apply_template": Access(PEOPLE_MANAGERS),
    # The test template is the admin's: only its author and HR may delete it.
    "okrs.delete_template": Access(ORG_ADMINS),
}

FORM_DATA = {
    "okrs.set_status": {"status": "archived"},
}

PERSON_ARGUMENTS = frozenset({"objective_id", "key_result_id"})


def _personal_objective(person):
    from datetime import date

    from app.extensions import db
    from app.kpis.aggregation import period_bounds
    from app.okrs.models import KeyResult, Objective

    start, end = period_bounds("quarter", date.today())
    objective = Objective(title="Learn the new till", level="person", person_id=person.id, owner_id=person.id,
                          period_start=start, period_end=end)
    db.session.add(objective)
    db.session.flush()
    key_result = KeyResult(objective_id=objective.id, title="Transactions on the new till", kind="number",
                           start_value=0, target_value=50, current_value=10)
    db.session.add(key_result)
    db.session.commit()
    return objective, key_result


def _objective_id(_org, person) -> dict:
    return {"objective_id": _personal_objective(person)[0].id}


def _key_result_id(_org, person) -> dict:
    return {"key_result_id": _personal_objective(person)[1].id}


def _goal_template_id(org, _person) -> dict:
    from app.extensions import db
    from app.okrs.models import GoalTemplate

    template = GoalTemplate(name="Store basics", level="store", title="Every customer greeted",
                            key_results=[{"title": "Greeting", "kind": "number", "start": 0, "target": 10,
                                          "weight": 1, "kpi_code": None}], created_by_id=org.admin.id)
    db.session.add(template)
    db.session.commit()
    return {"goal_template_id": template.id}


ARGUMENT_VALUES = {
    "objective_id": _objective_id,
    "key_result_id": _key_result_id,
    "goal_template_id": _goal_template_id,
}
