"""Numbers as people read them: thousands separators, percentages, durations.

Every figure on the dashboard goes through these, so an empty value always
reads as an em dash rather than 'None' or 'nan'.
"""

from __future__ import annotations

from html import escape

MISSING = "—"


def text(value: object) -> str:
    """Escape anything that came from chat (names, topics, team names) for HTML or SVG."""
    return escape(str(value), quote=True)


def number(value: float | int | None, digits: int = 0) -> str:
    if value is None:
        return MISSING
    return f"{value:,.{digits}f}"


def percent(share: float | None, digits: int = 0) -> str:
    if share is None:
        return MISSING
    return f"{share * 100:.{digits}f}%"


def duration(minutes: float | None) -> str:
    """'45 min', '2 h 05 min', '3.5 days'."""
    if minutes is None:
        return MISSING
    if minutes < 60:
        return f"{minutes:.0f} min"
    if minutes < 48 * 60:
        hours, rest = divmod(round(minutes), 60)
        return f"{hours} h {rest:02d} min"
    return f"{minutes / 1440:.1f} days"


def shorten(label: str, limit: int = 28) -> str:
    """Long names and topics are cut with an ellipsis so chart labels stay readable."""
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"
