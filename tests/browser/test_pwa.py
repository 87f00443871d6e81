"""The installable shell in Chromium: manifest, service worker, installability and the offline page.

Lighthouse 12 no longer has a PWA category, so these are the checks it used to make, asked of Chromium
directly through the DevTools protocol."""

import re
import struct

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, Screen

SW_READY = """async () => {
    const registration = await navigator.serviceWorker.ready;
    const worker = registration.active;
    if (worker.state !== "activated") {
        await new Promise((resolve) => worker.addEventListener("statechange", () => {
            if (worker.state === "activated") resolve();
        }));
    }
    return {scope: registration.scope, state: worker.state, script: worker.scriptURL};
}"""


def _png_size(body: bytes) -> tuple[int, int]:
    assert body[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", body[16:24])


def test_manifest_is_linked_and_valid(phone: Screen):
    phone.goto("/login")
    page = phone.page
    href = page.locator("link[rel=manifest]").get_attribute("href")
    assert href == "/manifest.webmanifest"

    response = page.request.get(phone.url(href))
    assert response.ok
    assert response.headers["content-type"].startswith("application/manifest+json")
    manifest = response.json()
    assert manifest["name"] == "Ascent" and manifest["short_name"] == "Ascent"
    assert manifest["display"] == "standalone"
    assert manifest["scope"] == "/"
    assert manifest["start_url"].startswith("/home")
    assert re.fullmatch(r"#[0-9a-fA-F]{6}", manifest["theme_color"])
    assert re.fullmatch(r"#[0-9a-fA-F]{6}", manifest["background_color"])

    # Every icon is served, and the PNGs really are the size they claim.
    sizes_seen = set()
    for icon in manifest["icons"]:
        icon_response = page.request.get(phone.url(icon["src"]))
        assert icon_response.ok, icon["src"]
        assert icon_response.headers["content-type"].startswith(icon["type"]), icon
        if icon["type"] == "image/png":
            width, height = _png_size(icon_response.body())
            assert f"{width}x{height}" == icon["sizes"], icon
            sizes_seen.add(icon["sizes"])
    assert {"192x192", "512x512"} <= sizes_seen
    assert any(icon.get("purpose") == "maskable" for icon in manifest["icons"])

    # Chromium's own manifest parser agrees.
    cdp = page.context.new_cdp_session(page)
    parsed = cdp.send("Page.getAppManifest")
    cdp.detach()
    assert parsed["url"].endswith("/manifest.webmanifest")
    assert parsed["errors"] == [], parsed["errors"]
    phone.assert_no_console_problems()


def test_service_worker_registers_and_activates_for_the_whole_app(phone: Screen):
    phone.login("staff")
    page = phone.page
    registration = page.evaluate(SW_READY)
    assert registration["scope"] == phone.url("/")
    assert registration["state"] == "activated"
    assert registration["script"] == phone.url("/sw.js")
    # clients.claim(): the page that registered it is controlled without a reload.
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    # The shell is cached for the offline page.
    cached = page.evaluate("""async () => {
        const names = await caches.keys();
        const cache = await caches.open(names.find((name) => name.startsWith("ascent-shell-")));
        return (await cache.keys()).map((request) => new URL(request.url).pathname);
    }""")
    assert "/offline" in cached and "/static/css/app.css" in cached
    phone.assert_no_console_problems()


def test_chromium_says_the_app_is_installable(playwright, live_server, tmp_path):
    # An ordinary (incognito-like) context always answers "in-incognito": a real profile is needed.
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path / "chromium-profile"), executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
        viewport={"width": 390, "height": 844}, locale="en-GB", service_workers="allow")
    try:
        page = context.pages[0] if context.pages else context.new_page()
        page.goto(live_server + "/login")
        page.evaluate(SW_READY)
        cdp = context.new_cdp_session(page)
        errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
        if errors:  # the verdict can lag the worker's activation by a moment: ask once more
            page.wait_for_timeout(1000)
            errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
        assert errors == [], errors
        cdp.detach()
    finally:
        context.close()


def test_offline_navigation_shows_the_offline_page(phone: Screen):
    # Admin's language is English, so the offline page cached by the worker is too.
    phone.login("admin")
    page = phone.page
    page.evaluate(SW_READY)
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")

    phone.context.set_offline(True)
    try:
        page.goto(phone.url("/home"))
        assert page.locator("h1").inner_text() == "You're offline"
        # Its stylesheet came from the cache too: the card is styled, not bare HTML.
        radius = page.locator(".auth__card").evaluate("card => getComputedStyle(card).borderTopLeftRadius")
        assert radius not in ("", "0px")
        assert "Paolo" not in page.content()  # nothing personal in the cached page
        phone.screenshot("offline")
    finally:
        phone.context.set_offline(False)

    # Back online, "Try again" brings the person back to their home page.
    page.locator("a.button--primary").click()
    page.wait_for_url(re.compile(r"/home$"))
    assert "Paolo" in page.locator("main h1").inner_text()
    # Chromium logs the failed network fetch the worker answered for; nothing else is expected.
    phone.assert_no_console_problems(allow=("net::ERR_INTERNET_DISCONNECTED",))
