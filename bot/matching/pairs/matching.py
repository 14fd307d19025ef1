"""Maximum-weight matching on the candidate graph: everyone paired if at all possible.

Why two paths: networkx's blossom algorithm is exact but pure Python and
O(n³); on 2,000 people it already takes about a minute. Up to `exact_limit`
people we use it directly. Above that we solve the LP relaxation (the
assignment problem on the bipartite double cover, scipy's sparse LAPJV in C):
its optimum is a set of cycles; 2-cycles and even cycles give pairs at least
as good as the relaxation's own bound, and only the people on odd cycles or
left alone (a handful at most; none in the 10,000-person bench) go to
networkx's exact matching.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from bot.matching.pairs.candidates import Edges

Pair = tuple[int, int]
SCALE = 1000  # networkx stays in exact integer arithmetic with weights in thousandths
ALONE = 1.0  # the value of a person matched to themselves in the relaxation (edges are >= 2)


def match_pairs(edges: Edges, exact_limit: int) -> list[Pair]:
    """A maximum-cardinality matching of high weight, as sorted (low, high) pairs."""
    if len(edges) == 0:
        return []
    if len(edges.nodes()) <= exact_limit:
        return exact_matching(edges)
    return relaxed_matching(edges)


def exact_matching(edges: Edges) -> list[Pair]:
    """networkx blossom: among the matchings of most pairs, the heaviest."""
    if len(edges) == 0:
        return []
    graph = nx.Graph()
    graph.add_weighted_edges_from(
        zip(
            edges.left.tolist(),
            edges.right.tolist(),
            integer_weights(edges.weight).tolist(),
            strict=True,
        )
    )
    found = nx.max_weight_matching(graph, maxcardinality=True)
    return sorted((min(a, b), max(a, b)) for a, b in found)


def integer_weights(weight: np.ndarray) -> np.ndarray:
    """Positive integers in the same order as `weight`.

    The shift does not change which maximum-cardinality matching is heaviest
    (they all have the same number of edges) and keeps networkx in integers.
    """
    return np.rint((weight - weight.min()) * SCALE).astype(np.int64) + 1


def relaxed_matching(edges: Edges) -> list[Pair]:
    """Pairs from the LP relaxation, then networkx on the people it could not settle."""
    successor = relaxation_successors(edges)
    lookup = edge_lookup(edges)
    pairs: list[Pair] = []
    unsettled: list[int] = []
    for cycle in cycles(successor):
        if len(cycle) % 2 == 0:
            pairs.extend(better_half(cycle, lookup))
        else:
            unsettled.extend(cycle)
    pairs.extend(exact_matching(edges.among(np.array(sorted(unsettled), dtype=np.int64))))
    return sorted(pairs)


def relaxation_successors(edges: Edges) -> np.ndarray:
    """The optimal assignment person -> partner (-1 for people without edges).

    Each edge appears both ways; everybody may also be assigned to themselves
    at a lower value, so a full assignment always exists. Values are whole
    numbers: with arbitrary floats scipy's LAPJVsp can loop forever on rounding
    (seen here with a 1e-6 self value; cf. scipy issue 17269), while integer
    sums stay exact.
    """
    nodes = edges.nodes()
    a = np.searchsorted(nodes, edges.left)
    b = np.searchsorted(nodes, edges.right)
    value = cardinality_first(integer_weights(edges.weight)).astype(np.float64)
    m = len(nodes)
    diagonal = np.arange(m)
    matrix = sp.csr_matrix(
        (
            np.concatenate([value, value, np.full(m, ALONE)]),
            (np.concatenate([a, b, diagonal]), np.concatenate([b, a, diagonal])),
        ),
        shape=(m, m),
    )
    rows, cols = min_weight_full_bipartite_matching(matrix, maximize=True)
    successor = np.full(int(nodes.max()) + 1, -1, dtype=np.int64)
    successor[nodes[rows]] = nodes[cols]
    return successor


def cardinality_first(weight: np.ndarray) -> np.ndarray:
    """Each edge also worth the whole weight spread, plus more than being alone.

    Like networkx's `maxcardinality=True`: the relaxation should not leave two
    people unpaired to gain weight elsewhere, since the fallback would then pair
    them with someone worse. Whole numbers, so the sums stay exact.
    """
    return weight + weight.max() + ALONE


def cycles(successor: np.ndarray) -> list[list[int]]:
    """The cycles of the assignment, each starting at its lowest member."""
    seen = np.zeros(len(successor), dtype=bool)
    found = []
    for start in range(len(successor)):
        if seen[start] or successor[start] < 0:
            continue
        cycle = []
        node = start
        while not seen[node]:
            seen[node] = True
            cycle.append(node)
            node = int(successor[node])
        found.append(cycle)
    return found


def better_half(cycle: list[int], lookup: dict[Pair, float]) -> list[Pair]:
    """Of the two perfect matchings around an even cycle, the heavier."""
    around = [(cycle[i], cycle[(i + 1) % len(cycle)]) for i in range(len(cycle))]
    halves = [[norm(p) for p in around[start::2]] for start in (0, 1)]
    return max(halves, key=lambda half: sum(lookup[p] for p in half))


def edge_lookup(edges: Edges) -> dict[Pair, float]:
    return dict(
        zip(
            zip(edges.left.tolist(), edges.right.tolist(), strict=True),
            edges.weight.tolist(),
            strict=True,
        )
    )


def norm(pair: Pair) -> Pair:
    return (min(pair), max(pair))
