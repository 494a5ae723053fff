"""Network maps: which organisations and ties a map shows, and how each one looks.

:func:`network_map` selects the part of the network to draw — the organisation network with the
analyses' filters (:data:`~partnergraph.queries.base.FILTER_PARAMS`), optionally narrowed to an
ego view (one organisation and its neighbourhood to a depth) or a partnership view (its members
and the ties among them, optionally with their other partners) — and styles it: colour by kind
or sector with a legend, size by a node metric, plain-text tooltips. Above :data:`LARGE`
nodes physics is off and positions are precomputed (:mod:`partnergraph.viz.layout`); with
``aggregate="municipality"`` the map shows one node per gmina instead. The result is a
:class:`~partnergraph.viz.mapdata.NetworkMap`; :func:`partnergraph.viz.page.write_map` turns it
into one self-contained HTML file.

    >>> from partnergraph.graph.sqlite import SqliteStore
    >>> empty = network_map(SqliteStore(":memory:"))
    >>> len(empty.nodes), empty.physics
    (0, True)
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import networkx as nx

from partnergraph.errors import Problem, ValidationError
from partnergraph.graph.base import GraphStore
from partnergraph.graph.projection import LOCATION_TIE, Graph, project
from partnergraph.i18n import Msg, Plural, current_language, register_messages
from partnergraph.queries.base import FILTER_PARAMS, Param, check_node, filtered_graph
from partnergraph.queries.privacy import suppress
from partnergraph.viz.layout import LARGE, precompute_positions
from partnergraph.viz.mapdata import MapEdge, MapNode, NetworkMap, Styler, group_edges, sized

__all__ = ["AGGREGATE_EDGES", "COLOURS", "LARGE", "MAP_PARAMS", "SIZES", "network_map"]

COLOURS = ("kind", "sector")
"""What node colour can show."""
SIZES = (
    "degree",
    "in_degree",
    "out_degree",
    "weighted_degree",
    "betweenness",
    "closeness",
    "pagerank",
    "eigenvector",
    "core",
)
"""Node metrics that can set node size (computed by :func:`partnergraph.queries.metrics.node_metrics`)."""
MEMBER_TIE, PARTNERSHIP = "MEMBER_OF", "Partnership"
AGGREGATE_EDGES = 20_000
"""At most this many edges between municipalities (the ones with the most ties); the caption says when some were left out."""

MAP_PARAMS: tuple[Param, ...] = (
    *FILTER_PARAMS,
    Param(
        "color",
        "choice",
        "Colour nodes by kind or by sector.",
        default="kind",
        choices=COLOURS,
    ),
    Param(
        "size",
        "choice",
        "The node metric that sets node size.",
        default="degree",
        choices=SIZES,
    ),
    Param(
        "ego",
        "key",
        "Only this organisation (key) and its neighbourhood.",
    ),
    Param("depth", "int", "How many steps from the ego organisation.", default=1),
    Param(
        "partnership",
        "key",
        "Only the members of this partnership (key) and the ties among them.",
    ),
    Param(
        "with_partners",
        "bool",
        "With a partnership: also the members' other partners.",
    ),
    Param(
        "aggregate",
        "bool",
        "One node per municipality, sized by its number of organisations.",
    ),
)
"""The options of ``partnergraph map`` (except ``--out`` and ``--geo``), for the CLI and the web form."""

register_messages(
    {
        "viz.netmap.title": "Network map",
        "viz.netmap.title_ego": "Network around {name} (depth {depth})",
        "viz.netmap.title_partnership": "Partnership: {name}",
        "viz.netmap.title_aggregate": "{title} — municipalities",
        "viz.netmap.both_views": "--ego and --partnership exclude each other",
        "viz.netmap.both_views.hint": "choose one view",
        "viz.netmap.bad_depth": "--depth: {value} — the depth must be at least 1",
        "viz.netmap.filtered_out": "--ego: {key} does not pass the map's filters (--kinds, --municipality)",
        "viz.netmap.bad_choice": "{flag}: unknown value {value!r}",
        "viz.netmap.no_metric": "--size {metric}: node metrics (partnergraph.queries.metrics) are not available",
        "viz.netmap.no_metric.hint": "use --size degree",
        "viz.netmap.no_municipality": "(municipality unknown)",
        "viz.netmap.no_sector": "(sector unknown)",
        "viz.netmap.ties": "{label}: {n}",
        "viz.netmap.referrals": "referrals: {count}",
        "viz.netmap.orgs_in": "{name}: {organisations}, {ties} inside the municipality",
        "viz.netmap.between": Plural("{a} – {b}: {n} tie", "{a} – {b}: {n} ties", n="n"),
        "viz.netmap.metric": "{metric}: {value}",
        "viz.netmap.size_orgs": "number of organisations",
        "viz.netmap.size_degree": "degree",
        "viz.netmap.size_in_degree": "in-degree",
        "viz.netmap.size_out_degree": "out-degree",
        "viz.netmap.size_weighted_degree": "degree weighted by tie strength",
        "viz.netmap.size_core": "k-core",
        "viz.netmap.size_betweenness": "betweenness",
        "viz.netmap.size_pagerank": "PageRank",
        "viz.netmap.size_closeness": "closeness",
        "viz.netmap.size_eigenvector": "eigenvector centrality",
        "viz.netmap.colour_kind": "kind of organisation",
        "viz.netmap.colour_sector": "sector",
        "viz.netmap.marked_ego": "thick border: {name}",
        "viz.netmap.marked_members": "thick border: members of the partnership; the others are their partners outside it",
    }
)


def network_map(
    store: GraphStore,
    *,
    kinds: Sequence[str] | None = None,
    tie_types: Sequence[str] | None = None,
    municipality: str | None = None,
    as_of: dt.date | None = None,
    color: str = "kind",
    size: str = "degree",
    ego: str | None = None,
    depth: int = 1,
    partnership: str | None = None,
    with_partners: bool = False,
    aggregate: Literal["municipality"] | None = None,
    large: int = LARGE,
) -> NetworkMap:
    """The map of the (filtered, optionally ego or partnership) organisation network."""
    _check_options(color, size, ego, depth, partnership, aggregate)
    base = filtered_graph(store, kinds=kinds, tie_types=tie_types, municipality=municipality, as_of=as_of)
    title, keys, marked, note = _select(
        store, base, ego=ego, depth=depth, partnership=partnership, with_partners=with_partners, as_of=as_of
    )
    shown = _induced(base, keys)
    places = _places(store, shown)
    styler = Styler(store.schema, color)
    if aggregate == "municipality":
        result = _aggregate(store, shown, places, styler, str(Msg("viz.netmap.title_aggregate", title=title)))
    else:
        values = _metric(store, shown, size, kinds=kinds, tie_types=tie_types, municipality=municipality, as_of=as_of)
        label = str(Msg(f"viz.netmap.size_{size}"))
        nodes = [
            _org_node(key, shown.nodes[key], styler, places, label, values.get(key, 0.0), key in marked)
            for key in sorted(shown)
        ]
        result = NetworkMap(
            title, sized(nodes, values), _org_edges(store, shown), styler.legend(), label, marked_label=note
        )
    result.colour_label = str(Msg(f"viz.netmap.colour_{color}"))
    return precompute_positions(result, large)


def _check_options(
    color: str, size: str, ego: str | None, depth: int, partnership: str | None, aggregate: str | None
) -> None:
    problems = [
        Problem(
            Msg("viz.netmap.bad_choice", flag=flag, value=value), hint=Msg("val.types_hint", allowed=", ".join(allowed))
        )
        for flag, value, allowed in (
            ("--color", color, COLOURS),
            ("--size", size, SIZES),
            ("--aggregate", aggregate or "municipality", ("municipality",)),
        )
        if value not in allowed
    ]
    if ego is not None and partnership is not None:
        problems.append(Problem(Msg("viz.netmap.both_views"), hint=Msg("viz.netmap.both_views.hint")))
    if depth < 1:
        problems.append(Problem(Msg("viz.netmap.bad_depth", value=depth)))
    if problems:
        raise ValidationError(problems)


def _select(
    store: GraphStore,
    base: Graph,
    *,
    ego: str | None,
    depth: int,
    partnership: str | None,
    with_partners: bool,
    as_of: dt.date | None,
) -> tuple[str, set[str], set[str], str | None]:
    """The title, the node keys to show, the marked ones (the ego, the partnership's members) and what marks mean."""
    if ego is not None:
        node = check_node(store, ego, "--ego", "Organisation")
        if ego not in base:
            raise ValidationError([Problem(Msg("viz.netmap.filtered_out", key=ego))])
        around = set(nx.ego_graph(base, ego, radius=depth, undirected=True))
        name = node.props.get("name", ego)
        return (
            str(Msg("viz.netmap.title_ego", name=name, depth=depth)),
            around,
            {ego},
            str(Msg("viz.netmap.marked_ego", name=name)),
        )
    if partnership is not None:
        node = check_node(store, partnership, "--partnership", PARTNERSHIP)
        members = _members(store, partnership, as_of) & set(base)
        keys = set(members)
        if with_partners:
            keys.update(n for m in members for n in nx.all_neighbors(base, m))
        title = str(Msg("viz.netmap.title_partnership", name=node.props.get("name", partnership)))
        return title, keys, members, str(Msg("viz.netmap.marked_members"))
    return str(Msg("viz.netmap.title")), set(base), set(), None


def _induced(base: Graph, keys: set[str]) -> Graph:
    """``base`` restricted to ``keys`` as a plain graph (networkx's subgraph views are slow to iterate on large maps)."""
    if len(keys) == base.number_of_nodes():
        return base
    graph: Graph = nx.MultiDiGraph()
    graph.add_nodes_from((key, base.nodes[key]) for key in keys)
    for u, v, k, d in base.out_edges(keys, keys=True, data=True):
        if v in keys:
            graph.add_edge(u, v, key=k, **d)
    return graph


def _members(store: GraphStore, partnership: str, as_of: dt.date | None) -> set[str]:
    """Organisations that are members of ``partnership`` (on ``as_of``, when given)."""
    graph = project(store, node_types=("Organisation", PARTNERSHIP), tie_types=(MEMBER_TIE,), as_of=as_of)
    return {key for key in graph.predecessors(partnership) if graph.nodes[key].get("type") == "Organisation"}


def _places(store: GraphStore, graph: Graph) -> dict[str, tuple[str, str]]:
    """Organisation key → (municipality key, municipality name) for the organisations in ``graph``."""
    located = {t.start: t.end for t in store.iter_ties(LOCATION_TIE) if t.start in graph}
    names = {node.key: str(node.props.get("name", node.key)) for node in store.iter_nodes("Municipality")}
    return {org: (muni, names.get(muni, muni)) for org, muni in located.items()}


def _metric(store: GraphStore, graph: Graph, size: str, **filters: Any) -> dict[str, float]:
    """``size`` for every node of ``graph``: from the node metrics, or degree counted here."""
    try:
        from partnergraph.queries.metrics import node_metrics
    except ImportError:
        if size != "degree":
            raise ValidationError(
                [Problem(Msg("viz.netmap.no_metric", metric=size), hint=Msg("viz.netmap.no_metric.hint"))]
            ) from None
        return {key: float(len(set(nx.all_neighbors(graph, key)))) for key in graph}
    found: Mapping[str, Mapping[str, float]] = node_metrics(store, metrics=(size,), **filters)
    return {key: float(found.get(key, {}).get(size, 0.0)) for key in graph}


def _org_node(
    key: str,
    props: Mapping[str, Any],
    styler: Styler,
    places: Mapping[str, tuple[str, str]],
    metric: str,
    value: float,
    marked: bool,
) -> MapNode:
    group = styler.group(props)
    name = str(props.get("name", key))
    lines = [
        name,
        styler.description(props),
        places.get(key, ("", str(Msg("viz.netmap.no_municipality"))))[1],
        str(Msg("viz.netmap.metric", metric=metric, value=_number(value))),
        key,
    ]
    label = str(props.get("short_name") or name)
    return MapNode(
        key, _shorten(label), "\n".join(line for line in lines if line), group, styler.colour(group), marked=marked
    )


def _org_edges(store: GraphStore, graph: Graph) -> list[MapEdge]:
    """One edge per pair and tie type (symmetric types once per pair), tooltip with the type and number of ties."""
    language, titles = current_language(), dict[tuple[str, int], str]()
    edges = []
    groups = group_edges(graph)
    for start, end, tie_type, symmetric in sorted(groups):
        ties = groups[start, end, tie_type, symmetric]
        if (tie_type, len(ties)) not in titles:
            label = store.schema.tie_types[tie_type].label(language)
            titles[tie_type, len(ties)] = str(Msg("viz.netmap.ties", label=label, n=len(ties)))
        lines = [titles[tie_type, len(ties)]]
        referred = sum(int(data.get("count") or 0) for data in ties.values()) if tie_type == "REFERS" else 0
        if referred:
            lines.append(str(Msg("viz.netmap.referrals", count=suppress(referred))))
        edges.append(MapEdge(start, end, "\n".join(lines), float(len(ties)), arrow=not symmetric, kind=tie_type))
    return edges


def _aggregate(
    store: GraphStore, graph: Graph, places: Mapping[str, tuple[str, str]], styler: Styler, title: str
) -> NetworkMap:
    """One node per municipality (sized by organisation count), edges weighted by the ties between them."""
    unknown = ("", str(Msg("viz.netmap.no_municipality")))
    gmina = {key: places.get(key, unknown) for key in graph}
    groups: dict[str, Counter[str]] = {}
    for key, (muni, _) in gmina.items():
        groups.setdefault(muni, Counter())[styler.group(graph.nodes[key])] += 1
    pairs: Counter[tuple[str, str]] = Counter()
    for (start, end, _, _), ties in group_edges(graph).items():
        a, b = sorted((gmina[start][0], gmina[end][0]))
        pairs[a, b] += len(ties)
    names = {muni: name for muni, name in gmina.values()}
    nodes, dominants = [], Counter[str]()
    for muni in sorted(groups):
        dominant = min(groups[muni], key=lambda g: (-groups[muni][g], g))
        dominants[dominant] += 1
        tooltip = str(
            Msg(
                "viz.netmap.orgs_in",
                name=names[muni],
                organisations=Msg("n.organisations", count=groups[muni].total()),
                ties=Msg("n.ties", count=pairs.get((muni, muni), 0)),
            )
        )
        nodes.append(
            MapNode(
                muni or "none", _shorten(names[muni]), f"{tooltip}\n{muni}".strip(), dominant, styler.colour(dominant)
            )
        )
    between = sorted((-n, a, b) for (a, b), n in pairs.items() if a != b)
    kept = sorted(between[:AGGREGATE_EDGES], key=lambda item: item[1:])
    edges = [
        MapEdge(
            a or "none",
            b or "none",
            str(Msg("viz.netmap.between", a=names[a], b=names[b], n=-n)),
            float(-n),
            arrow=False,
        )
        for n, a, b in kept
    ]
    counts = {muni or "none": float(c.total()) for muni, c in groups.items()}
    meta = (
        {"edges_total": len(between), "edges_min_ties": -kept[-1][0] if kept else 0} if len(kept) < len(between) else {}
    )
    return NetworkMap(
        title,
        sized(nodes, counts),
        edges,
        styler.legend(dominants),
        str(Msg("viz.netmap.size_orgs")),
        aggregated=True,
        meta=meta,
    )


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:.4f}".rstrip("0")


def _shorten(text: str, limit: int = 32) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
