"""What missions show in the shell: today's missions on the associate's home and the set-up checklist's
onboarding-journey line (declared in app/missions/__init__.py)."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.home.setup import SetupItem
from app.missions.models import OnboardingJourney
from app.missions.queries import todays_missions
from app.org.models import Person


def home_card_context(person: Person) -> dict:
    return {"today_missions": todays_missions(person)}


def setup_items() -> list[SetupItem]:
    journeys = db.session.scalar(sa.select(sa.func.count(OnboardingJourney.id))
                                 .where(OnboardingJourney.active.is_(True))) or 0
    return [SetupItem("journey", _l("Onboarding journey active"), _l("New starters' first missions."), journeys > 0,
                      "missions.journeys")]
