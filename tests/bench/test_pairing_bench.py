"""`learnlink bench pairing` on a small organisation: every figure present and sane."""

from __future__ import annotations

import json

from click.testing import CliRunner

from bot.bench.pairing import pairing_command, synthetic_organisation

KEYS = {
    "people",
    "seconds",
    "peak_rss_mb",
    "placed",
    "repeats",
    "teaching_any",
    "teaching_both",
    "cross_team",
    "weight_vs_exact",
}


def test_json_report_has_every_key_everyone_placed_and_no_repeats() -> None:
    # --exact-people keeps networkx's exact matching on a complete graph small and fast.
    outcome = CliRunner().invoke(
        pairing_command, ["--people", "300", "--json", "--exact-people", "120"]
    )
    assert outcome.exit_code == 0, outcome.output
    report = json.loads(outcome.output)
    assert set(report) >= KEYS
    assert report["people"] == 300
    assert report["placed"] == 1.0
    assert report["repeats"] == 0
    assert 0.0 < report["teaching_both"] <= report["teaching_any"] <= 1.0
    assert 0.9 <= report["weight_vs_exact"] <= 1.0 + 1e-9
    assert report["seconds"] > 0 and report["peak_rss_mb"] > 0


def test_table_names_each_figure() -> None:
    outcome = CliRunner().invoke(
        pairing_command, ["--people", "40", "--exact-people", "20", "--history", "random"]
    )
    assert outcome.exit_code == 0, outcome.output
    for label in ("seconds (one round)", "peak RSS (MB)", "placed", "weight vs exact (20 people)"):
        assert label in outcome.output


def test_the_organisation_is_seeded_and_long_tailed() -> None:
    people = synthetic_organisation(400, seed=1)
    assert people == synthetic_organisation(400, seed=1)
    assert people != synthetic_organisation(400, seed=2)
    counts: dict[str, int] = {}
    for p in people:
        for topic in p.knows:
            counts[topic] = counts.get(topic, 0) + 1
    ranked = sorted(counts.values(), reverse=True)
    assert ranked[0] >= 10 * ranked[len(ranked) // 2]  # a few topics common, most rare
    assert len({p.team for p in people}) == 20
    assert len({p.timezone for p in people}) == 12
