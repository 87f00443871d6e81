"""KPIs in Chromium: the district manager sets a target on a tablet and the district dashboard follows;
the store manager enters today's values on a phone. The demo's 90 days of KPIs are seeded first."""

import re

import pytest

from tests.browser.conftest import LIVE_APP, Screen

pytestmark = pytest.mark.usefixtures("in_english")  # the tests read English labels

@pytest.fixture(scope="module", autouse=True)
def demo_kpis(live_server):
    from app.extensions import db
    from app.kpis.demo import load_kpis

    with LIVE_APP["app"].app_context():
        load_kpis()
        db.session.commit()
        db.session.remove()


def _store_row(screen: Screen, name: str):
    return screen.page.locator("#district-board tbody tr", has_text=name)


def test_dm_sets_a_target_and_the_district_dashboard_follows(tablet: Screen):
    tablet.login("dm")
    tablet.page.locator("a.tabs__item[href='/kpis/district']").click()  # the "Stores" tab
    tablet.page.wait_for_url(re.compile(r"/kpis/district"))
    tablet.settle()
    tablet.screenshot("kpis-district")
    row = _store_row(tablet, "Milano Duomo")
    assert row.count() == 1

    tablet.page.get_by_role("link", name="Set targets").click()
    tablet.page.wait_for_url(re.compile(r"/kpis/targets"))
    tablet.settle()
    cell = tablet.page.get_by_label("Conversion rate target for Milano Duomo")
    cell.fill("60")
    cell.press("Tab")
    saved = tablet.page.locator("td.kpi-cell--saved", has=tablet.page.get_by_label(
        "Conversion rate target for Milano Duomo"))
    saved.wait_for()
    assert "Saved" in saved.inner_text()
    # A nonsense value is refused in place and nothing changes.
    cell = tablet.page.get_by_label("Conversion rate target for Milano Duomo")
    cell.fill("lots")
    cell.press("Tab")
    tablet.page.locator("td.kpi-cell--invalid").wait_for()
    assert "not a number" in tablet.page.locator("td.kpi-cell--invalid").inner_text()
    tablet.screenshot("kpis-targets")

    tablet.goto("/kpis/district")
    tablet.settle()
    row = _store_row(tablet, "Milano Duomo")
    assert re.search(r"60[.,]0 %", row.inner_text()) and "Off track" in row.inner_text()

    tablet.goto("/kpis/targets")
    cell = tablet.page.get_by_label("Conversion rate target for Milano Duomo")
    cell.fill("1")
    cell.press("Tab")
    tablet.page.locator("td.kpi-cell--saved").wait_for()
    tablet.goto("/kpis/district")
    tablet.settle()
    row = _store_row(tablet, "Milano Duomo")
    assert re.search(r"\b1[.,]0 %", row.inner_text()) and "On track" in row.inner_text()
    row.get_by_role("link", name="Milano Duomo").click()
    tablet.page.wait_for_url(re.compile(r"/kpis/stores/\d+"))
    tablet.settle()
    tablet.screenshot("kpis-store-dm")
    tablet.assert_no_console_problems(allow=("status of 422",))  # the refused cell, on purpose


def test_sm_enters_todays_kpis_on_a_phone(phone: Screen):
    phone.login("sm")
    phone.page.locator("a.tabs__item[href='/kpis/']").click()  # the "KPIs" tab
    phone.page.wait_for_url(re.compile(r"/kpis/$"))
    phone.settle()
    phone.screenshot("kpis-store")
    phone.page.get_by_role("link", name="Enter today's values").click()
    phone.page.wait_for_url(re.compile(r"/kpis/entry"))
    phone.settle()
    phone.page.get_by_label("Footfall").fill("-3")
    phone.page.get_by_role("button", name="Save today's values").click()
    phone.page.locator(".field--invalid").first.wait_for()
    assert "can't be negative" in phone.page.locator(".field--invalid").first.inner_text()
    phone.page.get_by_label("Footfall").fill("777")
    phone.page.get_by_label("Transactions").fill("111")
    phone.screenshot("kpis-entry")
    phone.page.get_by_role("button", name="Save today's values").click()
    phone.page.wait_for_url(re.compile(r"/kpis/$"))
    phone.settle()
    assert "Saved" in phone.page.locator("#flashes").inner_text()
    tile = phone.page.locator(".kpi-tile[data-kpi=footfall]")
    assert "777" in tile.locator(".kpi-tile__value").inner_text()
    conversion = phone.page.locator(".kpi-tile[data-kpi=conversion_rate] .kpi-tile__value").inner_text()
    assert re.fullmatch(r"14[.,]3 %", conversion)  # 111 ÷ 777, computed from its parts (Italian: 14,3)
    phone.screenshot("kpis-store-after")
    phone.goto("/kpis/entry")
    assert phone.page.get_by_label("Footfall").input_value() == "777"  # prefilled: editing replaces
    phone.assert_no_console_problems(allow=("status of 422",))  # the refused form, on purpose


def test_dm_district_dashboard_on_a_phone(phone: Screen):
    phone.login("dm")
    phone.goto("/kpis/district")
    phone.settle()
    phone.screenshot("kpis-district")
    width = phone.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
    phone.page.locator("#district-board tbody tr").first.scroll_into_view_if_needed()
    phone.screenshot("kpis-district-table")
    phone.assert_no_console_problems()
