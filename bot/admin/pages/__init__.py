"""The dashboard's pages: each pairs a query with its HTML and its CSV table.

A page is data, not a handler: the routes look a page up by its slug, load
its report once, and hand the same report to `render` (for /admin/<slug>) or
to `table` (for /admin/<slug>.csv), so the chart and the download can never
disagree.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncConnection

Report = TypeVar("Report")
Cell = str | int | float | None


@dataclass(frozen=True)
class CsvTable:
    headers: Sequence[str]
    rows: Sequence[Sequence[Cell]]


@dataclass(frozen=True)
class Page(Generic[Report]):
    slug: str
    title: str
    load: Callable[[AsyncConnection], Awaitable[Report]]
    render: Callable[[Report], str]  # the body inside <main>, heading included
    table: Callable[[Report], CsvTable]


def all_pages() -> dict[str, Page[Any]]:
    """Imported here, not at module level, so each page module can import this one."""
    from bot.admin.pages import load, network, overview, pairing, topics

    pages: list[Page[Any]] = [overview.PAGE, topics.PAGE, load.PAGE, pairing.PAGE, network.PAGE]
    return {page.slug: page for page in pages}
