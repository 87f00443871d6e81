"""The page-load benchmark's machinery at a tiny size: a tiny generated chain on SQLite, gunicorn as the
benchmark runs it, people signed in through the login form, and locust driving each of the four scenarios
with 2 people for 3 seconds. Every request must have succeeded, the figures must be figures, and each
successful mission POST must have completed and paid exactly one assignment."""

import pytest

from bench import page_load
from bench.scale_data import generate

TINY = {"stores": 2, "districts": 1, "people": 30, "entries": 600}


@pytest.mark.slow
def test_every_scenario_runs_without_failures(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'tiny.db'}"
    generate(database_url, quiet=True, **TINY)

    rows = page_load.measure("sqlite", database_url, scenarios=list(page_load.SCENARIOS), users=[2], seconds=3,
                             workers=None, workdir=str(tmp_path))

    assert [row["scenario"] for row in rows] == list(page_load.SCENARIOS)
    for row in rows:
        assert row["failures"] == 0, row
        assert row["requests"] > 0 and row["requests_per_s"] > 0, row
        # Percentiles come from locust's histogram, rounded to two significant digits above 100 ms.
        assert 0 <= row["p50_ms"] <= row["p95_ms"] <= row["p99_ms"] <= row["max_ms"] * 1.05 + 1, row
    mission = rows[-1]
    assert mission["completed"] == mission["paid"] == mission["requests"]
    assert mission["completion_mismatch"] == 0


def test_percentiles_come_from_locusts_histogram():
    # locust keeps response times as {rounded milliseconds: count}; keys arrive as JSON strings.
    buckets = {"3": 50, "4": 40, "20": 9, "120": 1}

    assert page_load.percentile(buckets, 50) == 3
    assert page_load.percentile(buckets, 90) == 4
    assert page_load.percentile(buckets, 95) == 20
    assert page_load.percentile(buckets, 99.5) == 120
    assert page_load.percentile({}, 50) is None
