"""Read a StackExchange ``Posts.xml`` dump into plain question and answer records.

Why iterparse: dumps of real sites are large; we stream rows and keep only the
fields the routing replay needs, with HTML already reduced to plain text.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.matching.markup import plain_text


class DumpError(Exception):
    """The dump folder or its Posts.xml is missing or unreadable."""


@dataclass(frozen=True, slots=True)
class Post:
    """One question (``is_question``) or answer; text is plain, HTML removed."""

    id: str
    is_question: bool
    at: datetime
    owner: str | None
    parent_id: str | None
    accepted_answer_id: str | None
    title: str
    body: str


def parse_time(value: str) -> datetime:
    """StackExchange timestamps are naive UTC, e.g. ``2011-06-21T20:19:34.730``."""
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def _post_from_row(attrs: dict[str, str]) -> Post | None:
    kind = attrs.get("PostTypeId")
    if kind not in ("1", "2") or "Id" not in attrs or "CreationDate" not in attrs:
        return None
    owner = attrs.get("OwnerUserId") or None
    return Post(
        id=attrs["Id"],
        is_question=kind == "1",
        at=parse_time(attrs["CreationDate"]),
        owner=None if owner in (None, "-1") else owner,
        parent_id=attrs.get("ParentId") or None,
        accepted_answer_id=attrs.get("AcceptedAnswerId") or None,
        title=plain_text(attrs.get("Title", "")),
        body=plain_text(attrs.get("Body", "")),
    )


def read_posts(dump_dir: str | Path) -> list[Post]:
    """Questions and answers of ``dump_dir/Posts.xml``, sorted by time (then id)."""
    path = Path(dump_dir) / "Posts.xml"
    if not path.is_file():
        raise DumpError(f"no Posts.xml in {dump_dir}")
    posts: list[Post] = []
    try:
        for _event, elem in ET.iterparse(path, events=("end",)):
            if elem.tag == "row":
                post = _post_from_row(dict(elem.attrib))
                if post is not None:
                    posts.append(post)
            elem.clear()
    except (ET.ParseError, ValueError) as exc:
        raise DumpError(f"{path} is not a valid StackExchange Posts.xml: {exc}") from exc
    except OSError as exc:
        raise DumpError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if not posts:
        raise DumpError(f"{path} holds no questions or answers")
    posts.sort(key=lambda p: (p.at, int(p.id) if p.id.isdigit() else 0))
    return posts
