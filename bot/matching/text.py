"""Text analysis: from a chat message to index terms and named topics.

Why a custom tokeniser: the words that matter most for routing are the
technical ones (``c++``, ``c#``, ``node.js``, ``ci/cd``, ``python3.11``,
``.net``), and ordinary tokenisers cut them into meaningless pieces. We keep
them whole, stem only plain words, drop stop words, and map synonyms to one
canonical topic so that "k8s" and "kubernetes" meet.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from itertools import chain, compress, count, islice, pairwise
from operator import attrgetter
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
# distinct tokens remembered (about 300 bytes each; 10,000 people's chat has some
# 20,000 words); each cache restarts when full, so nothing grows it forever
_MAX_CACHED = 50_000
_MAX_DIGIT_CACHED = 2_000
_DIGIT = re.compile(r"\d")

_TECH_TERMS = """
c++ c# f# .net asp.net node.js vue.js react.js next.js ci/cd tcp/ip i/o a/b ui/ux pl/sql
r&d q&a at&t b2b b2c p&l
"""
BUILTIN_TECH_TERMS = frozenset(_TECH_TERMS.split())


class _Token(NamedTuple):
    """What one whitespace-separated token of lowercased text contributes."""

    forms: tuple[str, ...]  # normalised words, stop words kept (for phrase matching)
    units: tuple[str, ...]  # index terms when no multi-word phrase is involved
    topics: tuple[str, ...]  # single-word topics it names
    starts_phrase: bool  # one of its forms can begin a multi-word phrase


_FORMS, _TOPICS = attrgetter("forms"), attrgetter("topics")


class Analysis(NamedTuple):
    """Index terms and canonical topics of one text."""

    terms: list[str]
    topics: list[str]


class _Units(dict[str, tuple[str, ...]]):
    """Whitespace token -> its index terms; a miss reads the token (``on_miss``)."""

    def __init__(self, on_miss: Callable[[str], _Token]):
        super().__init__()
        self._on_miss = on_miss

    def __missing__(self, raw: str) -> tuple[str, ...]:
        return self._on_miss(raw).units


class _TokenCache:
    """What each whitespace token contributes, remembered, with sets for quick checks.

    Why: a text is analysed with a few C-level passes over its tokens
    (``map(units.__getitem__, ...)``, ``set.isdisjoint``), most of what makes
    building the index at start-up fast. Why two limits: words recur, so up to
    ``_MAX_CACHED`` are kept (a workspace's vocabulary); tokens with digits
    (ticket numbers, ids, times) mostly never recur, and a server that kept
    them would grow with every message, so at most ``_MAX_DIGIT_CACHED`` of
    them are kept. Room is made before a text, never during it, so every token
    of the text being analysed stays cached until it is done.
    """

    def __init__(self, read_token: Callable[[str], _Token]):
        self._read_token = read_token
        self.units = _Units(self._remember)
        self.tokens: dict[str, _Token] = {}
        self.phrase_starts: set[str] = set()  # tokens with a form that can begin a phrase
        self.with_topics: set[str] = set()  # tokens that name a topic
        self._with_digits: list[str] = []

    @property
    def sizes(self) -> tuple[int, int]:
        """Tokens cached, and how many of them hold digits (for tests and diagnostics)."""
        return len(self.tokens), len(self._with_digits)

    def make_room(self, incoming: int) -> None:
        """Forget enough that ``incoming`` new tokens keep both limits."""
        if len(self.tokens) + incoming > _MAX_CACHED:
            for cache in (self.units, self.tokens, self.phrase_starts, self.with_topics):
                cache.clear()
            self._with_digits.clear()
        elif len(self._with_digits) + incoming > _MAX_DIGIT_CACHED:
            for raw in self._with_digits:
                self.units.pop(raw, None)
                self.tokens.pop(raw, None)
                self.phrase_starts.discard(raw)
                self.with_topics.discard(raw)
            self._with_digits.clear()

    def _remember(self, raw: str) -> _Token:
        token = self.tokens[raw] = self._read_token(raw)
        self.units[raw] = token.units
        if token.starts_phrase:
            self.phrase_starts.add(raw)
        if token.topics:
            self.with_topics.add(raw)
        if _DIGIT.search(raw):
            self._with_digits.append(raw)
        return token


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
    Results are cached per distinct whitespace token, so analysing a message
    costs a few dictionary look-ups per word.
    """

    def __init__(self, synonyms: Mapping[str, str] | None = None, topics: Iterable[str] = ()):
        synonyms = {k.lower().strip(): v.lower().strip() for k, v in (synonyms or {}).items()}
        names = {t.lower().strip() for t in topics} | set(synonyms.values())
        names.discard("")
        self._known = BUILTIN_TECH_TERMS | frozenset(
            w for phrase in (*names, *synonyms) for w in phrase.split() if not w.isalpha()
        )
        self._names: frozenset[str] = frozenset()  # no version expansion inside the catalog
        self._phrases: dict[tuple[str, ...], str] = {}
        for phrase, topic in [*((n, n) for n in names), *synonyms.items()]:
            key = tuple(self._catalog_words(phrase))
            if key:
                self._phrases.setdefault(key, topic)
        self._names = frozenset(names)
        self._starts = frozenset(k[0] for k in self._phrases if len(k) > 1)
        self._single = {k[0]: topic for k, topic in self._phrases.items() if len(k) == 1}
        self._max_phrase = max((len(k) for k in self._phrases), default=1)
        self._topic_terms = {
            t: tuple(w for w in self._catalog_words(t) if w not in STOP_WORDS) for t in names
        }
        self._follow: dict[str, set[str]] = {}  # a phrase's first word -> its second words
        for key in self._phrases:
            if len(key) > 1:
                self._follow.setdefault(key[0], set()).add(key[1])
        self._tokens = _TokenCache(self._read_token)

    @property
    def topic_names(self) -> frozenset[str]:
        """Canonical names of every catalog topic."""
        return self._names

    def terms(self, text: str) -> list[str]:
        """Index terms of ``text``: stemmed content words, synonyms made canonical."""
        return self.analyze(text).terms

    def topics(self, text: str) -> list[str]:
        """Canonical catalog topics mentioned in ``text``, in order of first mention."""
        return self.analyze(text).topics

    def analyze(self, text: str) -> Analysis:
        """Terms and topics of ``text`` in one pass (what indexing needs)."""
        raw = plain_text(text[:_MAX_CHARS]).lower().replace("’", "'").split()
        cache = self._tokens
        cache.make_room(len(raw))
        terms = list(chain.from_iterable(map(cache.units.__getitem__, raw)))
        if not cache.phrase_starts.isdisjoint(raw) and self._may_hold_phrase(raw):
            return self._analyze_phrases(
                list(chain.from_iterable(map(_FORMS, map(cache.tokens.__getitem__, raw))))
            )
        if cache.with_topics.isdisjoint(raw):
            return Analysis(terms, [])
        topics = chain.from_iterable(map(_TOPICS, map(cache.tokens.__getitem__, raw)))
        return Analysis(terms, list(dict.fromkeys(topics)))

    def canonical_topic(self, name: str) -> str:
        """The catalog name of a topic or alias; unknown names are kept (lowercased)."""
        found = self.topics(name)
        return found[0] if len(found) == 1 else " ".join(name.lower().split())

    def _analyze_phrases(self, words: list[str]) -> Analysis:
        """Slow path: match multi-word catalog phrases (longest first), then single words."""
        terms: list[str] = []
        topics: dict[str, None] = {}
        starts, single, topic_terms = self._starts, self._single, self._topic_terms
        i, n = 0, len(words)
        while i < n:
            word = words[i]
            size, topic = self._phrase_at(words, i) if word in starts else (1, None)
            topic = topic or single.get(word)
            if topic is not None:
                terms.extend(topic_terms[topic])
                topics.setdefault(topic)
            elif word not in STOP_WORDS:
                terms.append(word)
            i += size
        return Analysis(terms, list(topics))

    def _may_hold_phrase(self, raw: list[str]) -> bool:
        """Cheap pre-check: a phrase's first word right before one of its second words."""
        tokens, follow = self._tokens.tokens, self._follow
        for i in compress(count(), map(self._tokens.phrase_starts.__contains__, raw)):
            forms = tokens[raw[i]].forms
            after = map(_FORMS, map(tokens.__getitem__, islice(raw, i + 1, None)))
            following = next(filter(None, after), ("",))[0]
            if len(forms) == 1:  # the common case: one word, which can start a phrase
                if following in follow[forms[0]]:
                    return True
            elif any(b in follow.get(a, ()) for a, b in pairwise((*forms, following))):
                return True
        return False

    def _phrase_at(self, words: list[str], i: int) -> tuple[int, str | None]:
        """The longest multi-word catalog phrase at ``words[i]``: (words used, topic or None)."""
        for size in range(min(self._max_phrase, len(words) - i), 1, -1):
            topic = self._phrases.get(tuple(words[i : i + size]))
            if topic is not None:
                return size, topic
        return 1, None

    def _read_token(self, raw: str) -> _Token:
        """What one whitespace token contributes (the token cache calls this on a miss)."""
        forms = tuple(f for word in _WORD.findall(raw) for f in self._forms(word))
        units: list[str] = []
        topics: list[str] = []
        for form in forms:
            topic = self._single.get(form)
            if topic is not None:
                units.extend(self._topic_terms[topic])
                topics.append(topic)
            elif form not in STOP_WORDS:
                units.append(form)
        return _Token(
            forms,
            tuple(units),
            tuple(topics),
            not self._starts.isdisjoint(forms),
        )

    def _catalog_words(self, phrase: str) -> list[str]:
        """Normalised words of a catalog name or alias (no caching: runs once per entry)."""
        text = phrase.lower()
        return [f for word in _WORD.findall(text) for f in self._forms(word)]

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
