"""The Italian catalogue keeps up with the code: every string the app can show has a real Italian
translation, placeholders survive translation, and people actually get Italian pages.

Extraction here mirrors `make extract-messages`: the method map comes from babel.cfg and the extra
keywords from the Makefile's `pybabel extract -k ...` line, so the test follows them when they change.
When a test here fails after you added a string: run `make extract-messages`, translate the new
entries in app/translations/it/LC_MESSAGES/messages.po (no `#, fuzzy`), and run the tests again.
"""

import os
import re
import tempfile
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "app" / "translations"
PO_PATH = TRANSLATIONS / "it" / "LC_MESSAGES" / "messages.po"
MO_PATH = PO_PATH.with_suffix(".mo")

# babel.cfg names the Jinja extractor by its entry-point alias; spell out the function so the
# test works even where the entry point isn't registered.
EXTRACTOR_ALIASES = {"jinja2": "jinja2.ext:babel_extract"}
FALLBACK_EXTRA_KEYWORDS = ("_l", "lazy_gettext")
# Top-level folders babel.cfg never matches: skipped only to save time walking them.
SKIPPED_TOP_DIRS = {"node_modules", "static", "migrations", "instance", "tests", "bench", "docs"}

# Named placeholders (%(name)s, %(num)d, %(mb).1f): what Flask-Babel fills in. A lone "%" (as in
# "Pass mark (% of answers right)") is text, not a placeholder.
NAMED_PLACEHOLDER = re.compile(r"%\((?P<name>\w+)\)[#0 +\-]*(?:\d+)?(?:\.\d+)?(?P<type>[diouxXeEfFgGcrsa])")
SAMPLE_VALUES = {"d": 7, "i": 7, "o": 7, "u": 7, "x": 7, "X": 7, "c": 65,
                 "e": 1.5, "E": 1.5, "f": 1.5, "F": 1.5, "g": 1.5, "G": 1.5}


# Helpers -------------------------------------------------------------------------------------

def _method_map():
    with open(ROOT / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg, filename="babel.cfg")
    return [(pattern, EXTRACTOR_ALIASES.get(method, method)) for pattern, method in method_map], options_map


def _keywords():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    extract_line = next((line for line in makefile.splitlines() if "pybabel extract" in line), "")
    extra = re.findall(r"(?:-k|--keywords?)[ =](\S+)", extract_line) or list(FALLBACK_EXTRA_KEYWORDS)
    keywords = dict(DEFAULT_KEYWORDS)
    keywords.update(parse_keywords(extra))
    return keywords


def _directory_filter(path: str) -> bool:
    """pybabel's default filter (no hidden or _private folders, so no .venv) plus the skips above."""
    name = os.path.basename(path)
    return not name.startswith((".", "_")) and os.path.relpath(path, ROOT) not in SKIPPED_TOP_DIRS


def extract_messages() -> dict[tuple[str, str | None], dict]:
    """Every message the source asks for: {(msgid, context): {"plural", "where"}}."""
    method_map, options_map = _method_map()
    found: dict[tuple[str, str | None], dict] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
            ROOT, method_map=method_map, options_map=options_map, keywords=_keywords(),
            directory_filter=_directory_filter):
        msgid, plural = (message[0], message[1]) if isinstance(message, (tuple, list)) else (message, None)
        if not msgid:
            continue
        entry = found.setdefault((msgid, context), {"plural": plural, "where": f"{filename}:{lineno}"})
        entry["plural"] = entry["plural"] or plural
    return found


def load_catalogue():
    with open(PO_PATH, "rb") as po:
        return read_po(po, locale="it", domain="messages")


def placeholders(text: str) -> set[tuple[str, str]]:
    """The named placeholders in `text`, as (name, conversion)."""
    return {(m.group("name"), m.group("type")) for m in NAMED_PLACEHOLDER.finditer(text)}


def _sample_arguments(text: str) -> dict:
    return {name: SAMPLE_VALUES.get(kind, "x") for name, kind in placeholders(text)}


def _formats(text: str, arguments: dict) -> bool:
    """Jinja's _() always applies `% variables`, and ngettext always has `num`: a translation must
    survive formatting whenever its msgid does (a stray "%" would crash the page)."""
    try:
        text % arguments
    except (TypeError, ValueError, KeyError):
        return False
    return True


def _forms(message) -> list[str]:
    return list(message.string) if isinstance(message.string, (tuple, list)) else [message.string]


def _ids(message) -> list[str]:
    return list(message.id) if isinstance(message.id, (tuple, list)) else [message.id]


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogue():
    """The app reads the .mo. `make test` compiles it, but this module must not depend on make:
    compile in-process when the .mo is missing or older than the .po (atomically, other test
    processes may be reading it)."""
    if not MO_PATH.exists() or MO_PATH.stat().st_mtime < PO_PATH.stat().st_mtime:
        catalogue = load_catalogue()
        fd, tmp = tempfile.mkstemp(dir=MO_PATH.parent, suffix=".mo.tmp")
        try:
            with os.fdopen(fd, "wb") as mo:
                write_mo(mo, catalogue, use_fuzzy=False)
            os.chmod(tmp, 0o644)  # mkstemp makes it private; the .mo is an ordinary build artefact
            os.replace(tmp, MO_PATH)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    return MO_PATH


# The catalogue --------------------------------------------------------------------------------

