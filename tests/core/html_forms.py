"""The forms a page renders, read from its HTML: what a browser would send if the person changed nothing.

The fuzzing and escaping tests start from this body instead of one written out per endpoint, so a field
added to a form is fuzzed (and a field removed stops being sent) without anyone editing the tests."""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

# Fields a browser would not send as typed text: the CSRF token (the test client adds a valid one) and
# the submit buttons.
NOT_SENT = {"csrf_token"}
UNSENT_INPUT_TYPES = {"submit", "button", "reset", "image", "file"}


@dataclass
class HtmlForm:
    action: str  # the path it posts to ("" means the page's own URL)
    method: str
    fields: dict[str, list[str]] = field(default_factory=dict)
    text_fields: set[str] = field(default_factory=set)  # typed by the person: text, textarea, number…
    file_fields: set[str] = field(default_factory=set)

    def add(self, name: str, value: str) -> None:
        self.fields.setdefault(name, []).append(value)

    def body(self) -> dict[str, list[str] | str]:
        """Werkzeug's test client takes a list for a field sent several times (checkboxes, multi-selects)."""
        return {name: values[0] if len(values) == 1 else list(values) for name, values in self.fields.items()}


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[HtmlForm] = []
        self._form: HtmlForm | None = None
        self._select: tuple[str, bool] | None = None  # (name, multiple)
        self._select_values: list[tuple[str, bool]] = []  # (value, selected)
        self._option: tuple[str | None, bool] | None = None
        self._option_text = ""
        self._textarea: str | None = None
        self._textarea_text = ""

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self._form = HtmlForm(attributes.get("action") or "", (attributes.get("method") or "get").lower())
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input":
            self._input(attributes)
        elif tag == "textarea" and attributes.get("name"):
            self._textarea, self._textarea_text = attributes["name"], ""
        elif tag == "select" and attributes.get("name"):
            self._select, self._select_values = (attributes["name"], "multiple" in attributes), []
        elif tag == "option" and self._select is not None:
            self._option, self._option_text = (attributes.get("value"), "selected" in attributes), ""

    def _input(self, attributes: dict) -> None:
        name, kind = attributes.get("name"), (attributes.get("type") or "text").lower()
        if not name or name in NOT_SENT or "disabled" in attributes:
            return
        if kind == "file":
            self._form.file_fields.add(name)
            return
        if kind in UNSENT_INPUT_TYPES:
            return
        if kind in ("checkbox", "radio"):
            if "checked" in attributes:
                self._form.add(name, attributes.get("value") or "on")
            elif kind == "radio" and name not in self._form.fields and attributes.get("required") is not None:
                self._form.add(name, attributes.get("value") or "on")
            return
        self._form.add(name, attributes.get("value") or "")
        if kind != "hidden":
            self._form.text_fields.add(name)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea_text += data
        elif self._option is not None:
            self._option_text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form.add(self._textarea, self._textarea_text.removeprefix("\n"))
            self._form.text_fields.add(self._textarea)
            self._textarea = None
        elif tag == "option" and self._option is not None:
            value, selected = self._option
            self._select_values.append((value if value is not None else self._option_text.strip(), selected))
            self._option = None
        elif tag == "select" and self._select is not None and self._form is not None:
            self._close_select()

    def _close_select(self) -> None:
        name, multiple = self._select
        chosen = [value for value, selected in self._select_values if selected]
        if not chosen:
            # As a browser does: a single select sends its first option; prefer a real one over a prompt.
            real = [value for value, _selected in self._select_values if value]
            chosen = [] if multiple else real[:1] or [value for value, _s in self._select_values][:1]
        for value in chosen:
            self._form.add(name, value)
        self._select = None


def forms_on(html: str) -> list[HtmlForm]:
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms


def form_posting_to(html: str, path: str) -> HtmlForm | None:
    """The POST form on a page whose action is `path` (or the page itself, when `path` is the page's)."""
    posting = [form for form in forms_on(html) if form.method == "post"]
    exact = [form for form in posting if urlsplit(form.action).path == path]
    if exact:
        return max(exact, key=lambda form: len(form.fields))
    own = [form for form in posting if form.action == ""]
    return own[0] if own else None
