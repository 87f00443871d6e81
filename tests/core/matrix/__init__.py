"""Each feature adds its routes to the authorization matrix with a module here, so that features built
side by side never edit the same table. A module may define any of:

    EXPECTATIONS: dict[str, Access]        what each of its endpoints allows (tests.core.access)
    IN_SCOPE: dict[str, dict[str, set]]    new scopes: role -> the targets ("self", "own_store", ...)
    FORM_DATA: dict[str, dict]             what a POST sends besides the CSRF token
    PERSON_ARGUMENTS: frozenset[str]       URL arguments that name a person or something of theirs
    ARGUMENT_VALUES: dict[str, maker]      test values for its URL arguments (see tests/core/support.py)
    ENDPOINT_ARGUMENT_VALUES: dict[(endpoint, argument), maker]
"""

import importlib
import pkgutil
from functools import cache
from types import ModuleType


@cache
def feature_modules() -> tuple[ModuleType, ...]:
    return tuple(importlib.import_module(f"{__name__}.{info.name}")
                 for info in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name))


def merged(name: str) -> dict:
    """One dict made of every feature module's `name`; a key defined twice is a mistake."""
    result: dict = {}
    for module in feature_modules():
        part = getattr(module, name, {})
        clash = result.keys() & part.keys()
        assert not clash, f"{module.__name__} redefines {sorted(clash)}"
        result.update(part)
    return result


def merged_set(name: str) -> frozenset:
    return frozenset().union(*(getattr(module, name, frozenset()) for module in feature_modules()))
