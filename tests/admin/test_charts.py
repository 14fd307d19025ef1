"""The SVG charts and the network drawing, without a database."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from xml.etree import ElementTree

from bot.admin.charts import Series, bar_chart, column_chart, line_chart, nice_axis
from bot.admin.graph import build_graph, network_svg, place
from bot.admin.queries.network import HelpEdge, HelpNetwork, Member
from bot.admin.weeks import week_span

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ElementTree.Element:
    """Charts must be well-formed XML (a browser would silently drop a broken one)."""
    return ElementTree.fromstring(svg)


def test_axes_round_up_to_readable_steps() -> None:
    assert (nice_axis(3).top, nice_axis(3).step) == (3, 1)
    assert (nice_axis(37).top, nice_axis(37).step) == (40, 10)
    assert (nice_axis(125).top, nice_axis(125).step) == (150, 50)
    assert nice_axis(0).top > 0
    assert nice_axis(0.62, whole=False).top >= 0.62


def test_line_chart_breaks_the_line_at_missing_values() -> None:
    svg = line_chart("w", "Waits", ["a", "b", "c", "d"], [Series("m", [60, None, 20, 30])])
    root = parse(svg)
    (path,) = root.iter(f"{SVG}path")
    assert path.get("d", "").count("M") == 2  # a gap, not a line through zero
    assert len(list(root.iter(f"{SVG}circle"))) == 3
    assert root.get("role") == "img"
    assert root.findtext(f"{SVG}title") == "Waits"


def test_bar_and_column_charts_draw_one_bar_per_value() -> None:
    bars = parse(bar_chart("t", "Topics", [("<x>", 4), ("y & z", 2), ("w", 1)]))
    assert len(list(bars.iter(f"{SVG}rect"))) == 3
    assert "<x>" in "".join(bars.itertext())  # escaped in the source, text once parsed
    columns = parse(
        column_chart("c", "Groups", ["r1", "r2"], [Series("g", [3, 2]), Series("m", [2, 0])])
    )
    assert len(list(columns.iter(f"{SVG}rect"))) >= 4


def network() -> HelpNetwork:
    people = {
        1: Member(1, "Ana", "Data"),
        2: Member(2, "Bo", "Platform"),
        3: Member(3, "Cy", "Platform"),
        4: Member(4, "Di", ""),
    }
    edges = [
        HelpEdge(2, 1, 3, True),
        HelpEdge(3, 2, 1, False),
        HelpEdge(1, 4, 1, False),
    ]
    return HelpNetwork(people, edges)


def test_the_network_is_drawn_the_same_way_every_time() -> None:
    first = network_svg(network(), place(build_graph(network())))
    second = network_svg(network(), place(build_graph(network())))
    assert first == second  # fixed seed: reloads do not reshuffle the picture
    root = parse(first)
    assert len(list(root.iter(f"{SVG}circle"))) == 4
    assert len(re.findall(r'class="edge-cross"', first)) == 1
    assert len(re.findall(r'class="edge-inside"', first)) == 2


def test_bridges_are_drawn_biggest() -> None:
    placed = place(build_graph(network()))
    assert max(placed, key=lambda node: placed[node].radius) in (1, 2)  # the middle of the chain
    assert placed[4].radius < placed[1].radius


def test_weeks_include_quiet_ones() -> None:
    span = week_span([datetime(2026, 3, 4, tzinfo=UTC), datetime(2026, 3, 24, tzinfo=UTC)])
    assert [week.isoformat() for week in span] == [
        "2026-03-02", "2026-03-09", "2026-03-16", "2026-03-23"
    ]  # fmt: skip
    assert week_span([]) == []
