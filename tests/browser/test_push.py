"""Push opt-in in a real browser: the service worker is registered, and the opt-in button either stores a
subscription on the server or tells the person, in words, why it couldn't.

Chromium here cannot reach a real push service, so `pushManager.subscribe` may fail: then the card must
say so (a clear message, no console error). When it succeeds, the server must have the device."""

import re

from tests.browser.conftest import open_screen


def test_opt_in_button_subscribes_or_explains(browser, live_server, screenshot_dir):
    context, screen = open_screen(browser, live_server, "phone", screenshot_dir)
    try:
        context.grant_permissions(["notifications"], origin=live_server)
        screen.login("staff")
        screen.goto("/me")  # a full load: push.js wires the card
        page = screen.page
        assert page.evaluate("""async () => {
            const registration = await navigator.serviceWorker.ready;
            return registration.active !== null && registration.scope.endsWith("/");
        }""")
        enable = page.locator("[data-push-enable]")
        enable.wait_for(state="visible")
        card = page.locator("[data-push-card]")
        messages = {name: card.get_attribute(f"data-msg-{name}") for name in ("on", "failed", "denied")}
        subscribe_posts = []
        page.on("request", lambda request: subscribe_posts.append(request)
                if request.method == "POST" and request.url.endswith("/push/subscribe") else None)

        enable.click()
        status = page.locator("[data-push-status]")
        page.wait_for_function(
            "([on, failed, denied]) => { const s = document.querySelector('[data-push-status]');"
            " return s && [on, failed, denied].includes(s.textContent.trim()); }",
            arg=[messages["on"], messages["failed"], messages["denied"]], timeout=30_000)
        shown = status.inner_text().strip()
        screen.screenshot("push-opt-in")
        if shown == messages["on"]:
            # The browser got a subscription: it was posted with the CSRF header and stored server-side.
            assert subscribe_posts, "the subscription never reached the server"
            assert subscribe_posts[0].headers.get("x-csrftoken")
            screen.goto("/me")
            assert page.locator(".push-device").count() >= 1
        else:
            # No push service reachable from here: a sentence the person can act on, not silence.
            assert shown in (messages["failed"], messages["denied"])
            assert len(shown) > 20
            assert re.search(r"notific", shown, re.IGNORECASE)  # "Notifications…" / "Notifiche…"
        # Chromium itself logs why it can't subscribe (incognito, no push service): that is not our error.
        screen.assert_no_console_problems(allow=("push service", "Registration failed", "AbortError",
                                                 "does not support the Push API"))
    finally:
        context.close()
