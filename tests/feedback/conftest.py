import pytest

from app.extensions import db
from app.feedback.values import ensure_defaults


@pytest.fixture
def company_values(app):
    """The built-in values (the migration seeds them; the app fixture empties the tables): {key: value}."""
    import sqlalchemy as sa

    from app.feedback.models import CompanyValue

    ensure_defaults()
    db.session.commit()
    return {value.key: value for value in db.session.scalars(sa.select(CompanyValue))}
