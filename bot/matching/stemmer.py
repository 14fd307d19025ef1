"""A light English stemmer: Porter's steps 1 and 5 only.

Why so light: routing needs "tests", "testing" and "tested" to meet, but the
full Porter algorithm's derivational steps merge words people keep apart in
chat ("organisation" / "organ") and cost time on every message. Steps 1 and 5
handle plurals, -ed/-ing and a final -e consistently, which is what matters
for matching a question against what someone answered before.
"""

from __future__ import annotations

_VOWELS = frozenset("aeiou")


def _is_consonant(word: str, i: int) -> bool:
    ch = word[i]
    if ch in _VOWELS:
        return False
    if ch == "y":
        return i == 0 or not _is_consonant(word, i - 1)
    return True


def _measure(stem: str) -> int:
    """Porter's m: the number of vowel-consonant sequences in the stem."""
    m, prev_vowel = 0, False
    for i in range(len(stem)):
        vowel = not _is_consonant(stem, i)
        if prev_vowel and not vowel:
            m += 1
        prev_vowel = vowel
    return m


def _has_vowel(stem: str) -> bool:
    return any(not _is_consonant(stem, i) for i in range(len(stem)))


def _double_consonant(word: str) -> bool:
    return len(word) >= 2 and word[-1] == word[-2] and _is_consonant(word, len(word) - 1)


def _cvc(word: str) -> bool:
    """Ends consonant-vowel-consonant, the last not w, x or y (e.g. "hop")."""
    if len(word) < 3 or word[-1] in "wxy":
        return False
    n = len(word)
    return (
        _is_consonant(word, n - 1) and not _is_consonant(word, n - 2) and _is_consonant(word, n - 3)
    )


def _step1a(w: str) -> str:
    if w.endswith("sses") or w.endswith("ies"):
        return w[:-2]
    if w.endswith("ss") or w.endswith("us") or w.endswith("is"):
        return w
    if w.endswith("s"):
        return w[:-1]
    return w


def _after_1b(w: str) -> str:
    if w.endswith(("at", "bl", "iz")):
        return w + "e"
    if _double_consonant(w) and w[-1] not in "lsz":
        return w[:-1]
    if _measure(w) == 1 and _cvc(w):
        return w + "e"
    return w


def _step1b(w: str) -> str:
    if w.endswith("eed"):
        return w[:-1] if _measure(w[:-3]) > 0 else w
    for suffix in ("ed", "ing"):
        if w.endswith(suffix):
            stem = w[: -len(suffix)]
            if _has_vowel(stem):
                return _after_1b(stem)
            return w
    return w


def _step1c(w: str) -> str:
    if w.endswith("y") and len(w) > 2 and _has_vowel(w[:-1]):
        return w[:-1] + "i"
    return w


def _step5(w: str) -> str:
    if w.endswith("e"):
        m = _measure(w[:-1])
        if m > 1 or (m == 1 and not _cvc(w[:-1])):
            w = w[:-1]
    if w.endswith("ll") and _measure(w) > 1:
        w = w[:-1]
    return w


def stem(word: str) -> str:
    """Stem one lowercase ASCII word; shorter words and other scripts pass through."""
    if len(word) <= 3 or not word.isascii() or not word.isalpha():
        return word
    return _step5(_step1c(_step1b(_step1a(word))))