def test_extraction_finds_the_app_strings():
    """Guards the guard: if extraction silently found nothing, the completeness test would pass."""
    messages = extract_messages()
    assert len(messages) > 100
    assert ("Sign in", None) in messages
    assert ("Home", None) in messages  # a lazy_gettext/_l tab label
    wheres = {entry["where"].split(":")[0].replace(os.sep, "/") for entry in messages.values()}
    assert any(where.startswith("templates/") for where in wheres)
    assert any(where.startswith("app/") for where in wheres)
    assert not any("node_modules" in where or ".venv" in where for where in wheres)


def test_every_extracted_message_has_an_italian_translation():
    catalogue = load_catalogue()
    problems = []
    for (msgid, context), entry in sorted(extract_messages().items(), key=lambda item: item[1]["where"]):
        message = catalogue.get(msgid, context=context)
        if message is None:
            problems.append(f"{entry['where']}: {msgid!r} is not in the catalogue (`make extract-messages`)")
        elif message.fuzzy:
            problems.append(f"{entry['where']}: {msgid!r} is fuzzy")
        elif entry["plural"] and not message.pluralizable:
            problems.append(f"{entry['where']}: {msgid!r} is plural in the code but not in the catalogue")
        elif not all(form.strip() for form in _forms(message)):
            problems.append(f"{entry['where']}: {msgid!r} has no Italian translation")
        elif message.pluralizable and len(_forms(message)) != catalogue.num_plurals:
            problems.append(f"{entry['where']}: {msgid!r} needs {catalogue.num_plurals} plural forms")
    assert not problems, f"{len(problems)} message(s) missing in Italian:\n" + "\n".join(problems)


def test_catalogue_header_and_no_fuzzy_entries():
    catalogue = load_catalogue()
    assert catalogue.num_plurals == 2
    assert catalogue.plural_expr.replace(" ", "") in {"(n!=1)", "n!=1"}
    fuzzy = [_ids(message)[0] for message in catalogue if message.id and message.fuzzy]
    assert not fuzzy, f"fuzzy entries: {fuzzy}"


def test_catalogue_passes_babel_checks():
    """What `pybabel compile` (and so `make test`) reports as errors, e.g. incompatible formats."""
    errors = [f"{_ids(message)[0]!r}: {error}" for message, message_errors in load_catalogue().check()
              for error in message_errors]
    assert not errors, "pybabel compile would report:\n" + "\n".join(errors)


def test_placeholders_survive_translation():
    problems = []
    for message in load_catalogue():
        if not message.id:
            continue
        ids, forms = _ids(message), _forms(message)
        for index, form in enumerate(forms):
            if not form:
                continue
            source = ids[0] if index == 0 else ids[-1]  # Italian form 0 is n == 1, like English
            expected, got = placeholders(source), placeholders(form)
            if expected != got:
                problems.append(f"{ids[0]!r}: expected {sorted(expected)}, got {sorted(got)} in {form!r}")
                continue
            arguments = _sample_arguments(source)
            if message.pluralizable:
                arguments.setdefault("num", 7)
            if _formats(source, arguments) and not _formats(form, arguments):
                problems.append(f"{ids[0]!r}: {form!r} can't be formatted (a lone % must be written %%)")
    assert not problems, "placeholders differ:\n" + "\n".join(problems)


# What people see ------------------------------------------------------------------------------

@pytest.fixture(autouse=True)
def locale_chosen_per_request(request):
    """The `app` fixture keeps one app context open for the whole test, so Flask-Babel's locale,
    cached on `g`, would outlive the request that chose it. In production every request has its
    own context; make the test client behave the same by forgetting the cached locale first."""
    if "app" not in request.fixturenames:
        return
    from flask_babel import refresh

    app = request.getfixturevalue("app")
    app.before_request_funcs.setdefault(None, []).insert(0, refresh)


def _html(response) -> str:
    return response.get_data(as_text=True)


def test_person_with_italian_locale_gets_italian_home(client, auth, org):
    from app.extensions import db

    org.staff.locale = "it"
    db.session.commit()
    auth.login(org.staff)
    response = client.get("/home")
    assert response.status_code == 200
    html = _html(response)
    assert '<html lang="it">' in html
    assert "Ciao Sara" in html  # the greeting
    assert ">Profilo<" in html  # the "Me" tab
    assert "Hello, Sara" not in html


def test_person_with_english_locale_keeps_english_even_with_italian_browser(client, auth, org):
    auth.login(org.staff)  # factories default to "en"
    html = _html(client.get("/home", headers={"Accept-Language": "it-IT,it;q=0.9"}))
    assert '<html lang="en">' in html
    assert "Hello, Sara" in html
    assert "Ciao Sara" not in html


def test_anonymous_italian_browser_gets_italian_login(client):
    response = client.get("/login", headers={"Accept-Language": "it-IT,it;q=0.9,en;q=0.5"})
    assert response.status_code == 200
    html = _html(response)
    assert '<html lang="it">' in html
    assert "Rieccoti" in html
    assert "Trovi la matricola sul tuo badge." in html
    assert "Welcome back" not in html


def test_language_switch_turns_the_login_page_english(client):
    italian = {"Accept-Language": "it"}
    assert "Rieccoti" in _html(client.get("/login", headers=italian))
    response = client.post("/language/en", data={"next": "/login"}, headers=italian)
    assert response.status_code in (302, 303)
    html = _html(client.get("/login", headers=italian))
    assert '<html lang="en">' in html
    assert "Welcome back" in html
    assert "Rieccoti" not in html
    client.post("/language/it", data={"next": "/login"})
    assert "Rieccoti" in _html(client.get("/login"))
