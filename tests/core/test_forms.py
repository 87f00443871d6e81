"""app/core/forms.py: optional_id, the coerce of every select that picks an id (a person, a store, a badge)."""

import pytest

from app.core.converters import MAX_ID
from app.core.forms import optional_id


@pytest.mark.parametrize(("value", "expected"), [(None, None), ("", None), ("None", None), ("12", 12), (7, 7)])
def test_optional_id_reads_ids_and_the_empty_placeholder(value, expected):
    assert optional_id(value) == expected


@pytest.mark.parametrize("value", ["abc", "-3", "0", "²", str(MAX_ID + 1), "1.5"])
def test_optional_id_refuses_anything_else_as_a_form_error(value):
    with pytest.raises(ValueError):
        optional_id(value)
