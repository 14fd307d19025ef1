"""Turn chat markup and HTML into plain words.

Why: questions arrive as Slack mrkdwn (``<@U123>``, ``<https://x|label>``,
``:emoji:``), Teams HTML, or StackExchange HTML bodies. Links, user ids and
tag names are not what a question is about, and would otherwise become
tokens that match nothing, or match everything.
"""

from __future__ import annotations

import html
import re

_SLACK_LABELLED_LINK = re.compile(r"<(?:https?://|mailto:)[^|>\s]*\|([^>]*)>")
_SLACK_SPECIAL = re.compile(r"<(?:https?://|mailto:|[@#!])[^>]*>")
_HTML_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,2000}>")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_URL = re.compile(r"(?:https?://|ftp://|www\.)\S+", re.IGNORECASE)
_EMAIL = re.compile(r"\S+@\S+\.\w+")
_EMOJI_CODE = re.compile(r":[a-z0-9_+'-]{1,60}:")


def plain_text(text: str) -> str:
    """Strip Slack markup, HTML tags and entities, URLs, e-mail addresses and emoji codes."""
    if "<" in text:
        text = _SLACK_LABELLED_LINK.sub(r" \1 ", text)
        text = _SLACK_SPECIAL.sub(" ", text)
        text = _HTML_COMMENT.sub(" ", text)
        text = _HTML_TAG.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    if "://" in text or "www." in text or "WWW." in text:
        text = _URL.sub(" ", text)
    if "@" in text:
        text = _EMAIL.sub(" ", text)
    if ":" in text:
        text = _EMOJI_CODE.sub(" ", text)
    return text
