"""htmx on a real page: the people search swaps only its results region and pushes the address."""

import re
from urllib.parse import parse_qs, urlsplit

from tests.browser.conftest import Screen


def test_people_search_updates_the_results_without_a_reload(phone: Screen):
    phone.login("hr")
    phone.goto("/people")
    phone.settle()
    page = phone.page
    results = page.locator("#people-results")
    before = results.inner_text()
    assert page.locator("#people-results .list__item").count() > 1
    page.evaluate("window.__samePage = 'still here'")

    with page.expect_response(lambda r: "/people?" in r.url and r.request.method == "GET") as answer:
        page.locator("#q").press_sequentially("Bianchi", delay=20)  # types like a person: input events
    response = answer.value
    assert response.request.header_value("hx-request") == "true"
    assert response.ok
    assert "<html" not in response.text().lower(), "a full page came back instead of the fragment"
    page.wait_for_url(re.compile(r"/people\?.*q=Bianchi"))
    phone.settle()

    # Only the region changed, and now it lists Bianchi and nobody else.
    names = page.locator("#people-results .list__name").all_inner_texts()
    assert names, results.inner_text()
    assert all("Bianchi" in name for name in names), names
    assert "Sara Bianchi" in names
    assert results.inner_text() != before
    assert page.evaluate("window.__samePage") == "still here", "the page was reloaded"
    assert page.locator("#q").input_value() == "Bianchi"
    assert page.evaluate("document.activeElement && document.activeElement.id") == "q"  # typing goes on
    assert parse_qs(urlsplit(page.url).query).get("q") == ["Bianchi"]
    phone.screenshot("people-search")

    # The pushed address is a real page: opening it afresh shows the same results.
    page.reload()
    assert page.locator("#q").input_value() == "Bianchi"
    assert page.locator("#people-results .list__name").all_inner_texts() == names
    phone.assert_no_console_problems()
