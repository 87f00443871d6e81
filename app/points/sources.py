"""How a ledger entry names where its points came from. Features register their source types so
the provenance feed can say "Mission: Window display photo" and link to it."""

from collections.abc import Callable
from dataclasses import dataclass

from flask import url_for
from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class SourceType:
    label: object
    icon: str
    link: Callable[[str], str | None] | None = None


_sources: dict[str, SourceType] = {
    "manual": SourceType(_l("Award from a manager"), "plus"),
    "api": SourceType(_l("Sale or store system"), "store"),
    "redemption": SourceType(_l("Reward"), "check"),
}


def register_source(source_type: str, label, icon: str = "check",
                    link: Callable[[str], str | None] | None = None) -> None:
    _sources[source_type] = SourceType(label, icon, link)


def source_type(name: str, label, icon: str, endpoint: str | None = None, id_name: str | None = None):
    """A feature's `init_app` (its `Feature` record) that registers one source type; the provenance feed links
    an entry to `endpoint`, with the entry's source id as `id_name` when the page names one."""

    def link(source_id: str) -> str:
        return url_for(endpoint, **({id_name: int(source_id)} if id_name else {}))

    def install(_app) -> None:
        register_source(name, label, icon, link=link if endpoint else None)

    return install


def describe(source_type: str) -> SourceType:
    return _sources.get(source_type, SourceType(source_type.replace("_", " ").capitalize(), "info"))


def link_for(source_type: str, source_id: str | None) -> str | None:
    source = _sources.get(source_type)
    if source is None or source.link is None or source_id is None:
        return None
    try:
        return source.link(source_id)
    except Exception:  # a link that can't be built must not break the feed
        return None
