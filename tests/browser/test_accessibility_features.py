"""axe-core on every main screen of every feature, at phone size, as the role that uses it sees it, with the
demo chain that `make run` loads: no "serious" or "critical" violations, in the light theme and (colour
contrast) in the dark theme, and no page wider than the phone.

test_accessibility.py checks the shell's screens on the shared live server (people and stores only). The
feature screens need the data they show (goals, 1:1s, reviews, challenges, a TV link...), so this module
serves its own copy of the demo chain with gunicorn (bench.lighthouse.demo_server: `flask demo` into a
temporary SQLite file, about a minute), which also keeps the other browser tests' data as they expect it.

test_every_screen_is_checked keeps the list honest: a new GET page fails it until it is added here (or
listed in NOT_SCREENS with the reason)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from bench.lighthouse import demo_server
from tests.browser.conftest import DEMO_PASSWORD, USERS, Screen, open_screen
from tests.browser.test_accessibility import BLOCKING, _axe, _describe

pytestmark = pytest.mark.slow  # loading the demo chain takes about a minute


@dataclass(frozen=True)
class Page:
    """A screen to check. `path` is opened as it is, unless `link` is given: then `path` is where the
    link is found (the first href matching `link` in full), and `to` (default: the link itself) is the
    screen, formatted with the link's groups: e.g. a person's badge wall from a person's link."""

    name: str
    path: str
    link: str | None = None
    to: str | None = None

    def sample_path(self) -> str:
        """A concrete path of the same route, for matching against the URL map."""
        if self.link is None:
            return self.path.partition("?")[0]
        if self.to is not None:
            return self.to.format(*["1"] * self.to.count("{"))
        return re.sub(r"\(?\\d\+\)?", "1", self.link)


