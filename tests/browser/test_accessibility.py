"""axe-core on every main screen, as each role sees it: no "serious" or "critical" violations.

axe is injected with page.evaluate (DevTools evaluation is not subject to the page's CSP, which forbids
inline and injected scripts). Screens are checked at phone size in the light theme (how store teams use it), at
tablet size (the side-rail layout; these runs also save the tablet screenshots) and, for colour
contrast only, in the dark theme. Demo people other than admin use Italian, so both languages are seen.
"""

import pytest

from tests.browser.conftest import Screen, open_screen

# role (None: signed out) -> [(screenshot name, path)]
MAIN_SCREENS = {
    None: [("login", "/login"), ("forgot-password", "/password/forgot"), ("reset-password", "/password/reset")],
    "staff": [("home-staff", "/home"), ("me", "/me"), ("me-password", "/me/password")],
    "sm": [("home-sm", "/home"), ("people-sm", "/people")],
    "dm": [("home-dm", "/home"), ("stores-dm", "/stores")],
    "hr": [("home-hr", "/home"), ("people", "/people"), ("people-pending", "/people?status=pending"),
           ("people-new", "/people/new"),
           ("people-import", "/people/import")],
    "admin": [("home-admin", "/home"), ("stores", "/stores"), ("audit", "/audit")],
}
ROLES = list(MAIN_SCREENS)
BLOCKING = ("serious", "critical")

RUN_AXE = """async (options) => {
    const results = await axe.run(document, options);
    return results.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 5).map((n) => ({target: n.target.join(" "), summary: n.failureSummary})),
    }));
}"""


def _role_id(role):
    return role or "signed-out"


def _axe(screen: Screen, axe_source: str, options: dict | None = None) -> list[dict]:
    page = screen.page
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source)
    return page.evaluate(RUN_AXE, options or {"resultTypes": ["violations"]})


def _describe(found: dict[str, list[dict]]) -> str:
    lines = []
    for where, violations in found.items():
        for v in violations:
            lines.append(f"{where}: [{v['impact']}] {v['id']}: {v['help']}")
            lines.extend(f"    {n['target']}\n      {n['summary']}".replace("\n", "\n      ")
                         for n in v["nodes"])
    return "\n".join(lines)


def _check_screens(screen: Screen, role, axe_source: str, options: dict | None = None,
                   screenshots: bool = True) -> dict[str, list[dict]]:
    if role:
        screen.login(role)
    found = {}
    for name, path in MAIN_SCREENS[role]:
        screen.goto(path)
        screen.settle()
        if screenshots:
            screen.screenshot(name)
        blocking = [v for v in _axe(screen, axe_source, options) if v["impact"] in BLOCKING]
        width = screen.page.evaluate("document.documentElement.scrollWidth")
        viewport = screen.page.viewport_size["width"]
        if width > viewport:  # the design's "no horizontal scrolling", checked while we are here
            blocking.append({"id": "horizontal-scroll", "impact": "serious", "nodes": [],
                             "help": f"the page is {width}px wide on a {viewport}px screen"})
        if blocking:
            found[f"{path} ({screen.size}, {role or 'signed out'})"] = blocking
    return found


def _tabs_out_of_reach(screen: Screen) -> list[str]:
    """Tabs that cannot be brought fully onto the screen (cut off by the edge of a phone)."""
    width = screen.page.viewport_size["width"]
    lost = []
    items = screen.page.locator("nav.tabs a.tabs__item")
    for index in range(items.count()):
        item = items.nth(index)
        item.scroll_into_view_if_needed()
        box = item.bounding_box()
        if box is None or box["x"] < -0.5 or box["x"] + box["width"] > width + 0.5:
            lost.append(f"{item.get_attribute('href')} at {box}")
    return lost


@pytest.mark.parametrize("role", ROLES, ids=_role_id)
def test_main_screens_at_phone_size(phone: Screen, role, axe_source):
    found = _check_screens(phone, role, axe_source)
    assert not found, "axe found serious/critical violations:\n" + _describe(found)
    lost = _tabs_out_of_reach(phone)
    assert not lost, "tabs that can't be reached on a phone:\n" + "\n".join(lost)
    phone.assert_no_console_problems()


@pytest.mark.parametrize("role", ROLES, ids=_role_id)
def test_main_screens_at_tablet_size(tablet: Screen, role, axe_source):
    found = _check_screens(tablet, role, axe_source)
    assert not found, "axe found serious/critical violations:\n" + _describe(found)
    tablet.assert_no_console_problems()


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_dark_theme_contrast(browser, live_server, screenshot_dir, role, axe_source):
    context, screen = open_screen(browser, live_server, "phone", screenshot_dir, color_scheme="dark")
    try:
        found = _check_screens(screen, role, axe_source, screenshots=False,
                               options={"runOnly": {"type": "rule", "values": ["color-contrast"]},
                                        "resultTypes": ["violations"]})
        assert not found, "colour contrast fails in the dark theme:\n" + _describe(found)
    finally:
        context.close()
