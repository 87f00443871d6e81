"""The web app manifest: what Chromium reads to install Ascent (tests/browser/test_pwa.py checks the verdict)."""


def test_manifest_names_the_app_and_lets_tablets_turn(client):
    response = client.get("/manifest.webmanifest")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/manifest+json"
    manifest = response.get_json(force=True)
    assert manifest["name"] == "Ascent" and manifest["display"] == "standalone"
    # Managers use tablets in landscape: the installed app must not be locked to portrait.
    assert "orientation" not in manifest
    assert {icon["sizes"] for icon in manifest["icons"]} >= {"192x192", "512x512"}