ID = r"(\d+)"
SCREENS: dict[str, list[Page]] = {
    "staff": [
        Page("home", "/home"), Page("me", "/me"), Page("change-password", "/me/password"),
        Page("missions", "/missions/"), Page("mission", "/missions/", r"/missions/\d+"),
        Page("journey", "/journey/"), Page("board", "/board/"), Page("feed", "/feed/"),
        Page("badges", "/badges/"), Page("give-badge-picker", "/badges/give"),
        Page("give-badge", "/badges/give", r"/badges/people/\d+/give"),
        Page("badge-wall", "/badges/give", rf"/badges/people/{ID}/give", "/badges/people/{}"),
        Page("colleague", "/home", r"/people/\d+"),
        Page("points", "/points"), Page("dispute", "/points", r"/points/entries/\d+/dispute"),
        Page("rewards", "/rewards/"), Page("reward", "/rewards/", r"/rewards/\d+"),
        Page("my-rewards", "/rewards/mine"), Page("streak", "/streak/"),
        Page("notifications", "/notifications/"), Page("notification-settings", "/notifications/settings"),
        Page("push-devices", "/push/devices"),
        Page("goals", "/goals/"), Page("objective", "/goals/", r"/goals/\d+"),
        Page("feedback", "/feedback/"), Page("feedback-item", "/feedback/", r"/feedback/\d+"),
        Page("give-kudos", "/feedback/kudos"), Page("give-feedback", "/feedback/new"),
        Page("ask-feedback", "/feedback/ask"), Page("ask-upward", "/feedback/upward/new"),
        Page("feedback-requests", "/feedback/?tab=requests"), Page("feedback-upward", "/feedback/?tab=upward"),
        Page("answer-feedback-request", "/feedback/?tab=requests", r"/feedback/requests/\d+/answer"),
        Page("one-on-ones", "/one-on-ones/"), Page("one-on-one", "/one-on-ones/", r"/one-on-ones/\d+"),
        Page("my-reviews", "/reviews/mine"), Page("self-review", "/reviews/mine", r"/reviews/\d+"),
        Page("review-print", "/reviews/mine", rf"/reviews/{ID}", "/reviews/{}/print"),
        Page("challenges", "/challenges/"), Page("challenge", "/challenges/", r"/challenges/\d+"),
        Page("league", "/leagues/"),
    ],
    "sm": [
        Page("home-sm", "/home"), Page("team", "/people"), Page("person", "/people", r"/people/\d+"),
        Page("edit-person", "/people", rf"/people/{ID}", "/people/{}/edit"),
        Page("person-points", "/people", rf"/people/{ID}", "/people/{}/points"),
        Page("endorse", "/people", rf"/people/{ID}", "/journey/people/{}/endorse"),
        Page("signoffs", "/missions/signoffs"),
        Page("signoff", "/missions/signoffs", rf"/missions/evidence/{ID}/photo", "/missions/signoffs/{}"),
        Page("missions-manage-sm", "/missions/manage"),
        Page("store-kpis", "/kpis/"), Page("kpi-entry", "/kpis/entry"), Page("kpi-upload", "/kpis/upload"),
        Page("award-points", "/points/award"), Page("disputes", "/points/disputes"),
        Page("reward-approvals", "/rewards/approvals"),
        Page("one-on-ones-sm", "/one-on-ones/"), Page("coaching", "/one-on-ones/coaching"),
        Page("schedule-one-on-one", "/one-on-ones/new"),
        Page("one-on-one-manager", "/one-on-ones/", r"/one-on-ones/\d+"),
        Page("reschedule-one-on-one", "/one-on-ones/", rf"/one-on-ones/{ID}", "/one-on-ones/{}/reschedule"),
        Page("reviews-to-write", "/reviews/to-write"),
        Page("manager-review", "/reviews/to-write", r"/reviews/\d+"),
        Page("tv-screens", "/tv/screens"),
        Page("new-challenge", "/challenges/new"), Page("new-objective", "/goals/new"),
        Page("headcounts", "/leagues/headcounts"), Page("feedback-sm", "/feedback/"),
        Page("upward-item", "/feedback/?tab=upward", r"/feedback/upward/\d+"),
    ],
    "dm": [
        Page("home-dm", "/home"), Page("stores-dm", "/stores"),
        Page("district-kpis", "/kpis/district"), Page("kpi-targets", "/kpis/targets"),
        Page("store-kpis-dm", "/kpis/district", r"/kpis/stores/\d+"),
        Page("goals-dm", "/goals/"), Page("objective-dm", "/goals/", r"/goals/\d+"),
        Page("edit-objective", "/goals/", rf"/goals/{ID}", "/goals/{}/edit"),
        Page("challenges-dm", "/challenges/"), Page("challenge-dm", "/challenges/", r"/challenges/\d+"),
        Page("edit-challenge", "/challenges/", rf"/challenges/{ID}", "/challenges/{}/edit"),
        Page("new-challenge-dm", "/challenges/new"),
        Page("reviews-dm", "/reviews/"), Page("calibration", "/reviews/", r"/reviews/cycles/\d+/calibration"),
        Page("leagues-dm", "/leagues/"), Page("board-dm", "/board/"), Page("coaching-dm", "/one-on-ones/coaching"),
    ],
    "hr": [
        Page("home-hr", "/home"), Page("people", "/people"), Page("new-person", "/people/new"),
        Page("import-people", "/people/import"), Page("settings", "/settings"),
        Page("reviews", "/reviews/"), Page("review-cycle", "/reviews/", r"/reviews/cycles/\d+"),
        Page("new-review-cycle", "/reviews/cycles/new"), Page("review-templates", "/reviews/templates"),
        Page("new-review-template", "/reviews/templates/new"),
        Page("journey-stages", "/journey/stages"), Page("award-rules", "/points/limits"),
        Page("missions-manage", "/missions/manage"), Page("new-mission", "/missions/manage/new"),
        Page("mission-manage", "/missions/manage", r"/missions/manage/\d+"),
        Page("edit-mission", "/missions/manage", rf"/missions/manage/{ID}", "/missions/manage/{}/edit"),
        Page("onboarding-journeys", "/missions/journeys"),
        Page("onboarding-journey", "/missions/journeys", r"/missions/journeys/\d+"),
        Page("company-values", "/feedback/values"),
        Page("company-value", "/feedback/values", r"/feedback/values/\d+"),
        Page("goal-templates", "/goals/templates"), Page("new-goal-template", "/goals/templates/new"),
        Page("apply-goal-template", "/goals/templates", r"/goals/templates/\d+/apply"),
        Page("kpi-library", "/kpis/library"), Page("new-kpi", "/kpis/library/new"),
        Page("edit-kpi", "/kpis/library", r"/kpis/library/\d+/edit"),
        Page("rewards-manage", "/rewards/manage"), Page("new-reward", "/rewards/manage/new"),
        Page("edit-reward", "/rewards/manage", r"/rewards/manage/\d+/edit"),
        Page("leagues-manage", "/leagues/manage"), Page("new-league", "/leagues/manage/new"),
        Page("edit-league", "/leagues/manage", r"/leagues/manage/\d+/edit"),
    ],
    "admin": [
        Page("home-admin", "/home"), Page("stores", "/stores"), Page("new-store", "/stores/new"),
        Page("edit-store", "/stores", r"/stores/\d+/edit"), Page("districts", "/districts"),
        Page("new-district", "/districts/new"), Page("edit-district", "/districts", r"/districts/\d+/edit"),
        Page("audit", "/audit"), Page("settings-admin", "/settings"), Page("api-tokens", "/settings/api-tokens/"),
        Page("failed-jobs", "/admin/jobs/"),
    ],
}

