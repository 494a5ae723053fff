"""The compiled engine: a :class:`~partnergraph.graph.projection.Structure` as an igraph graph, and
the heavy algorithms on it, each proven equal to networkx on small graphs (tests/queries/test_engine.py).

Which engine runs what was chosen by measurement (bench/bench_analyses.py; bench/README.md,
"Analyses"): igraph for PageRank, betweenness, closeness, eigenvector centrality, k-cores,
Louvain, components, clustering and path lengths; degrees are counted from the edge arrays.

Two simple views of the tie multigraph (self-loops dropped):

* **directed** — an arc u→v for every directed tie u→v, both arcs for a symmetric tie; parallel
  ties merge into one arc whose weight is the sum of their strengths (a tie without a strength
  counts 1);
* **undirected** — one edge per pair of organisations with any tie between them, weighted the same way.

Conventions (the same as networkx's defaults, so results match it):

* betweenness: undirected, unweighted, normalised by 2/((n−1)(n−2)); sampled with k pivots it is
  networkx 3.6's estimator (the pivots' shortest paths to all nodes, scaled up; see :func:`betweenness`);
* closeness: undirected, unweighted, Wasserman–Faust (networkx): (r−1)/Σd · (r−1)/(n−1) with r the
  size of the node's component — igraph's per-component value times (r−1)/(n−1);
* PageRank: directed, weighted, damping 0.85; eigenvector: undirected, weighted, scaled to max 1;
* core number: undirected simple graph; Louvain: undirected, weighted, seeded.

    >>> from partnergraph.graph.projection import Structure
    >>> s = Structure(["a", "b", "c"], {"a": 0, "b": 1, "c": 2}, ["A", "B", "C"], [None] * 3, [None] * 3, [None] * 3,
    ...               src=[0, 1], dst=[1, 2], tie_type=["FUNDS", "FUNDS"], strength=[None, 3.0], symmetric=[False, False])
    >>> [round(x, 3) for x in betweenness(s)]
    [0.0, 1.0, 0.0]
"""

from __future__ import annotations

import operator
import random
import warnings

import igraph as ig
import networkx as nx

from partnergraph.graph.projection import Structure

__all__ = [
    "ENGINE",
    "betweenness",
    "closeness",
    "components",
    "core_number",
    "eigenvector",
    "louvain",
    "pagerank",
    "pivots",
    "simple_edges",
    "to_igraph",
    "to_networkx",
]

ENGINE = f"igraph {ig.__version__}"


def simple_edges(s: Structure, *, directed: bool) -> dict[tuple[int, int], float]:
    """(u, v) → summed strength over the ties of the pair (see the module docs), self-loops dropped."""
    edges: dict[tuple[int, int], float] = {}
    for u, v, w, sym in zip(s.src, s.dst, s.strength, s.symmetric, strict=True):
        if u == v:
            continue
        weight = 1.0 if w is None else w
        pairs = [(u, v), (v, u)] if directed and sym else [(u, v) if directed or u < v else (v, u)]
        for pair in pairs:
            edges[pair] = edges.get(pair, 0.0) + weight
    return edges


def to_igraph(s: Structure, *, directed: bool) -> ig.Graph:
    """The directed or undirected simple view as an igraph graph (edge attribute ``weight``), cached on ``s``."""
    name = f"igraph.{'directed' if directed else 'undirected'}"
    if name not in s.cache:
        edges = simple_edges(s, directed=directed)
        built = ig.Graph(n=s.n, edges=list(edges), directed=directed)
        built.es["weight"] = list(edges.values())
        s.cache[name] = built
    graph: ig.Graph = s.cache[name]
    return graph


def to_networkx(s: Structure, *, directed: bool) -> nx.Graph[int]:
    """The same view as a networkx graph on node indices (for comparisons and the benchmarks)."""
    graph: nx.Graph[int] = nx.DiGraph() if directed else nx.Graph()
    graph.add_nodes_from(range(s.n))
    graph.add_weighted_edges_from((u, v, w) for (u, v), w in simple_edges(s, directed=directed).items())
    return graph


def pivots(n: int, k: int, seed: int) -> list[int]:
    """The k sample sources networkx would draw (``random.Random(seed).sample(nodes, k)``)."""
    return random.Random(seed).sample(range(n), k)


