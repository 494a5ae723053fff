"""Overview: the size and shape of the organisation network — whole, per organisation kind, per municipality.

Per group (the induced subgraph of its organisations): organisations and ties, density of the
undirected simple graph, weakly and strongly connected components, the largest component's size,
diameter and average path length (undirected; exact up to :data:`EXACT_PATHS_MAX` organisations,
else from BFS out of :data:`PATH_SAMPLE` sampled sources — then the diameter is a lower bound),
reciprocity of the directed (non-symmetric) ties, average clustering and transitivity (igraph).

    >>> from partnergraph.graph.sqlite import SqliteStore
    >>> [(r.scope, r.organisations) for r in overview(SqliteStore(":memory:")).rows]
    [('all', 0)]
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

import igraph as ig

from partnergraph.graph.base import GraphStore
from partnergraph.graph.projection import Structure
from partnergraph.i18n import Msg, register_messages
from partnergraph.queries import engine
from partnergraph.queries.base import FILTER_PARAMS, Analysis, Param, Result
from partnergraph.queries.metrics import filter_params, kind_labels, municipality_names, structure

__all__ = ["ANALYSES", "EXACT_PATHS_MAX", "PATH_SAMPLE", "OverviewRow", "indicators", "induced", "overview"]

register_messages(
    {
        "q.overview.all": "whole network",
        "q.overview.sampled": "Average path length and diameter of the largest component ({groups}) estimated by BFS from {k} "
        "random sources "
        "(seed 42); a sampled diameter is a lower bound. Measured on a 10k-organisation network with k=200 (bench/README.md): "
        "average length 3.834 against exact 3.812 (error 0.6%), diameter 7 against 8.",
    }
)

EXACT_PATHS_MAX = 1000
"""Exact diameter and average path length up to this many organisations in the largest component."""
PATH_SAMPLE = 200
SAMPLED_PATH_ERROR = {
    "network": "bench.generate 10,000 organisations, seed 0 (largest component 9,998)",
    "k": 200,
    "average_path_length": 3.811781,
    "sampled": 3.833956,
    "relative_error": 0.005818,
    "diameter": 8,
    "diameter_sampled": 7,
}
"""Measured by bench/bench_analyses.py (sampled against exact on the 10k network)."""
SCOPES = ("every", "all", "kind", "municipality")


@dataclass(frozen=True)
class OverviewRow:
    """The indicators of one group of organisations."""

    scope: str
    group: str
    label: str
    organisations: int
    ties: int
    density: float
    components: int
    strong_components: int
    largest_component: int
    diameter: int | None
    average_path_length: float | None
    paths_sampled: int | None
    reciprocity: float | None
    average_clustering: float
    transitivity: float

    LABELS: ClassVar[dict[str, str]] = {
        "scope": "scope",
        "group": "group",
        "label": "label",
        "organisations": "organisations",
        "ties": "ties",
        "density": "density",
        "components": "components",
        "strong_components": "strong components",
        "largest_component": "largest component",
        "diameter": "diameter",
        "average_path_length": "avg path length",
        "paths_sampled": "sampled sources",
        "reciprocity": "reciprocity",
        "average_clustering": "avg clustering",
        "transitivity": "transitivity",
    }


def induced(s: Structure, groups: Sequence[str | None]) -> dict[str, Structure]:
    """The induced sub-structure of every group (``groups[i]`` is node i's group; None = in none), in one pass."""
    subs: dict[str, Structure] = {}
    local = [0] * s.n
    for i, g in enumerate(groups):
        if g is None:
            continue
        sub = subs.setdefault(g, Structure([], {}, [], [], [], []))
        local[i] = sub.n
        sub.index[s.keys[i]] = sub.n
        sub.keys.append(s.keys[i])
        for column in ("names", "kind", "sector", "municipality"):
            getattr(sub, column).append(getattr(s, column)[i])
    for e, (u, v) in enumerate(zip(s.src, s.dst, strict=True)):
        g = groups[u]
        if g is not None and g == groups[v]:
            sub = subs[g]
            sub.src.append(local[u])
            sub.dst.append(local[v])
            sub.tie_type.append(s.tie_type[e])
            sub.strength.append(s.strength[e])
            sub.symmetric.append(s.symmetric[e])
    return subs


def _paths(graph: ig.Graph, sample: int, seed: int) -> tuple[int | None, float | None, int | None]:
    """(diameter, average path length, sources sampled or None) of a connected undirected graph."""
    n = graph.vcount()
    if n < 2:
        return (0 if n else None), None, None
    if n <= EXACT_PATHS_MAX:
        return int(graph.diameter(directed=False)), float(graph.average_path_length(directed=False)), None
    total = pairs = longest = 0
    for source in random.Random(seed).sample(range(n), min(sample, n)):
        _, layers, _ = graph.bfs(source)
        for d in range(1, len(layers) - 1):
            total += d * (layers[d + 1] - layers[d])
        pairs += layers[-1] - 1
        longest = max(longest, len(layers) - 2)
    return longest, total / pairs, min(sample, n)


def _reciprocity(s: Structure) -> float | None:
    arcs = {(u, v) for u, v, sym in zip(s.src, s.dst, s.symmetric, strict=True) if not sym and u != v}
    return sum((v, u) in arcs for u, v in arcs) / len(arcs) if arcs else None


def indicators(
    s: Structure, scope: str, group: str, label: str, *, sample: int = PATH_SAMPLE, seed: int = 42
) -> OverviewRow:
    """The :class:`OverviewRow` of a whole structure."""
    undirected = engine.to_igraph(s, directed=False)
    n, simple = s.n, undirected.ecount()
    weak = undirected.connected_components()
    largest = weak.giant() if n else undirected
    diameter, apl, sampled = _paths(largest, sample, seed)
    return OverviewRow(
        scope,
        group,
        label,
        n,
        s.m,
        round(2 * simple / (n * (n - 1)), 6) if n > 1 else 0.0,
        len(weak),
        len(engine.to_igraph(s, directed=True).connected_components(mode="strong")),
        largest.vcount(),
        diameter,
        None if apl is None else round(apl, 4),
        sampled,
        None if (r := _reciprocity(s)) is None else round(r, 6),
        round(undirected.transitivity_avglocal_undirected(mode="zero"), 6) if n else 0.0,
        round(undirected.transitivity_undirected(mode="zero"), 6) if n else 0.0,
    )


def _order(subs: dict[str, Structure]) -> list[str]:
    return sorted(subs, key=lambda g: (-subs[g].n, g))


def overview(
    store: GraphStore,
    *,
    scope: str = "every",
    sample: int = PATH_SAMPLE,
    kinds: Sequence[str] | None = None,
    tie_types: Sequence[str] | None = None,
    municipality: str | None = None,
    as_of: dt.date | None = None,
) -> Result:
    """Indicators for the whole network, each organisation kind and each municipality (``scope`` narrows)."""
    s = structure(store, kinds=kinds, tie_types=tie_types, municipality=municipality, as_of=as_of)
    rows = (
        [indicators(s, "all", "all", Msg("q.overview.all").render(), sample=sample)]
        if scope in ("every", "all")
        else []
    )
    if scope in ("every", "kind"):
        labels, subs = kind_labels(store), induced(s, s.kind)
        rows += [indicators(subs[g], "kind", g, labels.get(g, g), sample=sample) for g in _order(subs)]
    if scope in ("every", "municipality"):
        names, subs = municipality_names(store), induced(s, s.municipality)
        rows += [indicators(subs[g], "municipality", g, names.get(g, g), sample=sample) for g in _order(subs)]
    sampled = [r.label for r in rows if r.paths_sampled]
    notes = [Msg("q.overview.sampled", groups=", ".join(sampled), k=sample).render()] if sampled else []
    algorithm = (
        f"{engine.ENGINE}: undirected simple graph (self-loops dropped) for density, components, paths and clustering "
        f"(average clustering: nodes of degree < 2 count 0); directed view for strong components; reciprocity over "
        f"non-symmetric ties; paths exact up to {EXACT_PATHS_MAX} nodes, else BFS from {sample} sources (seed 42)"
    )
    params = {"scope": scope, "sample": sample, **filter_params(kinds, tie_types, municipality, as_of)}
    meta = {
        "engine": engine.ENGINE,
        "path_sample": sample,
        "exact_paths_max": EXACT_PATHS_MAX,
        "sampled_groups": sampled,
        "sampled_error": SAMPLED_PATH_ERROR,
    }
    return Result("overview", algorithm, params, rows, OverviewRow, notes, meta)


ANALYSES = (
    Analysis(
        "overview",
        "Network overview",
        "Counts, density, components, diameter, reciprocity and clustering — for the network, each kind and each municipality.",
        (
            Param(
                "scope",
                "choice",
                "Scope: every, all (whole network), kind (per kind), municipality (per municipality).",
                "every",
                SCOPES,
            ),
            Param(
                "sample",
                "int",
                "BFS sources when the component has over 1000 organisations.",
                PATH_SAMPLE,
            ),
            *FILTER_PARAMS,
        ),
        overview,
    ),
)