# GET routes that are not screens of their own, or are checked elsewhere, and why.
NOT_SCREENS = {
    "home.landing": "redirects to /home or /login",
    "auth.login": "checked signed out by test_accessibility.py",
    "auth.accept_invite": "needs a fresh one-time link: checked by test_invites",
    "auth.forgot_password": "signed out: checked by test_password_reset (and test_accessibility.py)",
    "auth.reset_password": "the asking phone's states: checked by test_password_reset",
    "nudges.open_notification": "marks a notification read and redirects to what it is about",
    "nudges.bell": "a fragment of every page (the bell)",
    "leaderboards.card": "a fragment of the home page",
    "missions.today": "a fragment of the home page",
    "okrs.key_result_row": "a fragment of the objective form",
    "reviews.preview_participants": "a fragment of the new-cycle form",
    "missions.journey_recent_hires": "a fragment of the onboarding journey page (the recent hires count)",
    "screens.tv_board": "a fragment of the TV page, refreshed every minute",
    "screens.tv": "checked at TV size by test_tv_mode",
    "screens.confirm_revoke": "checked by test_tv_mode after the screen is created",
    "reviews.peer_form": "the demo chain nominates no peer reviewers; the form is reviews/_review_form.html, "
                         "checked on the self and manager reviews",
    "missions.photo": "an image",
    "rewards.picture": "an image",
    "reviews.export_cycle": "a CSV download",
    "pwa.manifest": "JSON", "pwa.service_worker": "JavaScript", "pwa.offline": "checked by test_pwa.py",
}

RUN_OPTIONS = {"resultTypes": ["violations"]}
CONTRAST_ONLY = {"runOnly": {"type": "rule", "values": ["color-contrast"]}, "resultTypes": ["violations"]}


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory) -> Iterator[str]:
    with demo_server(tmp_path_factory.mktemp("demo-chain")) as base_url:
        yield base_url


@pytest.fixture
def demo_phone(browser, demo_site, screenshot_dir) -> Iterator[Screen]:
    context, screen = open_screen(browser, demo_site, "phone", screenshot_dir)
    try:
        yield screen
    finally:
        context.close()


def resolve(screen: Screen, page: Page) -> str:
    """The path to open for `page` (following its link on the page it names)."""
    if page.link is None:
        return page.path
    screen.goto(page.path)
    hrefs = screen.page.eval_on_selector_all("a[href]", "links => links.map((a) => a.getAttribute('href'))")
    for href in hrefs:
        found = re.fullmatch(page.link, href)
        if found:
            return page.to.format(*found.groups()) if page.to else href
    raise AssertionError(f"{page.name}: no link matching {page.link} on {page.path}; the demo chain changed?")


def blocking_violations(screen: Screen, axe_source: str) -> list[dict]:
    """Serious and critical axe violations of the page as it is, then colour contrast in the dark theme,
    then the page's width."""
    found = [v for v in _axe(screen, axe_source, RUN_OPTIONS) if v["impact"] in BLOCKING]
    screen.page.emulate_media(color_scheme="dark")
    try:
        found += [dict(v, id=f"{v['id']} (dark theme)") for v in _axe(screen, axe_source, CONTRAST_ONLY)
                  if v["impact"] in BLOCKING]
    finally:
        screen.page.emulate_media(color_scheme="light")
    width = screen.page.evaluate("document.documentElement.scrollWidth")
    viewport = screen.page.viewport_size["width"]
    if width > viewport:  # no screen scrolls sideways
        found.append({"id": "horizontal-scroll", "impact": "serious", "nodes": [],
                      "help": f"the page is {width}px wide on a {viewport}px screen"})
    return found