def betweenness(s: Structure, *, k: int | None = None, seed: int = 42) -> list[float]:
    """Normalised undirected betweenness; exact, or estimated from ``k`` pivots exactly as networkx 3.6 does.

    With pivots S the pivots' shortest paths to every node are counted and scaled to the pairs
    they stand for: 2/(k(n−2)) for a node not in S, 2/((k−1)(n−2)) for a pivot (it cannot be an
    inner node of its own paths).
    """
    n = s.n
    if n <= 2:
        return [0.0] * n
    graph = to_igraph(s, directed=False)
    if k is None or k >= n:
        return [x * 2.0 / ((n - 1) * (n - 2)) for x in graph.betweenness(directed=False)]
    k = max(k, 2)
    sources = pivots(n, k, seed)
    scale = [2.0 / (k * (n - 2))] * n
    for v in sources:
        scale[v] = 2.0 / ((k - 1) * (n - 2))
    return [x * f for x, f in zip(graph.betweenness(directed=False, sources=sources), scale, strict=True)]


def components(s: Structure) -> list[int]:
    """The (weakly) connected component size of every node."""
    membership = to_igraph(s, directed=False).connected_components().membership
    sizes: dict[int, int] = {}
    for c in membership:
        sizes[c] = sizes.get(c, 0) + 1
    return [sizes[c] for c in membership]


def closeness(s: Structure, *, k: int | None = None, seed: int = 42) -> list[float]:
    """Undirected closeness, Wasserman–Faust convention on disconnected graphs (as networkx).

    With ``k``, the largest component's distance sums are estimated from BFS out of ``k`` pivots
    drawn in it (Eppstein–Wang: Σd(v) ≈ (r−1)/k · Σ_p d(p, v)); smaller components stay exact.
    """
    n = s.n
    if n <= 1:
        return [0.0] * n
    graph, sizes = to_igraph(s, directed=False), components(s)
    if k is None or k >= max(sizes):
        raw = graph.closeness(normalized=True)
        return [0.0 if c != c or r <= 1 else c * (r - 1) / (n - 1) for c, r in zip(raw, sizes, strict=True)]
    giant = max(range(n), key=lambda i: (sizes[i], -i))
    r = sizes[giant]
    inside = graph.subcomponent(giant)
    others = sorted(set(range(n)) - set(inside))
    values = [0.0] * n
    for v, c in zip(others, graph.closeness(vertices=others, normalized=True), strict=True):
        values[v] = 0.0 if c != c or sizes[v] <= 1 else c * (sizes[v] - 1) / (n - 1)
    chosen = random.Random(seed).sample(sorted(inside), k)
    total: list[float] = [0.0] * n
    for start in range(0, k, 16):  # distance rows summed in C (map), 16 sources per igraph call
        for row in graph.distances(source=chosen[start : start + 16]):
            total = list(map(operator.add, total, row))
    pivot = set(chosen)
    for v in inside:  # every pivot but v itself reaches v: Σd(v) ≈ (r−1)·total/hits
        hits = k - (v in pivot)
        values[v] = hits / total[v] * (r - 1) / (n - 1) if total[v] else 0.0
    return values


def pagerank(s: Structure, *, damping: float = 0.85) -> list[float]:
    """PageRank over the directed view, weighted by tie strength (sums to 1)."""
    if s.n == 0:
        return []
    values: list[float] = to_igraph(s, directed=True).pagerank(damping=damping, weights="weight")
    return values


def eigenvector(s: Structure) -> list[float]:
    """Eigenvector centrality over the undirected view, weighted, scaled so that the largest is 1."""
    graph = to_igraph(s, directed=False)
    if graph.ecount() == 0:
        return [0.0] * s.n
    with (
        warnings.catch_warnings()
    ):  # igraph warns on disconnected graphs; the values outside the leading component are ~0
        warnings.simplefilter("ignore", RuntimeWarning)
        values: list[float] = graph.eigenvector_centrality(scale=True, weights="weight")
    return values


def core_number(s: Structure) -> list[int]:
    """The k-core number of every node in the undirected simple view."""
    values: list[int] = to_igraph(s, directed=False).coreness(mode="all")
    return values


def louvain(s: Structure, *, resolution: float = 1.0, seed: int = 42) -> tuple[list[int], float]:
    """Louvain (igraph multilevel) with a private seeded generator: (membership, modularity)."""
    graph = to_igraph(s, directed=False)
    if graph.ecount() == 0:
        return list(range(s.n)), 0.0
    ig.set_random_number_generator(random.Random(seed))
    try:
        clusters = graph.community_multilevel(weights="weight", resolution=resolution)
    finally:
        ig.set_random_number_generator(random)
    membership: list[int] = clusters.membership
    return membership, float(graph.modularity(membership, weights="weight", resolution=resolution))
