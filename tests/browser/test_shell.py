"""The app shell in a real browser: sign-in, the role's tab bar (bottom on phones, side rail on tablets),
sign-out, and a clean console (no script errors, no Content-Security-Policy violations).

Demo people other than admin speak Italian, so these tests find things by address and structure, not by
their translated labels."""

import re

from tests.browser.conftest import Screen


def _tab(screen: Screen, path: str):
    return screen.page.locator(f"nav.tabs a.tabs__item[href='{path}']")


def _current_tabs(screen: Screen) -> list[str]:
    return screen.page.locator("nav.tabs a[aria-current='page']").evaluate_all(
        "links => links.map(link => link.getAttribute('href'))")


def test_staff_moves_around_by_the_bottom_tab_bar(phone: Screen):
    phone.login("staff")
    page = phone.page
    assert phone.path() == "/home"
    assert "Sara" in page.locator("main h1").inner_text()  # "Hello, Sara" / "Ciao, Sara"
    phone.screenshot("shell-home-staff")

    # The tab bar sits at the bottom of the screen, across its full width, with thumb-sized targets.
    bar = page.locator("nav.tabs")
    assert bar.is_visible()
    box = bar.bounding_box()
    assert box is not None
    assert abs((box["y"] + box["height"]) - 844) <= 1, f"tab bar is not at the bottom: {box}"
    assert box["x"] == 0 and abs(box["width"] - 390) <= 1
    items = page.locator("nav.tabs a.tabs__item")
    assert 2 <= items.count() <= 5
    for index in range(items.count()):
        item_box = items.nth(index).bounding_box()
        assert item_box["height"] >= 44 and item_box["width"] >= 44, item_box
        assert items.nth(index).locator(".tabs__label").is_visible()
    assert _current_tabs(phone) == ["/home"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "horizontal scrolling on a phone"
    # Nothing is hidden under the bar: scrolled to the end, the last card ends above it.
    gap = page.evaluate("""() => {
        window.scrollTo(0, document.documentElement.scrollHeight);
        const last = document.querySelector("main").lastElementChild.getBoundingClientRect();
        return document.querySelector("nav.tabs").getBoundingClientRect().top - last.bottom;
    }""")
    assert gap >= 0, f"the end of the page is {-gap}px under the tab bar"
    page.evaluate("window.scrollTo(0, 0)")

    # Tabs are boosted by htmx: the page changes without a full reload.
    page.evaluate("window.__sameDocument = true")
    _tab(phone, "/me").click()
    page.wait_for_url(re.compile(r"/me$"))
    phone.settle()
    assert _current_tabs(phone) == ["/me"]
    assert page.locator("main h1").is_visible()
    assert page.evaluate("window.__sameDocument === true")
    assert "Sara Bianchi" in page.locator("main").inner_text()
    phone.screenshot("shell-me-staff")

    _tab(phone, "/home").click()
    page.wait_for_url(re.compile(r"/home$"))
    phone.settle()
    assert _current_tabs(phone) == ["/home"]
    assert page.evaluate("window.__sameDocument === true")

    phone.assert_no_console_problems()


def test_tablet_shows_the_side_rail_instead(tablet: Screen):
    tablet.login("dm")
    page = tablet.page
    rail = page.locator("nav.tabs")
    box = rail.bounding_box()
    assert box is not None
    assert box["x"] == 0 and box["y"] == 0, f"rail not on the left edge: {box}"
    assert abs(box["height"] - 1366) <= 1, f"rail is not full height: {box}"
    assert box["width"] < 160, f"looks like a bottom bar, not a rail: {box}"
    assert page.locator("nav.tabs .tabs__brand").is_visible()
    # The items stack vertically down the rail.
    items = page.locator("nav.tabs a.tabs__item")
    assert items.count() >= 2
    first, second = items.nth(0).bounding_box(), items.nth(1).bounding_box()
    assert second["y"] > first["y"] and abs(second["x"] - first["x"]) < 1
    # The content starts to the right of the rail instead of underneath it.
    main_box = page.locator("main").bounding_box()
    assert main_box["x"] >= box["x"] + box["width"]
    assert _current_tabs(tablet) == ["/home"]

    _tab(tablet, "/kpis/district").click()
    page.wait_for_url(re.compile(r"/kpis/district$"))
    tablet.settle()
    assert _current_tabs(tablet) == ["/kpis/district"]
    tablet.screenshot("shell-stores-dm")
    tablet.assert_no_console_problems()


def test_sign_out_and_the_back_button_shows_no_personal_page(phone: Screen):
    phone.login("staff")
    page = phone.page
    _tab(phone, "/me").click()
    page.wait_for_url(re.compile(r"/me$"))
    phone.settle()
    assert "Sara Bianchi" in page.content()

    page.locator("form[action='/logout'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/login"))
    phone.settle()
    assert page.locator("#identifier").is_visible()
    assert page.locator("nav.tabs").count() == 0

    page.go_back()
    page.wait_for_load_state("load")
    phone.settle()
    assert "/login" in page.url, f"back button showed {page.url}"
    assert "Sara Bianchi" not in page.content()
    assert page.locator("nav.tabs").count() == 0

    # The old session is gone for good, not just hidden: a personal address asks to sign in.
    phone.page.goto(phone.url("/me"))
    assert "/login" in page.url
    assert "Sara Bianchi" not in page.content()
    phone.assert_no_console_problems()


def test_wrong_password_shows_the_error(phone: Screen):
    phone.goto("/login")
    page = phone.page
    page.locator("#identifier").fill("staff@demo.ascent")
    page.locator("#password").fill("not-the-password")
    with page.expect_response(lambda r: r.request.method == "POST" and "/login" in r.url) as answer:
        page.locator("form button[type=submit]").click()
    assert answer.value.status == 422
    phone.settle()
    error = page.locator("#password-error")
    assert error.is_visible()
    assert "don't match" in error.inner_text()  # anonymous, browser in English
    assert page.locator("#password").get_attribute("aria-invalid") == "true"
    assert "password-error" in page.locator("#password").get_attribute("aria-describedby")
    assert phone.path().startswith("/login")
    assert page.locator("nav.tabs").count() == 0
    phone.screenshot("login-wrong-password")
    # The browser logs the 422 answer itself as a failed resource; anything else is a problem.
    phone.assert_no_console_problems(allow=("status of 422",))
