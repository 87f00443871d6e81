"""Leaderboards in the authorization matrix: every signed-in person has a board (their store's for
staff and store managers, their district's for district managers, the company's for HR and admins);
the privacy setting is everyone's own."""

from tests.core.access import EVERYONE, Access

EXPECTATIONS = {
    "leaderboards.board": Access(EVERYONE),
    "leaderboards.card": Access(EVERYONE),
    "leaderboards.privacy": Access(EVERYONE),
}
FORM_DATA = {
    "leaderboards.privacy": {"hidden": "1"},
}