def check_role(screen: Screen, role: str, axe_source: str) -> dict[str, list[dict]]:
    screen.login(role)
    found = {}
    for page in SCREENS[role]:
        path = resolve(screen, page)
        screen.goto(path)
        screen.settle()
        screen.screenshot(f"a11y-{page.name}")
        violations = blocking_violations(screen, axe_source)
        if violations:
            found[f"{path} ({page.name}, {role})"] = violations
    return found


@pytest.mark.parametrize("role", list(SCREENS))
def test_every_main_screen_at_phone_size(demo_phone: Screen, role, axe_source):
    found = check_role(demo_phone, role, axe_source)
    assert not found, "axe found serious/critical violations:\n" + _describe(found)
    demo_phone.assert_no_console_problems()


def test_tv_mode(browser, demo_site, demo_phone: Screen, screenshot_dir, axe_source):
    """The store manager makes a TV link; the TV (no sign-in, a 1080p screen) shows the board."""
    demo_phone.login("sm")
    demo_phone.goto("/tv/screens")
    demo_phone.page.locator("form[action$='/tv/screens'] input[name=name]").fill("Back office TV")
    demo_phone.page.locator("form[action$='/tv/screens'] button[type=submit]").click()
    demo_phone.settle()
    link = demo_phone.page.locator("#screen-link").input_value()
    found = {}
    violations = blocking_violations(demo_phone, axe_source)
    if violations:
        found["/tv/screens (link created)"] = violations
    revoke = resolve(demo_phone, Page("revoke", "/tv/screens", r"/tv/screens/\d+/revoke"))
    demo_phone.goto(revoke)
    if violations := blocking_violations(demo_phone, axe_source):
        found[revoke] = violations

    context, tv = open_screen(browser, demo_site, "tablet", screenshot_dir,
                              viewport={"width": 1920, "height": 1080}, is_mobile=False, has_touch=False)
    try:
        tv.size = "tv"
        tv.page.goto(link, wait_until="load")
        tv.settle()
        assert tv.page.locator("#tv-board").count() == 1
        tv.screenshot("a11y-tv-board")
        if violations := blocking_violations(tv, axe_source):
            found["/tv/<token>"] = violations
        tv.assert_no_console_problems()
    finally:
        context.close()
    assert not found, "axe found serious/critical violations:\n" + _describe(found)
    demo_phone.assert_no_console_problems()


def test_invites(browser, demo_site, demo_phone: Screen, screenshot_dir, axe_source):
    """HR prints an invite (a POST answers with the sheet to print); the new hire opens its link."""
    demo_phone.login("hr")
    # The list's "Select all on this page" ticks every box on the page and says how many are chosen.
    demo_phone.goto("/people?status=pending")
    demo_phone.page.locator("[data-select-all]").check()
    boxes = demo_phone.page.locator("input[type=checkbox][name=person_id]")
    assert boxes.count() > 1 and boxes.evaluate_all("all => all.every(box => box.checked)")
    demo_phone.page.wait_for_function(
        "n => document.querySelector('[data-selected-count]').textContent.startsWith(String(n))", arg=boxes.count())
    # Invites are only for people who have never set a password: the demo chain has some.
    person = resolve(demo_phone, Page("person", "/people?status=pending", r"/people/\d+"))
    demo_phone.goto(person)
    demo_phone.page.locator("form[action$='/people/invites'] button[type=submit]").click()
    demo_phone.page.locator(".invite__link").first.wait_for()
    demo_phone.screenshot("a11y-invite-sheet")
    found = {}
    if violations := blocking_violations(demo_phone, axe_source):
        found["invite sheet"] = violations
    link = demo_phone.page.locator(".invite__link").first.inner_text().strip()
    # Printing again first says which sheet it cancels; "Cancel" leaves the sheet just printed working.
    demo_phone.goto(person)
    demo_phone.page.locator("form[action$='/people/invites'] button[type=submit]").click()
    demo_phone.page.locator("input[name=confirm]").wait_for(state="attached")  # asked, nothing printed
    assert demo_phone.page.locator(".invite__link").count() == 0
    demo_phone.screenshot("a11y-invite-reprint")
    if violations := blocking_violations(demo_phone, axe_source):
        found["reprint confirmation"] = violations
    demo_phone.page.get_by_role("link", name=re.compile("^(Cancel|Annulla)$")).click()

    context, new_hire = open_screen(browser, demo_site, "phone", screenshot_dir)
    try:
        new_hire.page.goto(link, wait_until="load")
        assert new_hire.page.locator("input[type=password]").count() >= 1, "the invite page has no password field"
        new_hire.screenshot("a11y-accept-invite")
        if violations := blocking_violations(new_hire, axe_source):
            found["/invite/<token>"] = violations
        new_hire.assert_no_console_problems()
    finally:
        context.close()
    assert not found, "axe found serious/critical violations:\n" + _describe(found)
    demo_phone.assert_no_console_problems()


