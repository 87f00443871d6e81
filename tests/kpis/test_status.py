"""Status against a target honours the KPI's direction: 100 % or better on track, from 90 % at risk."""

import pytest

from app.kpis.queries import status


@pytest.mark.parametrize(("value", "target", "expected"), [
    (100, 100, "on_track"), (130, 100, "on_track"), (95, 100, "at_risk"), (90, 100, "at_risk"),
    (89.9, 100, "off_track"), (0, 100, "off_track"), (None, 100, None), (50, None, None),
])
def test_higher_is_better(lib, value, target, expected):
    assert status(lib["sales"], value, target) == expected


@pytest.mark.parametrize(("value", "target", "expected"), [
    (4.0, 5.0, "on_track"), (5.0, 5.0, "on_track"), (5.5, 5.0, "at_risk"), (6.0, 5.0, "off_track"),
    (0, 5.0, "on_track"), (None, 5.0, None),
])
def test_lower_is_better(lib, value, target, expected):
    assert status(lib["returns_rate"], value, target) == expected
    assert status(lib["response_time"], value, target) == expected


def test_a_zero_target(lib):
    assert status(lib["sales"], 0, 0) == "on_track"
    assert status(lib["returns"], 3, 0) == "off_track"
    assert status(lib["returns"], 0, 0) == "on_track"
