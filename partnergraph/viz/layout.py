"""Precomputed positions for large maps: physics in the browser is off above :data:`LARGE` nodes.

vis-network's physics simulation is quadratic-ish in the browser and freezes the page for
minutes on thousands of nodes. Above the threshold the positions are computed here with
igraph's Fruchterman–Reingold layout on a grid (``grid=True``: repulsion only between nearby
nodes), measured at 0.8 s for 10,000 nodes / 48,000 edges on the 2-core machine, where DrL had
not finished after a minute (see bench/bench_map.py). Positions are scaled so that the map
has about :data:`SPACING` pixels per node.

    >>> from partnergraph.viz.mapdata import MapNode, NetworkMap
    >>> nodes = [MapNode(k, k, k, "", "#000") for k in "abc"]
    >>> small = NetworkMap("t", nodes, [], [], "")
    >>> precompute_positions(small, large=2).physics, precompute_positions(small, large=5).physics
    (False, True)
"""

from __future__ import annotations

import math

import igraph as ig

from partnergraph.viz.mapdata import NetworkMap

__all__ = ["LARGE", "LAYOUT_NAME", "SPACING", "precompute_positions"]

LARGE = 1500
"""Above this many nodes, physics is off and positions are precomputed."""
SPACING = 45.0
"""Pixels of map side per square root of the node count."""
LAYOUT_NAME = "Fruchterman–Reingold (igraph, grid)"
SEED = 1


def precompute_positions(result: NetworkMap, large: int = LARGE) -> NetworkMap:
    """``result`` unchanged up to ``large`` nodes; above, with fixed positions and physics off."""
    result.meta["large"] = large
    if len(result.nodes) <= large:
        return result
    index = {node.id: i for i, node in enumerate(result.nodes)}
    pairs = {tuple(sorted((index[e.source], index[e.target]))) for e in result.edges if e.source != e.target}
    graph = ig.Graph(n=len(index), edges=sorted(pairs))
    start = ig.Layout([_spiral(i) for i in range(len(index))])  # deterministic start: igraph's own is random
    layout = graph.layout_fruchterman_reingold(grid=True, seed=start)
    return result.with_positions(_scaled(list(layout.coords), len(index)), LAYOUT_NAME)


def _spiral(i: int) -> tuple[float, float]:
    angle = i * 2.399963  # the golden angle: points spread evenly over a disc
    return math.sqrt(i) * math.cos(angle), math.sqrt(i) * math.sin(angle)


def _scaled(coords: list[list[float]], n: int) -> list[tuple[float, float]]:
    """Coordinates scaled to about :data:`SPACING` · √n pixels across the central 98 % of nodes.

    Fruchterman–Reingold pushes small components and isolates far out; scaling by the full span
    would shrink the main component to a dot, so stragglers are pulled in to the margin instead.
    """
    xs, ys = [c[0] for c in coords], [c[1] for c in coords]
    (x0, x1), (y0, y1) = _central(xs), _central(ys)
    span = max(x1 - x0, y1 - y0) or 1.0
    factor = SPACING * math.sqrt(n) / span
    cx, cy, half = (x0 + x1) / 2, (y0 + y1) / 2, span * 0.55
    return [
        (round(_clamp(x - cx, half) * factor, 1), round(_clamp(y - cy, half) * factor, 1))
        for x, y in zip(xs, ys, strict=True)
    ]


def _central(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    cut = len(ordered) // 100
    return ordered[cut], ordered[-1 - cut]


def _clamp(value: float, limit: float) -> float:
    return max(-limit, min(limit, value))
