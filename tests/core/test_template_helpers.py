"""The shortcuts the hot pages take (issue 8) give exactly what the slow way gave: URLs built once for a
list equal url_for's, and numbers formatted once (remembered) equal Flask-Babel's, in every locale."""

import flask_babel
import pytest
from flask import render_template_string, url_for

from app.core import i18n
from app.core.converters import MAX_ID

IDS = [1, 7, 42, 1000, 123456, MAX_ID]


@pytest.mark.parametrize(("endpoint", "key"), [("org.person", "person_id"), ("kpis.store_view", "store_id")])
def test_a_list_s_urls_equal_url_for(app, endpoint, key):
    with app.test_request_context("/"):
        build = app.jinja_env.globals["id_urls"](endpoint, key)
        assert [build(value) for value in IDS] == [url_for(endpoint, **{key: value}) for value in IDS]


def test_a_list_s_urls_are_built_the_same_way_in_a_template(app):
    with app.test_request_context("/"):
        rendered = render_template_string(
            '{% set person_url = id_urls("org.person", "person_id") %}'
            "{% for id in ids %}{{ person_url(id) }} {% endfor %}", ids=IDS)
        assert rendered.split() == [url_for("org.person", person_id=value) for value in IDS]


def test_an_id_that_is_not_a_path_part_goes_in_the_query_string_as_url_for_puts_it(app):
    with app.test_request_context("/"):
        build = app.jinja_env.globals["id_urls"]("home.index", "person_id")
        assert [build(value) for value in IDS] == [url_for("home.index", person_id=value) for value in IDS]


# Values where a shortcut would show: halves (Babel rounds half-even on the decimal text), an int next to
# the equal float, negatives, grouping, tiny and big numbers.
VALUES = [0, 1, 1.0, 2.5, 3.5, 2.675, 1.005, -1234.5, 1234567.891, 0.125, 10_000, 12_345.678, 1e-7]
PATTERNS = [None, "#,##0", "#,##0.0", "#,##0.00", "#,##0.##"]


@pytest.mark.parametrize("language", ["en", "it"])
def test_remembered_numbers_equal_flask_babel_s(app, language):
    with app.test_request_context("/", headers={"Accept-Language": language}):
        assert str(flask_babel.get_locale()) == language
        for value in VALUES:
            assert i18n.format_number(value) == flask_babel.format_number(value)
            for pattern in PATTERNS:
                # Twice: the second answer comes from the cache.
                for _ in range(2):
                    assert i18n.format_decimal(value, format=pattern) == flask_babel.format_decimal(value, pattern)
            for pattern in (None, "¤#,##0", "¤#,##0.00", "¤#,##0.0"):
                for digits in (True, False):
                    assert (i18n.format_currency(value, "EUR", format=pattern, currency_digits=digits)
                            == flask_babel.format_currency(value, "EUR", format=pattern, currency_digits=digits))


def test_the_same_number_reads_differently_per_locale(app):
    """The cache is keyed by locale: an Italian page never gets the English text from the cache."""
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        english = i18n.format_decimal(1234.5, format="#,##0.0")
    with app.test_request_context("/", headers={"Accept-Language": "it"}):
        italian = i18n.format_decimal(1234.5, format="#,##0.0")
    assert (english, italian) == ("1,234.5", "1.234,5")


def test_the_numberformat_filter_is_the_remembered_one(app):
    with app.test_request_context("/", headers={"Accept-Language": "it"}):
        assert app.jinja_env.filters["numberformat"] is i18n.format_number
        assert render_template_string("{{ 1234567|numberformat }}") == flask_babel.format_number(1234567) == "1.234.567"


# The tab bar is rendered once per role, lit tab and language (app/core/renderonce.py): each page still lights
# its own tab, in the reader's language.

def _tabs(html: str) -> str:
    return html[html.index('<nav class="tabs"'):html.index("</nav>")]


def test_each_page_lights_its_own_tab_in_the_readers_language(client, sign_in, org):
    from app.extensions import db

    sign_in(org.staff)
    home = _tabs(client.get("/home").get_data(as_text=True))
    missions = _tabs(client.get("/missions/").get_data(as_text=True))
    assert home != missions
    assert home.count('aria-current="page"') == missions.count('aria-current="page"') == 1
    assert 'href="/home" aria-current="page"' in home and 'href="/missions/" aria-current="page"' in missions
    org.staff.locale = "it"
    db.session.commit()
    italian = _tabs(client.get("/home").get_data(as_text=True))
    assert italian != home and 'href="/home" aria-current="page"' in italian
    sign_in(org.sm)
    assert _tabs(client.get("/home").get_data(as_text=True)) not in (home, italian)


def test_a_kept_block_renders_afresh_for_another_key(app):
    with app.test_request_context("/"):
        template = app.jinja_env.from_string('{% once "test", n %}{{ n }} {{ extra }}{% endonce %}')
        assert template.render(n=1, extra="a") == "1 a"
        assert template.render(n=1, extra="b") == "1 a"  # what the key doesn't name is the first render's
        assert template.render(n=2, extra="b") == "2 b"


def test_templates_translate_as_flask_babel_does(app):
    """Templates and read models look the request's translations up once (i18n.request_translations)."""
    with app.test_request_context("/"):
        with flask_babel.force_locale("it"):
            assert i18n.gettext("Save") == flask_babel.gettext("Save") != "Save"
            assert i18n.ngettext("%(num)d point", "%(num)d points", 3) == flask_babel.ngettext(
                "%(num)d point", "%(num)d points", 3)
            assert render_template_string('{{ _("Save") }}') == flask_babel.gettext("Save")
        assert render_template_string('{{ _("Save") }}') == "Save"  # out of the block: English again


def test_an_imported_macro_sees_the_importers_new_globals(app):
    """Jinja's import check still finds globals only the importing template has (templating._Globals)."""
    with app.test_request_context("/"):
        importer = app.jinja_env.from_string('{% from "_macros.html" import empty_state %}{{ empty_state("T", "B") }}',
                                             globals={"only_here": 1})
        assert "T" in importer.render() and "only_here" in importer.globals and "url_for" in importer.globals
