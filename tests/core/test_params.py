"""app/core/params.py, the one parser of query strings, and the 500s it ended: huge numbers (past SQLite's
and PostgreSQL's integers), Unicode digits ("²".isdigit() is True, int("²") raises), KPI target periods in
the years 0000, 0001 and 9999 (the month before or after overflows a date)."""

from datetime import date

import pytest
import sqlalchemy as sa

from app.core import params
from app.core.converters import MAX_ID
from app.extensions import db
from app.kpis.models import KpiTarget


@pytest.mark.parametrize(("text", "expected"), [
    ("12", 12), (" 12 ", 12), ("-3", -3), ("0", 0), ("007", 7),
    ("²", None), ("٣", None), ("１２", None), ("1²", None), ("", None), ("-", None), ("1.5", None),
    ("1e3", None), ("0x1F", None), ("1\x00", None), (None, None), ("9" * 41, None), ("9" * 5000, None),
])
def test_parse_int_takes_ascii_digits_only(text, expected):
    assert params.parse_int(text) == expected


def test_parse_int_refuses_or_clamps_out_of_range():
    assert params.parse_int("99999999999999999999", maximum=10) is None
    assert params.parse_int("99999999999999999999", maximum=10, clamp=True) == 10
    assert params.parse_int("-5", minimum=1, clamp=True) == 1


@pytest.mark.parametrize(("text", "expected"), [
    ("1", 1), (str(MAX_ID), MAX_ID), (str(MAX_ID + 1), None), ("0", None), ("-1", None), ("²", None),
])
def test_ids_stay_within_the_database_integer_range(text, expected):
    assert params.parse_id(text) == expected


def test_parse_ids_keeps_the_valid_ones_once():
    assert params.parse_ids(["3", "x", "3", "²", "99999999999999999999", "4"]) == [3, 4]
    assert params.parse_ids([str(n) for n in range(1, 500)], limit=5) == [1, 2, 3, 4, 5]


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-11", ("month", date(2026, 11, 1))), ("2026-Q4", ("quarter", date(2026, 10, 1))),
    ("0000-01", None), ("0001-01", None), ("9999-12", None), ("9999-Q4", None), ("2026-13", None),
    ("2026-00", None), ("2026-Q5", None), ("²⁰²⁶-01", None), ("2026-1", None), ("", None), (None, None),
])
def test_parse_period_keeps_years_where_neighbouring_periods_exist(text, expected):
    assert params.parse_period(text) == expected


def test_parse_date():
    assert params.parse_date("2026-02-28") == date(2026, 2, 28)
    for text in ("2026-02-30", "0001-01-01", "9999-12-31", "0000-00-00", "2026-2-1", "２０２６-01-01"):
        assert params.parse_date(text) is None


def test_clean_text_drops_control_characters():
    assert params.clean_text("Sa\x00ra\u202e\r\n", max_length=100) == "Sara"
    assert params.clean_text("x" * 500, max_length=10) == "x" * 10


# The routes ----------------------------------------------------------------------------------------

HUGE = "99999999999999999999"


@pytest.mark.parametrize("url", [
    f"/people?page={HUGE}", f"/people?store={HUGE}", f"/audit?page={HUGE}", f"/points?before={HUGE}",
    f"/notifications/?before={HUGE}", f"/kpis/district?district={HUGE}", f"/feedback/kudos?sent={HUGE}",
    f"/goals/new?parent_id={HUGE}", f"/board/?scope=store&id={HUGE}",
])
def test_huge_integers_in_query_parameters_are_not_a_server_error(client, sign_in, org, url):
    sign_in(org.admin)
    assert client.get(url).status_code < 500


@pytest.mark.parametrize("url", [
    "/people?page=²", "/people?store=²", "/audit?page=²", "/points?before=²", "/notifications/?before=٣",
    "/kpis/district?district=²", "/feedback/kudos?sent=²", "/points/award?person=²",
])
def test_unicode_digits_in_query_parameters_are_not_a_server_error(client, sign_in, org, url):
    sign_in(org.admin)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("period", ["0000-01", "0001-01", "0001-Q1", "9999-12", "9999-Q4", "0000-Q1"])
def test_kpi_target_periods_with_years_0000_0001_9999_are_not_a_server_error(client, sign_in, org,
                                                                             kpi_library, period):
    sign_in(org.hr)
    page = client.get(f"/kpis/targets?period={period}")
    assert page.status_code == 200  # the current month instead
    before = db.session.scalar(sa.select(sa.func.count()).select_from(KpiTarget))
    copied = client.post("/kpis/targets/copy", data={"period": period, "uplift": "5"})
    assert copied.status_code < 500
    grid = client.post("/kpis/targets", data={"period": period})
    assert grid.status_code < 500
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(KpiTarget)) == before
    assert not db.session.scalar(sa.select(sa.func.count()).select_from(KpiTarget).where(
        sa.or_(KpiTarget.period_start < date(1900, 1, 1), KpiTarget.period_start > date(2999, 12, 31))))
