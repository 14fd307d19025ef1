"""The topic catalog: canonical topic names and their aliases.

Why a separate module: matching works on plain data (``catalog_from_dict``),
so it never depends on a file format; ``load_topic_catalog`` is the thin
convenience that reads ``config/topics.yaml`` for callers that have a path.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple


class TopicCatalog(NamedTuple):
    """Aliases mapped to canonical names, and every canonical name in catalog order."""

    synonyms: dict[str, str]
    topics: tuple[str, ...]


def catalog_from_dict(data: Mapping[str, Any] | None) -> TopicCatalog:
    """Build a catalog from ``{topic: [alias, ...]}`` (aliases may be null or one string).

    Names are lowercased and stripped; an alias claimed by two topics keeps
    the first, so the result does not depend on anything but the data order.
    """
    synonyms: dict[str, str] = {}
    topics: list[str] = []
    for raw_topic, raw_aliases in (data or {}).items():
        topic = str(raw_topic).strip().lower()
        if not topic:
            continue
        topics.append(topic)
        aliases = [raw_aliases] if isinstance(raw_aliases, str) else list(raw_aliases or [])
        for raw_alias in aliases:
            alias = str(raw_alias).strip().lower()
            if alias and alias != topic:
                synonyms.setdefault(alias, topic)
    return TopicCatalog(synonyms, tuple(dict.fromkeys(topics)))


def load_topic_catalog(path: str | Path) -> TopicCatalog:
    """Read a YAML topic file (``topic: [aliases]``); unpacks as ``(synonyms, topics)``."""
    import yaml  # imported here so that matching itself stays free of file formats

    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if data is not None and not isinstance(data, Mapping):
        raise ValueError(f"{path}: expected a mapping of topic -> aliases")
    return catalog_from_dict(data)
