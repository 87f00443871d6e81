"""The people import (app/org/import_routes.py) in the authorization matrix: HR and administrators only.
The preview is org.import_people_page; the confirm step refuses an empty form with its reason (422)."""

from tests.core.access import ORG_ADMINS, Access

EXPECTATIONS = {
    "org.confirm_import_people": Access(ORG_ADMINS),
}
