"""Text analysis: from a chat message to index terms and named topics.

Why a custom tokeniser: the words that matter most for routing are the
technical ones (``c++``, ``c#``, ``node.js``, ``ci/cd``, ``python3.11``,
``.net``), and ordinary tokenisers cut them into meaningless pieces. We keep
them whole, stem only plain words, drop stop words, and map synonyms to one
canonical topic so that "k8s" and "kubernetes" meet.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import NamedTuple

from bot.matching.markup import plain_text
from bot.matching.stemmer import stem
from bot.matching.stopwords import STOP_WORDS

# A word starts with a letter or digit and may carry technical punctuation
# inside (node.js, ci/cd, c++, c#); ".net"-style words start with a dot.
_WORD = re.compile(r"[^\W_][\w.+#/'&-]*|(?<![\w.])\.[a-z][a-z0-9]*")
_TRAILING = ".,/'&-_"
_NUMBER = re.compile(r"[\d.,/:+#&-]+")
_VERSIONED = re.compile(r"([a-z][a-z+#]*?)\d[\d.]*")
_MAX_WORD = 40
_MAX_CHARS = 100_000

BUILTIN_TECH_TERMS = frozenset(
    [
        "c++",
        "c#",
        "f#",
        ".net",
        "asp.net",
        "node.js",
        "vue.js",
        "react.js",
        "next.js",
        "ci/cd",
        "tcp/ip",
        "i/o",
        "a/b",
        "ui/ux",
        "pl/sql",
        "r&d",
        "q&a",
        "at&t",
        "b2b",
        "b2c",
        "p&l",
    ]
)


class Analysis(NamedTuple):
    """Index terms and canonical topics of one text."""

    terms: list[str]
    topics: list[str]


def _word_variants(word: str, known: frozenset[str]) -> list[str]:
    """Split a raw word on "/" and "-" unless it is a known technical term."""
    word = word.rstrip(_TRAILING).replace("'s", "").replace("'", "")
    if not word or word in known:
        return [word] if word else []
    if "/" in word or "-" in word:
        parts = re.split(r"[/-]+", word)
        return [p.rstrip(_TRAILING) for p in parts if p.rstrip(_TRAILING)]
    return [word]


class Analyzer:
    """Tokenises text into index terms and finds the catalog topics it mentions.

    ``synonyms`` maps an alias to its canonical topic ("k8s" -> "kubernetes");
    ``topics`` lists canonical topic names (they may span several words).
    Results are cached per distinct word, so analysing a message costs a few
    dictionary look-ups per word.
    """

    def __init__(self, synonyms: Mapping[str, str] | None = None, topics: Iterable[str] = ()):
        synonyms = {k.lower().strip(): v.lower().strip() for k, v in (synonyms or {}).items()}
        names = {t.lower().strip() for t in topics} | set(synonyms.values())
        names.discard("")
        self._known = BUILTIN_TECH_TERMS | frozenset(
            w for phrase in (*names, *synonyms) for w in phrase.split() if not w.isalpha()
        )
        self._names: frozenset[str] = frozenset()  # no version expansion inside the catalog
        self._word_cache: dict[str, tuple[str, ...]] = {}
        self._phrases: dict[tuple[str, ...], str] = {}
        for phrase, topic in [*((n, n) for n in names), *synonyms.items()]:
            key = tuple(self._normalise(phrase))
            if key:
                self._phrases.setdefault(key, topic)
        self._word_cache.clear()
        self._names = frozenset(names)
        self._starts = frozenset(k[0] for k in self._phrases if len(k) > 1)
        self._single = {k[0]: topic for k, topic in self._phrases.items() if len(k) == 1}
        self._max_phrase = max((len(k) for k in self._phrases), default=1)
        self._topic_terms = {t: self._content(self._normalise(t)) for t in names}

    def terms(self, text: str) -> list[str]:
        """Index terms of ``text``: stemmed content words, synonyms made canonical."""
        return self.analyze(text).terms

    def topics(self, text: str) -> list[str]:
        """Canonical catalog topics mentioned in ``text``, in order of first mention."""
        return self.analyze(text).topics

    def analyze(self, text: str) -> Analysis:
        """Terms and topics of ``text`` in one pass (what indexing needs)."""
        words = self._normalise(text)
        if self._starts.isdisjoint(words) and self._single.keys().isdisjoint(words):
            return Analysis([w for w in words if w not in STOP_WORDS], [])
        terms: list[str] = []
        topics: dict[str, None] = {}
        i, n = 0, len(words)
        while i < n:
            size, topic = self._topic_at(words, i)
            if topic is not None:
                terms.extend(self._topic_terms[topic])
                topics.setdefault(topic)
            elif words[i] not in STOP_WORDS:
                terms.append(words[i])
            i += size
        return Analysis(terms, list(topics))

    def _topic_at(self, words: list[str], i: int) -> tuple[int, str | None]:
        """The longest catalog phrase starting at ``words[i]``: (words used, topic or None)."""
        if words[i] in self._starts:
            for size in range(min(self._max_phrase, len(words) - i), 1, -1):
                topic = self._phrases.get(tuple(words[i : i + size]))
                if topic is not None:
                    return size, topic
        return 1, self._single.get(words[i])

    def canonical_topic(self, name: str) -> str:
        """The catalog name of a topic or alias; unknown names are kept (lowercased)."""
        found = self.topics(name)
        return found[0] if len(found) == 1 else " ".join(name.lower().split())

    @property
    def topic_names(self) -> frozenset[str]:
        """Canonical names of every catalog topic."""
        return self._names

    def _normalise(self, text: str) -> list[str]:
        """Lowercase words with technical terms kept whole and plain words stemmed."""
        text = plain_text(text[:_MAX_CHARS]).lower().replace("’", "'")
        cache = self._word_cache
        return [
            form
            for raw in _WORD.findall(text)
            for form in (cache.get(raw) or self._cached_forms(raw))
        ]

    def _cached_forms(self, raw: str) -> tuple[str, ...]:
        forms = self._forms(raw)
        if len(self._word_cache) < 500_000:
            self._word_cache[raw] = forms
        return forms

    def _forms(self, raw: str) -> tuple[str, ...]:
        """Index forms of one raw word: stemmed if plain, whole if technical.

        A versioned name of a catalog topic ("python3.11") also yields the
        topic ("python"), so version-specific questions reach general experts.
        """
        forms: list[str] = []
        for word in _word_variants(raw, self._known):
            if len(word) < 2 or len(word) > _MAX_WORD or _NUMBER.fullmatch(word):
                continue
            if word.isalpha():
                forms.append(word if word in STOP_WORDS else stem(word))
                continue
            forms.append(word)
            base = _VERSIONED.fullmatch(word)
            if base and base.group(1) in self._names:
                forms.append(base.group(1))
        return tuple(forms)

    def _content(self, words: list[str]) -> list[str]:
        return [w for w in words if w not in STOP_WORDS]
