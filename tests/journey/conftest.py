"""The default stages and built-in badges are seeded for every test here."""

import pytest


@pytest.fixture(autouse=True)
def _journey_defaults(journey_defaults):
    return journey_defaults
