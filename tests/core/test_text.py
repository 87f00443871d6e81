"""app/core/text.py: how typed short text (names, titles, reasons) is tidied and refused, in one place."""

import pytest

from app.core.errors import ServiceError
from app.core.text import required_text, squash_spaces


@pytest.mark.parametrize(("text", "expected"), [
    ("  Back   office\n TV\t", "Back office TV"), ("Sara", "Sara"), ("", ""), ("   \n", ""), (None, ""),
    ("a\u00a0b", "a b"),  # a no-break space is whitespace too
])
def test_squash_spaces(text, expected):
    assert squash_spaces(text) == expected


def _required(value):
    return required_text(value, max_length=5, field="name", required_message="needed", too_long_message="long")


def test_required_text_returns_the_squashed_text():
    assert _required("  ab   c ") == "ab c"
    assert _required("a  b  c") == "a b c"  # measured after squashing: 5 characters


@pytest.mark.parametrize(("value", "message"), [("", "needed"), (None, "needed"), (" \t\n", "needed"),
                                                ("abcdef", "long")])
def test_required_text_refuses_with_the_callers_message_and_field(value, message):
    with pytest.raises(ServiceError) as refused:
        _required(value)
    assert refused.value.message == message
    assert refused.value.field == "name"

