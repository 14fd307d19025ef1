"""Question detection: is a channel message a question worth routing to colleagues?

Learnlink listens to whole channels, so most messages it sees are not questions:
status updates, thanks, jokes, lunch plans, pasted logs. Routing any of those to an
expert wastes that person's attention, so the detector leans towards precision: it
needs a positive signal (an interrogative opening, a request for help, a question
mark in the prose) and then looks for reasons the signal is misleading (social chat,
rhetorical hooks in announcements, polls).

Everything here is pure, fast and total: any string, however large or odd, gets a
`Detection` and never an exception. Every regular expression is written so that its
running time is linear in the input (no nested or overlapping unbounded
quantifiers), because messages can be 50,000 characters of pasted logs.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice

__all__ = ["Detection", "MessageFacts", "detect_question", "strip_markup"]


@dataclass(frozen=True)
class MessageFacts:
    """What the platform adapters know about a message, reduced to what detection needs."""

    text: str
    is_bot: bool = False
    subtype: str | None = None
    in_thread: bool = False
    thread_has_answer: bool = False
    explicit: bool = False


@dataclass(frozen=True)
class Detection:
    """The verdict, why, and how sure we are of the verdict (not of "is a question")."""

    is_question: bool
    reason: str
    confidence: float


# Slack subtypes that are still a person writing new prose to the channel; every other
# subtype (edits, deletions, joins, topic changes, bot posts...) is not a fresh question.
USER_CONTENT_SUBTYPES = frozenset({"thread_broadcast", "file_share"})


# ---------------------------------------------------------------------------
# Markup removal
# ---------------------------------------------------------------------------

_HTML_ELEMENTS_DROPPED = ("pre", "code", "at")  # Teams: code blocks and @mentions
_HTML_BLOCK_TAGS = frozenset({"p", "div", "br", "li", "tr", "blockquote", "h1", "h2", "h3"})
_SLACK_ENTITY = re.compile(
    r"<([@#!][^<>|\s]{0,200}|[a-zA-Z][a-zA-Z0-9+.\-]{0,20}:[^<>|\s]{0,2000})"
    r"(?:\|([^<>]{0,500}))?>"
)
_HTML_TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]{0,20})(?:\s[^<>]{0,500})?>")
_BARE_URL = re.compile(r"(?:https?://|www\.)[^\s<>]+")
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_EMOJI_CODE = re.compile(r":([a-z0-9_+'\-]{1,60}):")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200b\u3000]+")
_LEADING_MENTIONS = re.compile(r"(?m)^(?:[ \t]*<[@!][^<>\n]{0,200}>[ \t,:]*)+")
_MENTION = re.compile(r"<@[^<>\n]{0,200}>")


def strip_markup(text: str) -> str:
    """Reduce a Slack or Teams message to the prose a person typed.

    Code, links, mentions and emoji are removed because a question mark or a "how"
    inside them says nothing about whether the author is asking something. Link
    labels are kept (they are the author's words) minus any question marks.
    Lines are kept as lines so that sentence boundaries survive.
    """
    text = _remove_delimited(text, "```", "```")
    for tag in _HTML_ELEMENTS_DROPPED:
        text = _remove_html_element(text, tag)
    text = _INLINE_CODE.sub(" ", text)
    text = text.replace("`", " ")
    text = _SLACK_ENTITY.sub(_slack_entity_text, text)
    text = _HTML_TAG.sub(_html_tag_spacing, text)
    text = _BARE_URL.sub(" ", text)
    text = _EMOJI_CODE.sub(_emoji_code_text, text)
    text = html.unescape(text)
    text = "".join(ch for ch in text if not _is_emoji_char(ch))
    return _tidy_whitespace(text)


def _remove_delimited(text: str, opener: str, closer: str) -> str:
    """Drop every opener...closer span using str.find, which is linear by construction.

    An opener without a closer stays: nothing later could close it either, and Slack
    itself renders an unclosed fence as literal text.
    """
    parts: list[str] = []
    pos = 0
    while (start := text.find(opener, pos)) >= 0:
        end = text.find(closer, start + len(opener))
        if end < 0:
            break
        parts.append(text[pos:start])
        parts.append("\n")
        pos = end + len(closer)
    parts.append(text[pos:])
    return "".join(parts)


def _remove_html_element(text: str, tag: str) -> str:
    """Drop Teams elements whose content is not prose (<pre>, <code>, <at>), linearly."""
    opener = re.compile(rf"<{tag}(?:\s[^<>]{{0,300}})?>", re.IGNORECASE)
    closer = re.compile(rf"</{tag}\s*>", re.IGNORECASE)
    parts: list[str] = []
    pos = 0
    while (start := opener.search(text, pos)) is not None:
        end = closer.search(text, start.end())
        if end is None:
            break
        parts.append(text[pos : start.start()])
        parts.append(" ")
        pos = end.end()
    parts.append(text[pos:])
    return "".join(parts)


def _slack_entity_text(match: re.Match[str]) -> str:
    """Mentions and channel links vanish; a URL keeps its label, without question marks."""
    target, label = match.group(1), match.group(2)
    if target[0] in "@#!" or not label:
        return " "
    return f" {label.replace('?', ' ')} "


def _html_tag_spacing(match: re.Match[str]) -> str:
    """Block-level tags end a line (a sentence boundary); inline tags are just a space."""
    return "\n" if match.group(1).lower() in _HTML_BLOCK_TAGS else " "


def _emoji_code_text(match: re.Match[str]) -> str:
    """Drop :shortcode: emoji but keep clock times such as 10:30:45."""
    return match.group(0) if match.group(1).isdigit() else " "


def _is_emoji_char(ch: str) -> bool:
    """Pictographs, dingbats and the joiners and selectors that glue them together."""
    cp = ord(ch)
    return (
        0x1F000 <= cp <= 0x1FAFF
        or 0x2600 <= cp <= 0x27BF
        or 0xE0020 <= cp <= 0xE007F
        or cp in (0x200D, 0x20E3, 0xFE0F, 0x2B50, 0x2B55)
    )


def _tidy_whitespace(text: str) -> str:
    """Collapse runs of spaces, drop blank lines, keep line breaks as boundaries."""
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


# ---------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------

_PUNCTUATION = str.maketrans(
    {
        "\u2019": "'",  # right single quote, the usual phone apostrophe
        "\u2018": "'",
        "\u02bc": "'",
        "\uff1f": "?",  # fullwidth question mark (CJK)
        "\u061f": "?",  # Arabic question mark
        "\u037e": "?",  # Greek question mark
        "\u2047": "?",
        "\u2048": "?",
        "\u2049": "!",
        "\u00bf": " ",  # Spanish inverted question mark opens, the closing one counts
        "\u3002": ".",  # ideographic full stop
        "\uff01": "!",
        "\uff0c": ",",
        "\u3001": ",",
    }
)

_WH_WORDS = frozenset(
    {"how", "what", "where", "when", "why", "which", "who", "whose", "whom"}
    | {"hw", "wat", "waht", "wht"}  # common typos
)
# Contractions that already carry their verb ("where's the...", "whats the...").
_WH_CONTRACTED = frozenset(
    {"what's", "whats", "where's", "wheres", "who's", "whos", "how's", "hows"}
    | {"when's", "whens", "why's", "which's", "what're", "whatre"}
)
_AUXILIARIES = frozenset(
    {"is", "are", "was", "were", "am", "do", "does", "did", "can", "could", "should"}
    | {"would", "will", "has", "have", "had", "may", "might", "shall", "must"}
)
_NEGATED_AUXILIARIES = frozenset(
    {"isn't", "isnt", "aren't", "arent", "doesn't", "doesnt", "don't", "dont", "didn't"}
    | {"didnt", "can't", "cant", "couldn't", "couldnt", "won't", "wont", "wouldn't"}
    | {"wouldnt", "shouldn't", "shouldnt", "hasn't", "hasnt", "haven't", "havent"}
)
# Without a question mark, only these auxiliaries reliably open a question: statements
# often start "Was great...", "Have a good weekend", "Had a chat with...".
_AUXILIARIES_WITHOUT_MARK = frozenset(
    {"is", "are", "do", "does", "did", "has", "can", "could", "should", "would", "will"}
)
_WHO_VERBS = frozenset(
    {"knows", "owns", "handles", "approves", "maintains", "runs", "manages", "looks"}
    | {"deals", "wrote", "built", "ran", "set", "covers", "decides", "signs", "reviews"}
)
# After an auxiliary these words mean an imperative or a statement ("Should be fixed
# now", "Can help with that", "Do not merge"), not a subject being asked about.
_NOT_SUBJECTS = frozenset(
    {"be", "been", "being", "not", "so", "too", "also", "just", "do", "have", "get", "go"}
    | {"make", "please", "only", "now", "then", "and", "or", "to", "love", "like"}
    | {"appreciate", "recommend", "suggest", "say", "guess", "use", "need", "want", "try"}
    | {"see", "help", "check", "take", "look", "send", "share", "happen", "work", "confirm"}
    | {"definitely", "probably", "totally", "maybe", "certainly", "agree", "really", "n't"}
)
_PRONOUN_SUBJECTS = frozenset(
    {"i", "we", "you", "they", "it", "there", "anyone", "anybody", "someone", "somebody"}
)
# "can you review my PR" is a request to one person, not a question for experts; "do
# you know" and "have you all" still ask the room.
_YOU = frozenset({"you", "u", "ya"})
_AFTER_YOU_ASKING = frozenset({"know", "have", "all", "guys", "folks", "remember", "think"})
_OPENING_FILLERS = frozenset(
    {"hi", "hey", "hello", "heya", "yo", "ok", "okay", "so", "hmm", "hm", "um", "uh", "oh"}
    | {"ah", "also", "btw", "and", "but", "or", "well", "sorry", "folks", "team", "all"}
    | {"everyone", "guys", "y'all", "quick", "question", "qq", "one", "more", "actually"}
    | {"basically", "just", "anyway", "anyways", "random", "dumb", "silly", "noob"}
    | {"newbie", "stupid", "please", "pls", "plz", "then", "now", "there", "morning"}
)
_INDEFINITE_ARTICLES = frozenset({"a", "an", "some"})
_FIRST_PERSON_SINGULAR = frozenset({"i", "i'm", "im", "i've", "ive", "me", "my", "i'd", "i'll"})
_HOOK_FOLLOWERS = frozenset(
    {"come", "join", "check", "head", "grab", "sign", "register", "rsvp", "stop", "swing"}
    | {"drop", "visit", "click", "apply", "enroll", "enrol", "ping", "dm", "bring", "we're"}
)
_GRATITUDE_OPENERS = frozenset(
    {"thanks", "thank", "thx", "ty", "tysm", "cheers", "kudos", "shoutout", "appreciate"}
)

_ANYONE = r"(?:any\s?one|any1|anybody|any\s+of\s+you)"
_HELP_REQUEST = re.compile(
    rf"\b{_ANYONE}\s+(?:here\s+|else\s+|around\s+)?(?:know|knows|familiar|have|has|got|seen|"
    r"hit|run\s+into|ran\s+into|tried|used|done|dealt|been|experienced|worked|understand|"
    r"understands|able|point|explain|recommend|help|walk|clarify|remember|ever|configured|"
    r"set\s+up|built)\b"
    rf"|\b(?:does|do|did|has|have|is|can|could|would|will)\s+(?:{_ANYONE}|some\s?one|somebody)\b"
    r"|\b(?:some\s?one|somebody)\s+(?:know|knows|familiar|point|explain|help|walk|clarify)\b"
    r"|\bany\s+(?:idea|ideas|clue|clues|pointers|tips|advice|thoughts|suggestions|"
    r"recommendations|recs|insight|insights|guidance|help|hints)\b"
    r"|\bstuck\s+(?:on|trying)\b"
    r"|\b(?:need|needs|needed|could\s+use|would\s+appreciate|appreciate)\s+"
    r"(?:some\s+|a\s+little\s+|a\s+bit\s+of\s+|any\s+)?(?:help|advice|guidance|pointers|"
    r"input|assistance)\b"
    r"|\b(?:can't|cant|cannot|can\s+not|couldn't|couldnt|unable\s+to)\s+(?:figure|work)\s+out\b"
    r"|\bnot\s+sure\s+(?:how|where|what|which|who|whether|why|when)\b"
    r"|\b(?:wondering|i\s+wonder)\s+(?:if|whether|how|what|why|where|who|when)\b"
    r"|\btrying\s+to\s+(?:figure\s+out|find|understand|work\s+out|locate)\b"
    r"|\blooking\s+for\s+(?:someone|somebody|anyone|docs?|documentation|a\s+way|examples?|"
    r"an\s+example|advice|help|info|information|pointers|recommendations|guidance)\b"
    r"|\b(?:point|direct)\s+me\s+(?:to|in|at|towards)\b"
    r"|\bhelp\s+me\s+(?:with|understand|figure|find|out)\b"
    r"|\b(?:quick|dumb|silly|noob|newbie|random|stupid)\s+question\b|\bqq\b"
    r"|\bwho\s+(?:can|could|should|do|would)\s+(?:i|we)\s+(?:ask|talk|contact|reach|ping)\b"
)

_SOCIAL_TOPIC = re.compile(
    r"\b(?:lunch|coffee|tea|drinks?|beers?|pints?|pizza|tacos?|burgers?|snacks?|dinner|"
    r"breakfast|brunch|cake|donuts?|doughnuts?|bagels?|happy\s+hour|ping\s*pong|"
    r"table\s+tennis|foosball|karaoke|bowling|party|walk|run|5k|game|games|match|movie|"
    r"concert|conference|meetup|weekend|holiday|holidays|vacation|trip|offsite|book\s+club|"
    r"quiz|trivia)\b"
)
_SOCIAL_STRONG_INVITE = re.compile(
    r"\b(?:any\s?one|anybody|who|who's|who\s+else)\s+(?:else\s+)?(?:interested\s+in|"
    r"up\s+for|down\s+for|keen|fancy|fancies|wanna|wants?\s+to\s+(?:join|come|grab|go|get|"
    r"play))\b"
)
_SOCIAL_WEAK_INVITE = re.compile(
    r"\b(?:any\s?one|anybody|who|who's|who\s+is|who\s+else|who\s+else's|who\s+else\s+is)\s+"
    r"(?:coming|going|joining|in\s+for|bringing|watching|playing|heading)\b"
)
_SMALL_TALK = re.compile(
    r"^(?:how\s+(?:are|r|is)\s+(?:you|u|y'all|ya|everyone|everybody|things)\b"
    r"|how's\s+(?:everyone|everybody|it\s+going|life|things|your)\b"
    r"|how\s+are\s+(?:you|we)\s+all\b"
    r"|(?:what's|whats)\s+up\b"
    r"|did\s+(?:everyone|everybody|you|y'all|you\s+all)\s+(?:have|enjoy)\b"
    r"|how\s+(?:was|were|is|'s)\s+(?:your|ur|the|everyone's|everybody's)\s+(?:\w+\s+)?"
    r"(?:weekend|holiday|holidays|trip|vacation|offsite|concert|party|break|evening|"
    r"night|summer|flight|time\s+off|game|wedding|honeymoon|move|birthday|lunch))"
    r"|\bhappy\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|birthday|"
    r"holidays|new\s+year|anniversary|thanksgiving)\b"
    r"|\b(?:any\s?one|anybody)\s+else\s+(?:starving|hungry|tired|sleepy|cold|freezing|"
    r"excited|bored|exhausted|love|loving|obsessed)\b"
    r"|^is\s+it\s+(?:just|only)\s+me\b.*\b(?:freezing|cold|hot|warm|humid|loud|noisy)\b"
)
_RHETORICAL = re.compile(
    r"^(?:guess\s+what|did\s+you\s+know|who's\s+(?:ready|excited|pumped|hyped|stoked)"
    r"|who\s+(?:is|else\s+is)\s+(?:ready|excited|pumped|hyped|stoked)|who\s+said"
    r"|who\s+had\s+the\s+\w+\s+idea|can\s+you\s+believe|are\s+you\s+kidding"
    r"|how\s+(?:cute|cool|awesome|amazing|crazy|exciting|nice|fun|lucky|sweet|beautiful)\b"
    r"|what\s+an?\s|why\s+not\b|why\s+wait\b|is\s+there\s+anything\s+better"
    r"|what\s+could\s+(?:possibly\s+)?go\s+wrong|remember\s+when|who\s+doesn't\s+love"
    r"|isn't\s+(?:it|this|that)\s+(?:great|awesome|amazing|cool|nice))"
)
# Marketing-style hooks: "Want free pizza? Come to room 4", "Questions? Ping me".
_HOOK_OPENER = re.compile(
    r"^(?:want|wanna|need\s+a\s+break|ever\s+wondered|curious|can't\s+make\s+it"
    r"|cant\s+make\s+it|missed|new\s+(?:here|hire|joiner|starter)|looking\s+for\s+a\s+new"
    r"|questions|got\s+questions|any\s+questions|interested|struggling|tired\s+of"
    r"|ready\s+for|hungry|thirsty|bored)\b"
)
_POLL = re.compile(
    r"^(?:quick\s+|new\s+)?poll\b|^/poll\b|\bvote\s+(?:with|below|here|in|by|using)\b"
    r"|\breact\s+with\b|\bshow\s+of\s+hands\b|\bplease\s+vote\b"
)
_FAQ = re.compile(r"^(?:faq|q&a)\b|^q:(?s:.*?)\ba:")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|\n+")
_CLAUSE_BREAK = re.compile(r"[,;:()<>\[\]]|\s[-\u2013\u2014]+\s|\u2014")
_WORD = re.compile(r"[\w']+")


# ---------------------------------------------------------------------------
# Detection
# ---------------------------------------------------------------------------


def detect_question(facts: MessageFacts) -> Detection:
    """Decide whether this message should be routed to experts, and say why.

    Order matters: an explicit ask (mention, /ask, shortcut, :question: reaction) is
    the user telling us it is a question, so it wins over every heuristic; then the
    message's origin rules it out (bots, edits, joins, answered threads); only then is
    the text itself read.
    """
    prose = strip_markup(_mentions_as_words(facts.text))
    if facts.explicit:
        return _explicit_verdict(facts.text, prose)
    ignored = _ignored_by_origin(facts)
    if ignored is not None:
        return ignored
    if not any(ch.isalnum() for ch in prose):
        return _wordless_verdict(facts.text)
    return _classify_prose(prose)


def _mentions_as_words(text: str) -> str:
    """Keep mid-sentence mentions as a word so clauses do not fuse when they vanish.

    "I'm out, <@U1> is covering" must not read as "is covering" (an auxiliary
    opening). A mention that opens a line is a vocative ("<@U1> where is...") and goes.
    """
    return _MENTION.sub(" colleague ", _LEADING_MENTIONS.sub("", text))


def _explicit_verdict(raw: str, prose: str) -> Detection:
    """Explicit asks always count, unless there is nothing left to route."""
    if any(ch.isalnum() for ch in prose):
        return Detection(True, "explicit ask", 1.0)
    return Detection(False, f"explicit ask but {_wordless_verdict(raw).reason}", 1.0)


def _ignored_by_origin(facts: MessageFacts) -> Detection | None:
    """Messages that are not a person asking something new, whatever their text says."""
    if facts.is_bot or facts.subtype == "bot_message":
        return Detection(False, "bot message", 1.0)
    if facts.subtype is not None and facts.subtype not in USER_CONTENT_SUBTYPES:
        return Detection(False, f"ignored subtype {facts.subtype}", 1.0)
    if facts.in_thread and facts.thread_has_answer:
        return Detection(False, "thread already answered", 0.95)
    return None


def _wordless_verdict(raw: str) -> Detection:
    """Name what a message without words was, so logs and benches say something useful."""
    if not raw.strip():
        return Detection(False, "empty", 1.0)
    if "`" in raw or re.search(r"<(?:pre|code)\b", raw, re.IGNORECASE):
        return Detection(False, "code only", 0.95)
    if _EMOJI_CODE.search(raw) or any(_is_emoji_char(ch) for ch in raw):
        return Detection(False, "emoji only", 1.0)
    return Detection(False, "no words", 1.0)


def _classify_prose(prose: str) -> Detection:
    """Judge each sentence; the strongest genuine question signal decides the message."""
    text = _normalise(prose)
    if _POLL.search(text):
        return Detection(False, "poll", 0.85)
    if _FAQ.search(text):
        return Detection(False, "announcement", 0.8)
    sentences = _sentences(text)
    best: Detection | None = None
    dismissed: Detection | None = None
    for index, sentence in enumerate(sentences):
        following = sentences[index + 1] if index + 1 < len(sentences) else None
        verdict = _judge_sentence(sentence, following)
        if verdict is None:
            continue
        if not verdict.is_question:
            dismissed = dismissed or verdict
        elif best is None or verdict.confidence > best.confidence:
            best = verdict
    if best is not None and dismissed is not None and _social_wins(dismissed, best):
        return dismissed
    return best or dismissed or _statement_verdict(sentences)


def _social_wins(dismissed: Detection, best: Detection) -> bool:
    """ "lunch anyone? the new ramen place?": a bare follow-up "?" stays social."""
    return dismissed.reason.startswith("social") and best.reason == "question mark"


def _statement_verdict(sentences: list[str]) -> Detection:
    """No question signal at all: say whether it was thanks or just a statement."""
    first = _first_words(sentences[0], 1) if sentences else []
    if first and first[0] in _GRATITUDE_OPENERS:
        return Detection(False, "thanks", 0.85)
    return Detection(False, "no question signal", 0.8)


def _judge_sentence(sentence: str, following: str | None) -> Detection | None:
    """One sentence's evidence: dismissals first, because they explain away signals."""
    asks = _ends_with_question_mark(sentence)
    opening = _clean_opening(sentence)
    if _RHETORICAL.search(opening) or (asks and _is_hook(sentence, opening, following)):
        return Detection(False, "rhetorical question", 0.8)
    if _is_social(sentence, opening):
        return Detection(False, "social question" if asks else "social chat", 0.85)
    if _HELP_REQUEST.search(sentence):
        return Detection(True, "help request", 0.9)
    interrogative = any(_opens_interrogative(clause, asks) for clause in _clauses(sentence))
    if asks:
        if interrogative:
            return Detection(True, "interrogative opening", 0.9)
        return Detection(True, "question mark", 0.75)
    if interrogative:
        return Detection(True, "interrogative opening", 0.7)
    return None


def _normalise(prose: str) -> str:
    """One spelling of apostrophes and question marks across scripts, lower case."""
    return prose.translate(_PUNCTUATION).lower()


def _sentences(text: str) -> list[str]:
    """Split on sentence-ending punctuation and line breaks (the chat sentence unit)."""
    return [part.strip() for part in _SENTENCE_BREAK.split(text) if part.strip()]


def _clauses(sentence: str) -> Iterator[str]:
    """Clauses after commas, colons and dashes: "hey all, who owns X" opens at "who"."""
    return (clause for clause in _CLAUSE_BREAK.split(sentence) if clause.strip())


def _first_words(text: str, limit: int) -> list[str]:
    """The first few words, found lazily so a 50,000-character clause costs nothing."""
    return [match.group(0).strip("'") for match in islice(_WORD.finditer(text), limit)]


def _clean_opening(sentence: str) -> str:
    """The sentence from its first meaningful word: greetings and "qq:" are skipped."""
    words = _first_words(sentence, 6)
    skip = 0
    while skip < len(words) - 1 and words[skip] in _OPENING_FILLERS:
        skip += 1
    if skip == 0:
        return sentence.lstrip(" \t'\"*_>-")
    match = list(islice(_WORD.finditer(sentence), skip + 1))[-1]
    return sentence[match.start() :]


def _ends_with_question_mark(sentence: str) -> bool:
    """A question mark at the end of the sentence, ignoring closing punctuation."""
    return sentence.rstrip(" \t)]}\"'!.*_~").endswith("?")


def _is_social(sentence: str, opening: str) -> bool:
    """Lunch, coffee, weekends, greetings: questions nobody needs an expert for."""
    if _SMALL_TALK.search(opening) or _SOCIAL_STRONG_INVITE.search(sentence):
        return True
    if not _SOCIAL_TOPIC.search(sentence):
        return False
    short = len(_first_words(sentence, 6)) <= 5
    return bool(_SOCIAL_WEAK_INVITE.search(sentence)) or (
        short and not _HELP_REQUEST.search(sentence) and not _opens_with_wh(opening)
    )


def _opens_with_wh(opening: str) -> bool:
    """Whether the sentence starts with a question word (so it is not "lunch anyone?")."""
    words = _first_words(opening, 1)
    return bool(words) and (words[0] in _WH_WORDS or words[0] in _WH_CONTRACTED)


def _is_hook(sentence: str, opening: str, following: str | None) -> bool:
    """A question used as a headline: "Want free pizza? Come to room 4".

    The hook needs something after it; a first-person question ("how do I...? see
    screenshot") is never a hook.
    """
    if following is None:
        return False
    if _FIRST_PERSON_SINGULAR.intersection(_first_words(sentence, 40)):
        return False
    if _HOOK_OPENER.search(opening):
        return True
    next_words = _first_words(following, 1)
    return bool(next_words) and next_words[0] in _HOOK_FOLLOWERS


def _opens_interrogative(clause: str, asks: bool) -> bool:
    """Whether a clause starts like a question: "where can I", "is there", "who owns".

    With a question mark any question word or auxiliary opening will do. Without
    one we need more: a question word followed by a verb ("how do", "which region
    is") or an auxiliary followed by a subject ("does the cache...", not "should be").
    """
    words = _first_words(_clean_opening(clause.strip()), 5)
    if len(words) < (1 if asks else 3):
        return False
    first, rest = words[0], words[1:]
    if first in _WH_CONTRACTED:
        return True
    if first in _WH_WORDS:
        return asks or _wh_followed_by_verb(first, rest)
    if first in _AUXILIARIES or first in _NEGATED_AUXILIARIES:
        return asks or _auxiliary_opens_question(first, rest)
    return False


def _wh_followed_by_verb(first: str, rest: list[str]) -> bool:
    """ "how do we", "which region is" ask; "how we migrated", "what a week" do not.

    "which" opening a sentence asks ("which dbt model feeds X") unless it is the
    relative "which is why" / "which means".
    """
    near = rest[:3]
    if first == "which":
        return rest[:2] != ["is", "why"] and rest[:1] not in (["means"], ["meant"])
    if any(word in _AUXILIARIES or word in _NEGATED_AUXILIARIES for word in near):
        return True
    return first == "who" and bool(near) and near[0] in _WHO_VERBS


def _auxiliary_opens_question(first: str, rest: list[str]) -> bool:
    """ "do contractors get...", "is there a way" ask; "should be fixed", "can you review
    my PR" (a request to one person) do not."""
    if len(rest) < 3:
        return False
    subject = rest[0]
    if first in _NEGATED_AUXILIARIES:
        return subject in _PRONOUN_SUBJECTS
    if first not in _AUXILIARIES_WITHOUT_MARK or subject in _NOT_SUBJECTS:
        return False
    if subject in _YOU:
        return rest[1] in _AFTER_YOU_ASKING
    # "Did a quick benchmark: ..." is a statement with the "I" dropped.
    return not (first == "did" and subject in _INDEFINITE_ARTICLES)