def test_password_reset(browser, demo_site, demo_phone: Screen, screenshot_dir, axe_source):
    """A signed-out associate asks for a reset on their phone; HR sees the request on People and on the
    person's page and approves it with the code read out; the phone then chooses the password (the demo
    password again, so the other tests still sign in)."""
    found = {}
    context, phone = open_screen(browser, demo_site, "phone", screenshot_dir)
    try:
        phone.goto("/password/forgot")
        phone.screenshot("a11y-forgot-password")
        if violations := blocking_violations(phone, axe_source):
            found["/password/forgot"] = violations
        phone.page.locator("#identifier").fill(USERS["staff"])
        phone.page.locator("form button[type=submit]").click()
        phone.page.wait_for_url(re.compile(r"/password/reset$"))
        code = "".join(phone.page.locator("[data-reset-code]").inner_text().split())
        phone.screenshot("a11y-reset-waiting")
        if violations := blocking_violations(phone, axe_source):
            found["/password/reset (waiting)"] = violations

        demo_phone.login("hr")
        demo_phone.goto("/people")
        if violations := blocking_violations(demo_phone, axe_source):
            found["/people (with reset requests)"] = violations
        demo_phone.page.locator("section[aria-labelledby=people-resets-title] a").first.click()
        demo_phone.page.locator("input[name=code]").first.wait_for()
        demo_phone.settle()
        demo_phone.screenshot("a11y-reset-approve")
        if violations := blocking_violations(demo_phone, axe_source):
            found["person page (reset request)"] = violations
        demo_phone.page.locator("input[name=code]").first.fill(code)
        demo_phone.page.locator("form[action*='/approve'] button[type=submit]").first.click()
        demo_phone.page.locator(".flashes").wait_for()

        phone.goto("/password/reset")
        assert phone.page.locator("input[type=password]").count() == 2, "no new-password form after approval"
        phone.screenshot("a11y-reset-choose")
        if violations := blocking_violations(phone, axe_source):
            found["/password/reset (approved)"] = violations
        phone.page.locator("#password").fill(DEMO_PASSWORD)
        phone.page.locator("#confirm").fill(DEMO_PASSWORD)
        phone.page.locator("form button[type=submit]").click()
        phone.page.wait_for_url(re.compile(r"/login$"))
        phone.assert_no_console_problems()
    finally:
        context.close()
    assert not found, "axe found serious/critical violations:\n" + _describe(found)
    demo_phone.assert_no_console_problems()


def test_every_screen_is_checked(app):
    """Every GET page of the app is in SCREENS (for some role) or in NOT_SCREENS."""
    adapter = app.url_map.bind("localhost")
    checked = {adapter.match(page.sample_path(), method="GET")[0]
               for pages in SCREENS.values() for page in pages}
    get_pages = {rule.endpoint for rule in app.url_map.iter_rules()
                 if "GET" in rule.methods and not rule.endpoint.startswith("api.")  # JSON
                 and rule.endpoint.rpartition(".")[2] != "static"}  # files
    missing = sorted(get_pages - checked - set(NOT_SCREENS))
    assert not missing, f"GET pages no accessibility test opens: {missing} (add them to SCREENS or NOT_SCREENS)"
    stale = sorted(set(NOT_SCREENS) - get_pages)
    assert not stale, f"NOT_SCREENS names routes that no longer exist: {stale}"
