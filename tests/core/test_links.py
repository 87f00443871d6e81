"""app/core/links.py: one public address for every link people receive (PUBLIC_URL)."""

import pytest

from app.core.links import base_url, external_url
from tests import factories


def test_public_url_builds_links_outside_a_request(app):
    app.config["PUBLIC_URL"] = "https://ascent.chain.example"
    assert external_url("auth.accept_invite", token="abc") == "https://ascent.chain.example/invite/abc"


def test_public_url_wins_over_a_proxys_internal_host_inside_a_request(app):
    app.config["PUBLIC_URL"] = "https://ascent.chain.example/app/"
    with app.test_request_context("/", base_url="http://10.0.0.7:8000"):
        assert external_url("screens.tv", screen_token="t0k") == "https://ascent.chain.example/app/tv/t0k"
        assert base_url() == "https://ascent.chain.example/app"


def test_public_url_unset_uses_the_request_then_the_embedded_default(app):
    app.config["PUBLIC_URL"] = None
    with app.test_request_context("/"):
        assert external_url("auth.accept_invite", token="abc") == "http://ascent.test/invite/abc"
    assert external_url("auth.accept_invite", token="abc") == "http://127.0.0.1:5000/invite/abc"


def test_public_url_that_is_no_web_address_is_refused(app):
    app.config["PUBLIC_URL"] = "ascent.chain.example"
    with pytest.raises(RuntimeError, match="PUBLIC_URL must be an http"):
        external_url("auth.accept_invite", token="abc")


def test_public_url_is_used_by_printed_invites_and_their_qr_codes(app, client, sign_in, org):
    app.config["PUBLIC_URL"] = "https://ascent.chain.example"
    newcomer = factories.make_person(store=org.store, password=None)  # invites are for people without one
    sign_in(org.hr)
    page = client.post("/people/invites", data={"person_id": str(newcomer.id)}).get_data(as_text=True)
    assert "https://ascent.chain.example/invite/" in page
    assert "http://ascent.test/invite/" not in page
