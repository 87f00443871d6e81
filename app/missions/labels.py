"""Words for a mission's settings, shared by the manager screens (registered as template globals)."""

from flask_babel import gettext as _
from flask_babel import ngettext

from app.missions.models import Audience, Mission, Recurrence
from app.org.models import Role


def recurrence_label(code: str) -> str:
    return Recurrence.label_of(code)


def audience_summary(mission: Mission) -> str:
    where = mission.store.name if mission.store is not None else _("all stores")
    if mission.audience == Audience.STORE:
        return _("Associates · %(where)s", where=where)
    if mission.audience == Audience.ROLE:
        return _("%(role)s · %(where)s", role=Role.label_of(mission.audience_role),
                 where=where)
    if mission.audience == Audience.NEW_HIRES:
        return ngettext("Hired in the last %(num)d day · %(where)s",
                        "Hired in the last %(num)d days · %(where)s", mission.new_hire_days or 0, where=where)
    if mission.audience == Audience.PEOPLE:
        return ngettext("%(num)d person", "%(num)d people", len(mission.targets))
    return _("Onboarding journey")
