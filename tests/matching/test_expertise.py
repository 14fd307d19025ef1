"""Ranking on small hand-made organisations whose right answers are known."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.matching.catalog import load_topic_catalog
from bot.matching.decay import DecayingSums, decay_factor, growth, seconds
from bot.matching.evidence import Evidence, EvidenceKind, EvidenceWeights
from bot.matching.expertise import ExpertiseIndex
from bot.matching.text import Analyzer

K = EvidenceKind
NOW = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)
TOPICS_FILE = Path(__file__).resolve().parents[2] / "config" / "topics.yaml"
K8S_Q = "Why does my kubernetes pod keep restarting after the deploy?"


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer(*load_topic_catalog(TOPICS_FILE))


def ev(person: str, kind: EvidenceKind, text: str = "", days_ago: float = 1, **kw) -> Evidence:
    return Evidence(person, kind, text, NOW - timedelta(days=days_ago), **kw)


def ids(ranked: list) -> list[str]:
    return [r.person_id for r in ranked]


def test_resolved_answers_beat_a_bare_declaration(analyzer: Analyzer) -> None:
    index = ExpertiseIndex.build(
        analyzer,
        None,
        [
            ev("alice", K.DECLARED, topic="kubernetes", days_ago=30),
            ev("bob", K.RESOLVED_ANSWER, "pod restarting in k8s? check the liveness probe", 3),
            ev("bob", K.RESOLVED_ANSWER, "kubernetes pod crashloop: read kubectl logs", 2),
        ],
    )
    ranked = index.rank(K8S_Q, NOW)
    assert ids(ranked) == ["bob", "alice"]
    assert ranked[0].reasons == ("resolved 2 questions on kubernetes",)
    assert ranked[0].topics == ("kubernetes",)
    assert ranked[1].reasons == ("declared kubernetes",)


def test_a_declaration_beats_an_active_person_who_knows_nothing_of_it(analyzer: Analyzer) -> None:
    index = ExpertiseIndex.build(
        analyzer,
        None,
        [
            ev("alice", K.DECLARED, topic="helm", days_ago=60),
            ev("dave", K.RESOLVED_ANSWER, "terraform state lock: terraform force-unlock", 1),
            ev("dave", K.ANSWER, "terraform modules and workspaces explained", 1),
        ],
    )
    ranked = index.rank("How do I template values in a helm chart?", NOW)
    assert ids(ranked) == ["alice", "dave"]
    assert ranked[0].relevance == 1.0 and ranked[1].relevance == 0.0


def test_not_me_lowers_that_topic_only(analyzer: Analyzer) -> None:
    same = [
        ("terraform plan shows drift; run terraform refresh first", 5),
        ("postgres vacuum is slow; tune autovacuum settings", 4),
    ]
    evidence = [ev(p, K.ANSWER, text, d) for p in ("erin", "frank") for text, d in same]
    evidence.append(ev("frank", K.NOT_ME, topic="terraform", days_ago=1))
    evidence.append(ev("erin", K.ASKED, "lunch?", days_ago=1))  # both last seen a day ago
    index = ExpertiseIndex.build(analyzer, None, evidence)
    tf = index.rank("terraform drift after apply?", NOW)
    assert ids(tf) == ["erin", "frank"]
    pg = index.rank("postgres autovacuum tuning", NOW)
    assert pg[0].score == pytest.approx(pg[1].score)


def test_asking_does_not_make_an_expert(analyzer: Analyzer) -> None:
    evidence = [
        ev("carol", K.ASKED, f"kubernetes question {i}: pods and helm", i) for i in range(8)
    ]
    evidence.append(ev("dave", K.ANSWER, "our expense report policy: receipts within 30 days", 2))
    index = ExpertiseIndex.build(analyzer, None, evidence)
    assert ids(index.rank(K8S_Q, NOW)) == ["dave"]
    profile = index.profile("carol", NOW)
    assert profile.knows == ()
    assert {t for t, _ in profile.wants_to_learn} == {"kubernetes", "helm"}


def test_declared_interest_is_a_wants_to_learn_topic(analyzer: Analyzer) -> None:
    index = ExpertiseIndex.build(analyzer, None, [ev("gina", K.ASKED, topic="Rust", days_ago=1)])
    assert [t for t, _ in index.profile("gina", NOW).wants_to_learn] == ["rust"]


def test_exclude_and_candidates_are_respected(analyzer: Analyzer) -> None:
    people = ["p1", "p2", "p3", "p4"]
    index = ExpertiseIndex.build(
        analyzer, None, [ev(p, K.ANSWER, "kubernetes pod restarts: probes", 2) for p in people]
    )
    assert set(ids(index.rank(K8S_Q, NOW, exclude={"p1"}))) == {"p2", "p3", "p4"}
    assert set(ids(index.rank(K8S_Q, NOW, candidates={"p2", "p3", "nobody"}))) == {"p2", "p3"}
    assert ids(index.rank(K8S_Q, NOW, candidates={"p2"}, exclude={"p2"})) == []
    assert len(index.rank(K8S_Q, NOW, limit=2)) == 2
    assert index.rank(K8S_Q, NOW, limit=0) == []


def test_recent_activity_breaks_a_tie_in_knowledge(analyzer: Analyzer) -> None:
    text = "kubernetes pod restarts: probes"
    index = ExpertiseIndex.build(
        analyzer, None, [ev("old", K.ANSWER, text, 200), ev("new", K.ANSWER, text, 1)]
    )
    assert ids(index.rank(K8S_Q, NOW)) == ["new", "old"]


def test_someone_seen_lately_comes_before_an_equal_who_went_quiet(analyzer: Analyzer) -> None:
    """Same answer, same day; one of them asked something an hour ago (so is around)."""
    text = "kubernetes pod restarts: probes"
    history = [ev(name, K.ANSWER, text, 20) for name in ("quiet", "around")]
    history.append(ev("around", K.ASKED, "where is the lunch menu?", days_ago=1 / 24))
    index = ExpertiseIndex.build(analyzer, None, history)
    ranked = index.rank(K8S_Q, NOW)
    assert ids(ranked) == ["around", "quiet"]
    # the idle term only tips a close call: 20 days quiet costs about 44%
    assert ranked[1].score / ranked[0].score == pytest.approx((481 / 2) ** -0.1, rel=1e-6)


def test_evidence_weighs_half_after_one_half_life(analyzer: Analyzer) -> None:
    weights = EvidenceWeights(half_life_days=30)
    index = ExpertiseIndex.build(
        analyzer,
        weights,
        [
            ev("fresh", K.DECLARED, topic="helm", days_ago=0),
            ev("aged", K.DECLARED, topic="helm", days_ago=30),
        ],
    )
    fresh = dict(index.profile("fresh", NOW).knows)["helm"]
    aged = dict(index.profile("aged", NOW).knows)["helm"]
    assert fresh == pytest.approx(weights.declared)
    assert aged == pytest.approx(weights.declared / 2)


def test_decay_helpers() -> None:
    t = seconds(NOW)
    assert growth(t, 10) * decay_factor(t + 10 * 86_400, 10) == pytest.approx(0.5)
    sums = DecayingSums(half_life_days=1)
    sums.add(0, t, 1.0)
    sums.add(0, t - 86_400, 2.0)  # out of order: already one half-life old
    sums.add(2, t, 4.0)
    assert sums.at(t + 86_400, 3) == pytest.approx([1.0, 0.0, 2.0])
    sums.clear(2)
    assert sums.at(t, 3)[2] == 0.0


def test_reasons_count_answers_per_topic(analyzer: Analyzer) -> None:
    index = ExpertiseIndex.build(
        analyzer,
        None,
        [
            ev("hal", K.ANSWER, "helm chart values for kubernetes", 3),
            ev("hal", K.ANSWER, "kubernetes ingress classes", 2),
            ev("hal", K.RESOLVED_ANSWER, "kubernetes pod probes", 1),
            ev("hal", K.DECLARED, topic="helm", days_ago=9),
        ],
    )
    [hal] = index.rank("kubernetes pod and helm chart question", NOW)
    assert hal.reasons == (
        "answered 3 questions on kubernetes (1 resolved)",
        "answered 1 question on helm",
        "declared helm",
    )
    assert hal.topics == ("kubernetes", "helm")


def test_reasons_fall_back_to_similar_answers(analyzer: Analyzer) -> None:
    index = ExpertiseIndex.build(
        analyzer, None, [ev("ida", K.ANSWER, "the espresso grinder burrs need cleaning", 1)]
    )
    [ida] = index.rank("my espresso grinder is clogged", NOW)
    assert ida.reasons == ("answered 1 similar question",)


def test_experts_for_topic_accepts_aliases(analyzer: Analyzer) -> None:
    index = ExpertiseIndex.build(
        analyzer,
        None,
        [
            ev("jo", K.RESOLVED_ANSWER, "k8s rollout restart deployment", 2),
            ev("kim", K.DECLARED, topic="kubernetes", days_ago=10),
            ev("lee", K.ANSWER, "invoices go to finance", 1),
        ],
    )
    assert set(ids(index.experts_for_topic("k8s", NOW))) == {"jo", "kim"}
    assert index.experts_for_topic("quantum basketry", NOW) == []


def test_profile_counts_and_last_activity(analyzer: Analyzer) -> None:
    index = ExpertiseIndex.build(
        analyzer,
        None,
        [
            ev("max", K.ANSWER, "terraform modules", 3),
            ev("max", K.RESOLVED_ANSWER, "terraform state", 2),
            ev("max", K.DECLARED, topic="tf", days_ago=5),
            ev("max", K.ASKED, "how do I learn rust?", 1),
        ],
    )
    profile = index.profile("max", NOW)
    assert profile.answers == 2 and profile.resolved_answers == 1
    assert profile.declared == ("terraform",)
    assert [t for t, _ in profile.knows] == ["terraform"]
    assert [t for t, _ in profile.wants_to_learn] == ["rust"]
    assert profile.last_active == NOW - timedelta(days=1)
    assert index.profile("nobody", NOW).knows == ()


def test_remove_person_forgets_everything(analyzer: Analyzer) -> None:
    index = ExpertiseIndex.build(
        analyzer,
        None,
        [ev("nia", K.ANSWER, "kubernetes pods", 1), ev("oli", K.ANSWER, "kubernetes nodes", 1)],
    )
    index.remove_person("nia")
    index.remove_person("never-seen")
    assert ids(index.rank(K8S_Q, NOW)) == ["oli"]
    assert "nia" not in index and len(index) == 1
    assert index.profile("nia", NOW).knows == ()
    index.add(ev("nia", K.ANSWER, "kubernetes again", 0))
    assert set(ids(index.rank(K8S_Q, NOW))) == {"nia", "oli"}


@pytest.mark.parametrize(
    "text", ["", "😀🎉" * 100, "kubernetes " * 5_000 + "x" * 10_000, "Kubernetes и 日本語 mixed"]
)
def test_bad_input_is_handled(analyzer: Analyzer, text: str) -> None:
    index = ExpertiseIndex.build(analyzer, None, [ev("pat", K.ANSWER, text, 1)])
    index.add(ev("quin", K.ANSWER, "kubernetes", 1))
    assert all(r.score > 0 for r in index.rank(text, NOW))
    assert ExpertiseIndex(analyzer).rank(text, NOW) == []


def test_naive_datetimes_are_rejected() -> None:
    with pytest.raises(ValueError):
        Evidence("x", K.ANSWER, "t", datetime(2026, 1, 1))
