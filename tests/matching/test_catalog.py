"""The topic catalog: plain data in, synonyms and names out."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.matching.catalog import catalog_from_dict, load_topic_catalog

TOPICS_FILE = Path(__file__).resolve().parents[2] / "config" / "topics.yaml"


def test_catalog_from_dict_maps_aliases_to_canonical_names() -> None:
    catalog = catalog_from_dict({"Kubernetes": ["K8s", "kube"], "helm": None, "sql": "tsql"})
    assert catalog.topics == ("kubernetes", "helm", "sql")
    assert catalog.synonyms == {"k8s": "kubernetes", "kube": "kubernetes", "tsql": "sql"}


def test_first_topic_keeps_a_shared_alias() -> None:
    catalog = catalog_from_dict({"terraform": ["tf"], "tensorflow": ["tf"]})
    assert catalog.synonyms["tf"] == "terraform"


def test_empty_catalog() -> None:
    assert catalog_from_dict(None) == ({}, ())


def test_repository_catalog_is_large_and_well_formed() -> None:
    synonyms, topics = load_topic_catalog(TOPICS_FILE)
    assert len(topics) >= 150
    assert synonyms["k8s"] == "kubernetes"
    assert synonyms["postgres"] == "postgresql"
    assert synonyms["ci/cd"] == "continuous integration"
    assert set(synonyms.values()) <= set(topics)


def test_load_rejects_a_list(tmp_path: Path) -> None:
    path = tmp_path / "topics.yaml"
    path.write_text("- kubernetes\n- helm\n")
    with pytest.raises(ValueError):
        load_topic_catalog(path)
