"""Learning network: who helped whom, and which people bridge teams."""

from __future__ import annotations

from bot.admin.formatting import number, text
from bot.admin.graph import NO_TEAM, build_graph, network_svg, place, team_colours
from bot.admin.layout import Stat, card, empty, page_head, stats, table
from bot.admin.pages import CsvTable, Page
from bot.admin.queries.network import HelpNetwork, load_network

TITLE = "Learning network"
NO_HELP = empty(
    "Nobody has helped anybody yet",
    "<p>The network grows as people answer each other's questions: invite "
    "<code>@Learnlink</code> to a channel, or run <code>learnlink demo</code>.</p>",
)


def render(network: HelpNetwork) -> str:
    head = page_head(TITLE, "network")
    if not network.edges:
        return head + NO_HELP
    placed = place(build_graph(network))
    bridges = sorted(placed, key=lambda node: -placed[node].betweenness)[:10]
    cross = network.cross_team_edges
    figures = stats(
        [
            Stat(number(len(network.people)), "people in the network"),
            Stat(number(len(network.edges)), "helper → asker links"),
            Stat(number(cross), "links across teams"),
            Stat(number(len(network.teams)), "teams"),
        ]
    )
    picture = network_svg(network, placed) + _legend(network)
    bridge_rows = [
        [
            network.people[node].name,
            network.people[node].team or "—",
            f"{placed[node].betweenness:.2f}",
            number(_cross_links(network, node)),
        ]
        for node in bridges
        if placed[node].betweenness > 0
    ]
    links = [[a, b, number(n)] for a, b, n in network.team_links()[:15]]
    return (
        head
        + figures
        + card(
            "Who helped whom",
            picture,
            "Arrows point from helper to asker. Bigger circles sit between more people "
            "(betweenness): they are the bridges. Orange lines cross teams.",
        )
        + '<div class="grid2">'
        + card(
            "Bridges",
            table(
                "Highest betweenness first",
                ["Person", "Team", "Betweenness", "Cross-team links"],
                bridge_rows,
                [False, False, True, True],
            )
            if bridge_rows
            else "<p>No one connects otherwise separate people yet.</p>",
        )
        + card(
            "Help between teams",
            table(
                "Answers from one team to another",
                ["Helper team", "Asker team", "Answers"],
                links,
                [False, False, True],
            )
            if links
            else "<p>All help so far stayed inside teams.</p>",
        )
        + "</div>"
    )


def _cross_links(network: HelpNetwork, node: int) -> int:
    return sum(
        edge.cross_team and node in (edge.helper_id, edge.asker_id) for edge in network.edges
    )


def _legend(network: HelpNetwork) -> str:
    """An HTML legend (wraps on narrow screens) with SVG dots: no inline styles needed."""
    entries = [*team_colours(network).items(), ("no team", NO_TEAM)]
    items = "".join(
        f'<li><svg width="10" height="10" aria-hidden="true"><circle cx="5" cy="5" r="5" '
        f'fill="{colour}"/></svg> {text(team)}</li>'
        for team, colour in entries
    )
    return f'<ul class="legend" aria-label="Team colours">{items}</ul>'


def csv_table(network: HelpNetwork) -> CsvTable:
    people = network.people
    return CsvTable(
        ["helper", "helper_team", "asker", "asker_team", "answers", "cross_team"],
        [
            [
                people[e.helper_id].name,
                people[e.helper_id].team,
                people[e.asker_id].name,
                people[e.asker_id].team,
                e.answers,
                int(e.cross_team),
            ]
            for e in network.edges
        ],
    )


PAGE = Page("network", TITLE, load_network, render, csv_table)
