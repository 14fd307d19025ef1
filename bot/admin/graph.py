"""The learning network as inline SVG: who helped whom, coloured by team.

Layout is networkx's spring layout with a fixed seed, so the same data draws
the same picture on every reload (and in tests). Node size follows
betweenness centrality: the people through whom help flows between groups
are the bridges worth noticing, and they are drawn largest. Edges that cross
teams are drawn in a strong colour; help inside a team in light grey.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import networkx as nx

from bot.admin.formatting import number, shorten, text
from bot.admin.queries.network import HelpNetwork

WIDTH, HEIGHT, PAD = 720, 460, 40
SEED = 7
MAX_NODES = 150  # beyond this the picture is a hairball; the CSV has everything
LABELLED = 30
LABEL_ROOM = 110  # names are written to the right of their node
CURVE = 0.12  # how far edges bow out, as a share of their length
# Tableau 10: distinct hues for teams; grey for people without a team.
TEAM_COLOURS = (
    "#4E79A7", "#F28E2B", "#59A14F", "#B07AA1", "#EDC948",
    "#76B7B2", "#FF9DA7", "#9C755F", "#E15759", "#BAB0AC",
)  # fmt: skip
NO_TEAM = "#C8CCD0"
CROSS = "#D55E00"
INSIDE = "#B8C0C8"


@dataclass(frozen=True)
class Placed:
    x: float
    y: float
    radius: float
    betweenness: float


def team_colours(network: HelpNetwork) -> dict[str, str]:
    return {team: TEAM_COLOURS[i % len(TEAM_COLOURS)] for i, team in enumerate(network.teams)}


def build_graph(network: HelpNetwork) -> nx.Graph:
    """Undirected, weighted by answers: layout and betweenness ignore direction."""
    graph = nx.Graph()
    graph.add_nodes_from(network.people)
    for edge in network.edges:
        weight = graph.get_edge_data(edge.helper_id, edge.asker_id, {}).get("weight", 0)
        graph.add_edge(edge.helper_id, edge.asker_id, weight=weight + edge.answers)
    if graph.number_of_nodes() > MAX_NODES:
        keep = sorted(graph.degree(weight="weight"), key=lambda item: -item[1])[:MAX_NODES]
        graph = graph.subgraph(node for node, _ in keep).copy()
    return graph


def betweenness(graph: nx.Graph) -> dict[int, float]:
    """Exact up to 300 nodes, sampled (seeded) above: it is O(nodes x edges)."""
    sample = None if graph.number_of_nodes() <= 300 else 300
    return dict(nx.betweenness_centrality(graph, k=sample, seed=SEED, normalized=True))


def place(graph: nx.Graph) -> dict[int, Placed]:
    if graph.number_of_nodes() == 0:
        return {}
    positions = nx.spring_layout(graph, seed=SEED, weight=None)
    central = betweenness(graph)
    top = max(central.values(), default=0) or 1
    xs = [float(pos[0]) for pos in positions.values()]
    ys = [float(pos[1]) for pos in positions.values()]
    span_x, span_y = (max(xs) - min(xs)) or 1, (max(ys) - min(ys)) or 1
    return {
        node: Placed(
            x=PAD + (float(pos[0]) - min(xs)) / span_x * (WIDTH - PAD - LABEL_ROOM),
            y=PAD + (float(pos[1]) - min(ys)) / span_y * (HEIGHT - 2 * PAD),
            radius=5 + 13 * math.sqrt(central[node] / top),
            betweenness=central[node],
        )
        for node, pos in positions.items()
    }


def network_svg(network: HelpNetwork, placed: dict[int, Placed]) -> str:
    """The picture; `placed` comes from `place(build_graph(network))`."""
    colours = team_colours(network)
    summary = (
        f"{len(placed)} people, {len(network.edges)} helper-asker pairs, "
        f"{network.cross_team_edges} of them across teams"
    )
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart network" id="network" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
        'aria-labelledby="network-title network-desc" font-family="system-ui, sans-serif" '
        'font-size="11"><title id="network-title">Who helped whom</title>'
        f'<desc id="network-desc">{text(summary)}</desc>',
        _arrowheads(),
    ]
    parts += [_edge(network, edge_index, placed) for edge_index in range(len(network.edges))]
    labelled = sorted(placed, key=lambda node: -placed[node].betweenness)[:LABELLED]
    for node, spot in placed.items():
        person = network.people[node]
        colour = colours.get(person.team, NO_TEAM)
        tip = f"{person.name} ({person.team or 'no team'}) · betweenness {spot.betweenness:.2f}"
        parts.append(
            f'<circle cx="{spot.x:.1f}" cy="{spot.y:.1f}" r="{spot.radius:.1f}" fill="{colour}" '
            f'stroke="#fff" stroke-width="1.5"><title>{text(tip)}</title></circle>'
        )
        if node in labelled or len(placed) <= LABELLED:
            parts.append(
                f'<text x="{spot.x + spot.radius + 3:.1f}" y="{spot.y + 4:.1f}" fill="#222" '
                'stroke="#fff" stroke-width="3" paint-order="stroke">'
                f"{text(shorten(person.name, 22))}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)


def _arrowheads() -> str:
    return (
        "<defs>"
        + "".join(
            f'<marker id="arrow-{name}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" '
            f'markerHeight="6" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" '
            f'fill="{colour}"/></marker>'
            for name, colour in (("cross", CROSS), ("inside", INSIDE))
        )
        + "</defs>"
    )


def _edge(network: HelpNetwork, index: int, placed: dict[int, Placed]) -> str:
    """A slightly curved line from helper to asker (so help both ways shows as two
    lines), stopping at the asker's circle so the arrowhead is visible."""
    edge = network.edges[index]
    start, end = placed.get(edge.helper_id), placed.get(edge.asker_id)
    if start is None or end is None:
        return ""
    dx, dy = end.x - start.x, end.y - start.y
    bend = CURVE * math.hypot(dx, dy)
    length = math.hypot(dx, dy) or 1
    cx, cy = (start.x + end.x) / 2 - dy / length * bend, (start.y + end.y) / 2 + dx / length * bend
    tx, ty = end.x - cx, end.y - cy
    tangent = math.hypot(tx, ty) or 1
    x2, y2 = end.x - tx / tangent * (end.radius + 2), end.y - ty / tangent * (end.radius + 2)
    kind, colour = ("cross", CROSS) if edge.cross_team else ("inside", INSIDE)
    helper, asker = network.people[edge.helper_id], network.people[edge.asker_id]
    tip = f"{helper.name} helped {asker.name}: {number(edge.answers)} answers"
    return (
        f'<path d="M{start.x:.1f} {start.y:.1f}Q{cx:.1f} {cy:.1f} {x2:.1f} {y2:.1f}" '
        f'stroke="{colour}" stroke-width="{1 + math.log2(edge.answers):.1f}" fill="none" '
        f'marker-end="url(#arrow-{kind})" class="edge-{kind}"><title>{text(tip)}</title></path>'
    )
