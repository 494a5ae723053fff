"""Resilience: what happens to the network if one organisation leaves it.

Over the undirected view of the organisation ties (with the
:data:`~partnergraph.queries.base.FILTER_PARAMS`), each organisation given by ``remove`` — or,
without it, each of the ``top`` organisations by betweenness (igraph, exact, unnormalised:
shortest paths between other pairs through it) or by degree (distinct partners) — is removed
on its own (not cumulatively), and the network before and after is compared:

* components and the size of the largest one;
* organisations *newly* cut off from every business (no other organisation of kind
  ``business`` left in their component) and from every support body (:data:`SUPPORT_KINDS`):
  counts and the first :data:`NAMES_SHOWN` names;
* reach: the average number of other organisations each one can reach, ``Σ s(s−1) / N`` over
  component sizes ``s`` (after: over the ``N − 1`` that remain).

    >>> from partnergraph.graph.sqlite import SqliteStore
    >>> resilience(SqliteStore(":memory:")).rows
    []
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import igraph as ig
import networkx as nx

from partnergraph.graph.base import GraphStore
from partnergraph.i18n import Msg, register_messages
from partnergraph.queries.base import FILTER_PARAMS, Analysis, Param, Result, check_node, filtered_graph

__all__ = [
    "ANALYSES",
    "BETWEENNESS_LIMIT",
    "BUSINESS_KIND",
    "NAMES_SHOWN",
    "SUPPORT_KINDS",
    "ResilienceRow",
    "betweenness",
    "resilience",
]

SUPPORT_KINDS = ("ces", "owes", "welfare_centre", "labour_office", "integration_centre")
"""Support bodies: social economy centres, OWES, welfare centres, labour offices, CIS/KIS."""
BUSINESS_KIND = "business"
NAMES_SHOWN = 5
BETWEENNESS_LIMIT = 20_000
"""With --remove or --by degree, betweenness (a column only) is computed up to this many organisations."""

register_messages(
    {
        "q.resilience.no_betweenness": "betweenness left out: the network has {n} organisations (more than {limit})",
        "q.resilience.filtered_out": "{key} is not in the filtered network, skipped",
    }
)


@dataclass(frozen=True)
class ResilienceRow:
    """The network without one organisation."""

    key: str
    name: str
    kind: str
    betweenness: float | None
    """Shortest paths between other pairs through it (None when left out on a large network)."""
    degree: int
    components_before: int
    components_after: int
    largest_before: int
    largest_after: int
    cut_off_business: int
    cut_off_business_names: list[str]
    cut_off_support: int
    cut_off_support_names: list[str]
    reach_before: float
    reach_after: float
    reach_change: float

    LABELS: ClassVar[dict[str, str]] = {
        "key": "key",
        "name": "name",
        "kind": "kind",
        "betweenness": "betweenness",
        "degree": "degree",
        "components_before": "components before",
        "components_after": "components after",
        "largest_before": "largest before",
        "largest_after": "largest after",
        "cut_off_business": "cut off from businesses",
        "cut_off_business_names": "e.g. (businesses)",
        "cut_off_support": "cut off from support",
        "cut_off_support_names": "e.g. (support)",
        "reach_before": "reach before",
        "reach_after": "reach after",
        "reach_change": "reach change",
    }


@dataclass
class _Network:
    graph: nx.Graph[Any]
    kinds: dict[str, str]
    names: dict[str, str]
    component: dict[str, int]
    members: list[set[str]]

    def count(self, nodes: set[str], kinds: Sequence[str]) -> int:
        return sum(1 for n in nodes if self.kinds[n] in kinds)


def _network(graph: Any) -> _Network:
    simple: nx.Graph[Any] = nx.Graph()
    simple.add_nodes_from(sorted(graph.nodes))
    simple.add_edges_from(sorted((a, b) for a, b in graph.edges() if a != b))
    members = sorted((set(c) for c in nx.connected_components(simple)), key=lambda c: min(c))
    component = {n: i for i, c in enumerate(members) for n in c}
    kinds = {k: str(p.get("kind", "")) for k, p in graph.nodes(data=True)}
    names = {k: str(p.get("short_name") or p.get("name") or k) for k, p in graph.nodes(data=True)}
    return _Network(simple, kinds, names, component, members)


def betweenness(graph: nx.Graph[Any]) -> dict[str, float]:
    """Exact unnormalised betweenness with igraph (equal to networkx's ``normalized=False``)."""
    nodes = list(graph.nodes)
    index = {n: i for i, n in enumerate(nodes)}
    compiled = ig.Graph(n=len(nodes), edges=[(index[a], index[b]) for a, b in graph.edges()], directed=False)
    return dict(zip(nodes, compiled.betweenness(directed=False), strict=True))


def _cut_off(net: _Network, before: set[str], after: list[set[str]], kinds: Sequence[str]) -> list[str]:
    """Organisations that had another one of ``kinds`` in their component and no longer do."""
    had = net.count(before, kinds)
    lost = []
    for part in after:
        left = net.count(part, kinds)
        for node in part:
            mine = 1 if net.kinds[node] in kinds else 0
            if had - mine > 0 and left - mine == 0:
                lost.append(node)
    return sorted(lost, key=lambda n: (net.names[n], n))


def _reach(sizes: Sequence[int], n: int) -> float:
    return sum(s * (s - 1) for s in sizes) / n if n else 0.0


def _row(net: _Network, removed: str, score: float | None) -> ResilienceRow:
    before = net.members[net.component[removed]]
    after = [set(c) for c in nx.connected_components(net.graph.subgraph(before - {removed}))]
    sizes = [len(c) for c in net.members]
    other = [s for i, s in enumerate(sizes) if i != net.component[removed]]
    sizes_after = other + [len(c) for c in after]
    business = _cut_off(net, before, after, (BUSINESS_KIND,))
    support = _cut_off(net, before, after, SUPPORT_KINDS)
    n = net.graph.number_of_nodes()
    reach_before, reach_after = round(_reach(sizes, n), 4), round(_reach(sizes_after, n - 1), 4)
    return ResilienceRow(
        removed,
        net.names[removed],
        net.kinds[removed],
        None if score is None else round(score, 4),
        net.graph.degree(removed),
        len(sizes),
        len(sizes_after),
        max(sizes),
        max(sizes_after, default=0),
        len(business),
        [net.names[k] for k in business[:NAMES_SHOWN]],
        len(support),
        [net.names[k] for k in support[:NAMES_SHOWN]],
        reach_before,
        reach_after,
        round(reach_after - reach_before, 4),
    )


def resilience(
    store: GraphStore,
    *,
    remove: Sequence[str] | None = None,
    top: int = 10,
    by: str = "betweenness",
    kinds: Sequence[str] | None = None,
    tie_types: Sequence[str] | None = None,
    municipality: str | None = None,
    as_of: dt.date | None = None,
) -> Result:
    """The network without each organisation of ``remove`` (or the ``top`` ones ``by`` betweenness or degree)."""
    for key in remove or ():
        check_node(store, key, "--remove", "Organisation")
    net = _network(filtered_graph(store, kinds=kinds, tie_types=tie_types, municipality=municipality, as_of=as_of))
    n = net.graph.number_of_nodes()
    ranked = by == "betweenness" and not remove
    scores = betweenness(net.graph) if ranked or n <= BETWEENNESS_LIMIT else {}
    notes = [str(Msg("q.resilience.filtered_out", key=k)) for k in remove or () if k not in net.graph]
    if not scores and n:
        notes.append(str(Msg("q.resilience.no_betweenness", n=n, limit=BETWEENNESS_LIMIT)))
    if remove:
        chosen = [k for k in dict.fromkeys(remove) if k in net.graph]
    else:
        rank = scores if by == "betweenness" else dict(net.graph.degree())
        chosen = sorted(net.graph, key=lambda k: (-rank[k], k))[: max(top, 0)]
    rows = [_row(net, key, scores.get(key)) for key in chosen]
    algorithm = (
        "connected components of the undirected organisation graph without each organisation in turn (networkx); "
        f"ranking by {'the given list' if remove else by} (betweenness: igraph exact, unnormalised); "
        f"support kinds: {', '.join(SUPPORT_KINDS)}; reach = Σ s(s−1)/N over component sizes"
    )
    params = {"remove": list(remove or []), "top": top, "by": by}
    return Result(
        "resilience", algorithm, params, rows, ResilienceRow, notes, {"organisations": net.graph.number_of_nodes()}
    )


def _run(store: GraphStore, **params: Any) -> Result:
    filters = {p.name: params.get(p.name) for p in FILTER_PARAMS}
    top = params.get("top")
    return resilience(
        store,
        remove=params.get("remove"),
        top=10 if top is None else top,
        by=params.get("by") or "betweenness",
        **filters,
    )


ANALYSES = (
    Analysis(
        "resilience",
        "Network resilience",
        "What happens if an organisation leaves: components, organisations cut off from every business or support body, "
        "change in reach — for the given organisations or the top ones by betweenness or degree.",
        (
            Param(
                "remove",
                "list",
                "Organisations to remove, each on its own (comma-separated keys).",
            ),
            Param(
                "top",
                "int",
                "Without --remove: this many top organisations.",
                default=10,
            ),
            Param(
                "by",
                "choice",
                "Without --remove: rank by betweenness or degree.",
                default="betweenness",
                choices=("betweenness", "degree"),
            ),
            *FILTER_PARAMS,
        ),
        _run,
    ),
)
