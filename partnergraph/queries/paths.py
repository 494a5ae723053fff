"""Warm-introduction paths: chains of trusted ties from one organisation to another.

The organisation network (with the :data:`~partnergraph.queries.base.FILTER_PARAMS`) is read
as an undirected graph — an introduction can go either way along a tie — keeping, for each pair
of organisations, its strongest tie at or above ``min_strength``. Conventions:

* without ``min_strength`` every tie passes; with it, a tie with no ``strength`` counts as
  strength 1 (the weakest on the 1–5 scale), so it passes only ``--min-strength 1``;
* organisations whose ``no_intermediary`` is true are never in the middle of a path (they
  may still be its start or its end);
* paths come shortest first (``networkx.shortest_simple_paths``, hops), then by key order.

    >>> from partnergraph.graph.sqlite import SqliteStore
    >>> from partnergraph.records import Node
    >>> store = SqliteStore(":memory:")
    >>> _ = store.upsert([Node(k, "Organisation", {"name": k, "kind": "ngo"}) for k in ("org:a", "org:b")], source="doc")
    >>> paths(store, "org:a", "org:b").rows
    []
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import networkx as nx

from partnergraph.errors import Problem, ValidationError
from partnergraph.graph.base import GraphStore
from partnergraph.graph.projection import Graph
from partnergraph.i18n import Msg, current_language, register_messages
from partnergraph.queries.base import FILTER_PARAMS, Analysis, Param, Result, check_node, filtered_graph

__all__ = ["ANALYSES", "UNKNOWN_STRENGTH", "PathRow", "paths"]

UNKNOWN_STRENGTH = 1
"""The strength of a tie without one, when a minimum strength is asked for."""

register_messages(
    {
        "q.paths.same": "--to: {key} is the same organisation as --from",
        "q.paths.same.hint": "give two different organisations",
        "q.paths.bad_strength": "--min-strength: {value} is outside the 1–5 scale",
        "q.paths.none": "No path from {start} to {end}.",
        "q.paths.components": "{start} and {end} are in separate components: no chain of ties joins them",
        "q.paths.strength": "a path exists, but only through ties weaker than --min-strength {value}",
        "q.paths.blocked": "a path exists only through organisations that asked not to be intermediaries: {names}",
        "q.paths.skipped": "left out as intermediaries (no_intermediary): {names}",
    }
)


@dataclass(frozen=True)
class PathRow:
    """One introduction path."""

    rank: int
    length: int
    """Hops (ties) on the path."""
    chain: str
    weakest: int | None
    """The weakest strength on the path (None when no tie on it has a strength and none was asked for)."""
    keys: list[str]

    LABELS: ClassVar[dict[str, str]] = {
        "rank": "rank",
        "length": "length",
        "chain": "chain",
        "weakest": "weakest strength",
        "keys": "keys",
    }


def _strength(props: dict[str, Any], asked: bool) -> int | None:
    value = props.get("strength")
    return int(value) if isinstance(value, int | float) else (UNKNOWN_STRENGTH if asked else None)


def _simple(graph: Graph, min_strength: int | None) -> nx.Graph[Any]:
    """An undirected graph with, per pair, the strongest passing tie (type, start, strength)."""
    simple: nx.Graph[Any] = nx.Graph()
    simple.add_nodes_from(sorted(graph.nodes))  # sorted: the same adjacency order on every backend
    asked = min_strength is not None
    for start, end, _, data in sorted(graph.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2])):
        strength = _strength(data, asked)
        if min_strength is not None and (strength is None or strength < min_strength):
            continue
        rank = (-1 if strength is None else strength, data["type"])
        known = simple.get_edge_data(start, end)
        if known is None or rank > known["rank"]:
            simple.add_edge(
                start,
                end,
                rank=rank,
                type=data["type"],
                start=start,
                symmetric=data.get("symmetric", False),
                strength=strength,
            )
    return simple


def _label(graph: Graph, key: str) -> str:
    props = graph.nodes[key]
    return str(props.get("short_name") or props.get("name") or key)


def _chain(store: GraphStore, graph: Graph, simple: nx.Graph[Any], keys: Sequence[str]) -> str:
    language = current_language()
    text = _label(graph, keys[0])
    for a, b in itertools.pairwise(keys):
        edge = simple.edges[a, b]
        label = store.schema.tie_types[edge["type"]].label(language)
        arrow = f"—[{label}]—" if edge["symmetric"] else (f"—[{label}]→" if edge["start"] == a else f"←[{label}]—")
        text += f" {arrow} {_label(graph, b)}"
    return text


def _weakest(simple: nx.Graph[Any], keys: Sequence[str]) -> int | None:
    known = [
        simple.edges[a, b]["strength"]
        for a, b in itertools.pairwise(keys)
        if simple.edges[a, b]["strength"] is not None
    ]
    return min(known) if known else None


def _blocked(graph: Graph, start: str, end: str) -> set[str]:
    return {k for k, p in graph.nodes(data=True) if p.get("no_intermediary") is True and k not in (start, end)}


def _why_none(graph: Graph, start: str, end: str, min_strength: int | None) -> list[str]:
    """Notes that name what blocked every path: separate components, the threshold, intermediaries."""
    loose = _simple(graph, None)
    if not nx.has_path(loose, start, end):
        return [str(Msg("q.paths.components", start=start, end=end))]
    blocked = _blocked(graph, start, end)
    strength_note = str(Msg("q.paths.strength", value=min_strength))
    strong = _simple(graph, min_strength)
    notes = []
    if min_strength is not None and nx.has_path(loose.subgraph(set(loose) - blocked), start, end):
        notes.append(strength_note)
    if nx.has_path(strong, start, end):
        notes.append(_blocked_note(graph, strong, start, end, blocked))
    return notes or [strength_note, _blocked_note(graph, loose, start, end, blocked)]  # only both relaxed give a path


def _blocked_note(graph: Graph, simple: nx.Graph[Any], start: str, end: str, blocked: set[str]) -> str:
    on_path = sorted(k for k in nx.shortest_path(simple, start, end) if k in blocked)
    return str(Msg("q.paths.blocked", names=", ".join(_label(graph, k) for k in on_path)))


def _shortest(graph: nx.Graph[Any], start: str, end: str, k: int, spare: int = 100) -> list[list[str]]:
    """The ``k`` shortest simple paths; among paths as long as the k-th, those first in key order
    (looking at up to ``spare`` more of that length)."""
    found: list[list[str]] = []
    for path in nx.shortest_simple_paths(graph, start, end):
        if len(found) >= k and (len(path) > len(found[k - 1]) or len(found) >= k + spare):
            break
        found.append(path)
    return sorted(found, key=lambda p: (len(p), p))[: max(k, 0)]


def paths(
    store: GraphStore,
    start: str,
    end: str,
    *,
    min_strength: int | None = None,
    k: int = 3,
    kinds: Sequence[str] | None = None,
    tie_types: Sequence[str] | None = None,
    municipality: str | None = None,
    as_of: dt.date | None = None,
) -> Result:
    """Up to ``k`` shortest warm-introduction paths from ``start`` to ``end`` (see the module docs)."""
    check_node(store, start, "--from", "Organisation")
    check_node(store, end, "--to", "Organisation")
    if start == end:
        raise ValidationError([Problem(Msg("q.paths.same", key=end), "", Msg("q.paths.same.hint"))])
    if min_strength is not None and not 1 <= min_strength <= 5:
        raise ValidationError([Problem(Msg("q.paths.bad_strength", value=min_strength))])
    graph = filtered_graph(store, kinds=kinds, tie_types=tie_types, municipality=municipality, as_of=as_of)
    params = {"from": start, "to": end, "min_strength": min_strength, "paths": k}
    algorithm = (
        "networkx.shortest_simple_paths (Yen) on the undirected organisation graph, hops; per pair the strongest tie "
        f"at or above min_strength (a tie without strength counts as {UNKNOWN_STRENGTH} when min_strength is given); "
        "no_intermediary organisations only as start or end"
    )
    result = Result("paths", algorithm, params, [], PathRow)
    if start not in graph or end not in graph:
        result.notes.append(str(Msg("q.paths.none", start=start, end=end)))
        return result
    simple = _simple(graph, min_strength)
    blocked = _blocked(graph, start, end)
    usable = simple.subgraph(set(simple) - blocked)
    found = _shortest(usable, start, end, k) if nx.has_path(usable, start, end) else []
    result.rows = [
        PathRow(i, len(p) - 1, _chain(store, graph, simple, p), _weakest(simple, p), list(p))
        for i, p in enumerate(found, 1)
    ]
    if not found:
        result.notes += [str(Msg("q.paths.none", start=start, end=end)), *_why_none(graph, start, end, min_strength)]
    elif blocked:
        names = sorted(_label(graph, key) for key in blocked)
        result.notes.append(str(Msg("q.paths.skipped", names=", ".join(names))))
    return result


def _run(store: GraphStore, **params: Any) -> Result:
    filters = {p.name: params.get(p.name) for p in FILTER_PARAMS}
    return paths(
        store,
        params["from"],
        params["to"],
        min_strength=params.get("min_strength"),
        k=params.get("paths") or 3,
        **filters,
    )


ANALYSES = (
    Analysis(
        "paths",
        "Warm-introduction paths",
        "The shortest warm-introduction paths between two organisations over ties of at least --min-strength, avoiding "
        "organisations that asked not to be intermediaries.",
        (
            Param("from", "key", "The starting organisation (key).", required=True),
            Param("to", "key", "The target organisation (key).", required=True),
            Param(
                "min_strength",
                "int",
                "Only ties of at least this strength (1–5); a tie without a strength counts as 1.",
            ),
            Param(
                "paths",
                "int",
                "At most this many paths (shortest first).",
                default=3,
            ),
            *FILTER_PARAMS,
        ),
        _run,
    ),
)
