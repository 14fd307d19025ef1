"""Text analysis: technical terms stay whole, synonyms meet, topics are found."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.matching import text as text_module
from bot.matching.catalog import load_topic_catalog
from bot.matching.markup import plain_text
from bot.matching.stemmer import stem
from bot.matching.text import Analyzer

TOPICS_FILE = Path(__file__).resolve().parents[2] / "config" / "topics.yaml"


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer(*load_topic_catalog(TOPICS_FILE))


@pytest.mark.parametrize(
    "term", ["c++", "c#", "node.js", "python3.11", ".net", "ci/cd", "k8s", "f#", "asp.net"]
)
def test_technical_terms_are_kept_whole(term: str) -> None:
    terms = Analyzer().terms(f"Anyone good with {term}? Thanks!")
    assert term in terms


def test_trailing_punctuation_is_not_part_of_a_term() -> None:
    assert Analyzer().terms("We moved to node.js. Then c++, then (.net).") == [
        "move",
        "node.js",
        "c++",
        ".net",
    ]


def test_stop_words_and_chat_filler_are_dropped() -> None:
    assert Analyzer().terms("Does anyone know how I can do this, please?") == []


def test_plain_words_are_stemmed_consistently() -> None:
    analyzer = Analyzer()
    assert analyzer.terms("tests testing tested") == ["test", "test", "test"]
    assert stem("policies") == stem("policy")
    assert stem("caching") == stem("cache")


def test_synonyms_map_to_the_canonical_topic(analyzer: Analyzer) -> None:
    assert analyzer.terms("k8s") == analyzer.terms("kubernetes") == analyzer.terms("Kube")
    assert analyzer.terms("psql") == analyzer.terms("postgres") == ["postgresql"]
    assert analyzer.terms("tf plan") == analyzer.terms("terraform plan")


def test_multiword_alias_maps_to_multiword_topic(analyzer: Analyzer) -> None:
    assert analyzer.terms("our ci is red") == analyzer.terms("our continuous integration is red")
    assert analyzer.topics("help with CI/CD please") == ["continuous integration"]


def test_versioned_names_also_yield_the_topic(analyzer: Analyzer) -> None:
    assert analyzer.terms("upgrade to python3.11") == ["upgrad", "python3.11", "python"]


def test_slack_markup_urls_and_html_are_stripped() -> None:
    text = (
        "<@U024BE7LH> see <https://wiki.example.com/k8s|the runbook> and "
        "https://example.com/x?y=1 :tada: <p>About <code>kubectl</code></p> &amp; more"
    )
    assert plain_text(text).split() == [
        "see",
        "the",
        "runbook",
        "and",
        "About",
        "kubectl",
        "&",
        "more",
    ]
    assert Analyzer().terms(text) == ["runbook", "kubectl"]


def test_topics_are_canonical_and_in_order_of_first_mention(analyzer: Analyzer) -> None:
    text = "Machine learning on k8s: we deploy with Terraform, then machine learning again"
    assert analyzer.topics(text) == ["machine learning", "kubernetes", "terraform"]


def test_topics_match_plurals_and_inflections(analyzer: Analyzer) -> None:
    assert analyzer.topics("writing unit tests with pytest") == ["testing"]
    assert analyzer.topics("our Helm charts") == ["helm"]


def test_phrase_with_a_stop_word_inside(analyzer: Analyzer) -> None:
    assert analyzer.topics("is infrastructure as code worth it") == ["infrastructure as code"]


def test_canonical_topic_resolves_aliases(analyzer: Analyzer) -> None:
    assert analyzer.canonical_topic("K8s") == "kubernetes"
    assert analyzer.canonical_topic("Quantum Basketry") == "quantum basketry"


@pytest.mark.parametrize(
    "text",
    ["", "   ", "😀🎉🔥" * 50, "x" * 50_000, "日本語のテキストと English 混在 текст", "<<<>>>&&&"],
)
def test_bad_input_is_harmless(analyzer: Analyzer, text: str) -> None:
    assert isinstance(analyzer.terms(text), list)
    assert isinstance(analyzer.topics(text), list)


def test_mixed_scripts_keep_non_latin_words(analyzer: Analyzer) -> None:
    terms = analyzer.terms("Kubernetes и текст 日本語")
    assert "kubernet" in terms and "текст" in terms and "日本語" in terms


def test_ticket_numbers_do_not_grow_the_token_cache_and_results_stay_the_same() -> None:
    """A server sees a new id in nearly every message; remembering them all would leak."""
    catalog = load_topic_catalog(TOPICS_FILE)
    long_lived, fresh = Analyzer(*catalog), Analyzer(*catalog)
    texts = [
        f"How do I configure machine learning for kubernetes q{n} at 10:{n % 60}?"
        for n in range(5_000)
    ]
    for text in texts:
        long_lived.analyze(text)
    words, with_digits = long_lived._tokens.sizes
    assert with_digits <= text_module._MAX_DIGIT_CACHED
    assert words - with_digits < 20  # the words of the sentence, once each
    for text in texts[-50:]:
        assert long_lived.analyze(text) == fresh.analyze(text)
    assert "machine learning" in long_lived.topics(texts[-1])
