"""Whom a person may give badges to, and how many gives they have left this month."""

import sqlalchemy as sa

from app.badges.models import BadgeDefinition
from app.badges.services import grants_this_month
from app.extensions import db
from app.org.authz import managed_people, visible_people
from app.org.models import ORG_WIDE_ROLES, Person


def giveable_people(giver: Person, limit: int = 200) -> list[Person]:
    """Colleagues they can see and people they manage, active, not themselves."""
    ids = sa.union(visible_people(giver).with_only_columns(Person.id),
                   managed_people(giver).with_only_columns(Person.id)).subquery()
    return list(db.session.scalars(sa.select(Person).where(
        Person.id.in_(sa.select(ids.c.id)), Person.id != giver.id, Person.active.is_(True))
        .order_by(Person.full_name).limit(limit)))


def limits_left(giver: Person, badges: list[BadgeDefinition]) -> dict[int, int]:
    if giver.role in ORG_WIDE_ROLES:  # HR's grants are not bound by the monthly limits (services.manual_grant)
        return {}
    return {badge.id: max(0, badge.monthly_limit - grants_this_month(giver, badge))
            for badge in badges if badge.monthly_limit is not None}
