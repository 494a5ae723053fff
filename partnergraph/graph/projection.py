"""A store — or a filtered part of it — as a networkx MultiDiGraph, cached by write version.

Nodes carry their type and properties; edges are keyed by tie id and carry the tie type and
properties. A symmetric tie (COOPERATES_WITH) becomes an edge in each direction with the same
key and ``symmetric=True``, so paths and reachability work both ways.

Filters:
* ``node_types`` — keep only nodes of these types;
* ``kinds`` — keep only organisations of these kinds (nodes of other types are unaffected);
* ``tie_types`` — keep only ties of these types;
* ``municipality`` — keep only nodes located in this municipality (by its key, e.g.
  ``teryt:3014022``) and the municipality itself;
* ``as_of`` — keep only ties valid on that date (``since`` ≤ date ≤ ``until``; missing
  bounds are open).

The graph is frozen (read-only) because it is shared by every caller until the store changes.

    >>> from partnergraph.graph.sqlite import SqliteStore
    >>> project(SqliteStore(":memory:")).number_of_nodes()
    0
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, TypeAlias

import networkx as nx

from partnergraph.graph.base import GraphStore
from partnergraph.records import Tie

__all__ = ["LOCATION_TIE", "Filters", "project"]

LOCATION_TIE = "LOCATED_IN"
"""The tie type that places organisations and events in a municipality."""

_CACHE: weakref.WeakKeyDictionary[GraphStore, dict[Filters, tuple[int, Graph]]] = weakref.WeakKeyDictionary()


Graph: TypeAlias = "nx.MultiDiGraph[Any]"


@dataclass(frozen=True)
class Filters:
    """Which part of the store to project (see the module docs)."""

    node_types: frozenset[str] | None = None
    kinds: frozenset[str] | None = None
    tie_types: frozenset[str] | None = None
    municipality: str | None = None
    as_of: dt.date | None = None


def _valid_on(tie: Tie, day: dt.date) -> bool:
    since, until = tie.props.get("since"), tie.props.get("until")
    return not (isinstance(since, dt.date) and since > day) and not (isinstance(until, dt.date) and until < day)


def _build(store: GraphStore, f: Filters) -> Graph:
    graph: Graph = nx.MultiDiGraph()
    located: set[str] | None = None
    if f.municipality is not None:
        located = {t.start for t in store.iter_ties(LOCATION_TIE) if t.end == f.municipality} | {f.municipality}
    for node in store.iter_nodes():
        if f.node_types is not None and node.type not in f.node_types:
            continue
        if f.kinds is not None and "kind" in node.props and node.props["kind"] not in f.kinds:
            continue
        if located is not None and node.key not in located:
            continue
        graph.add_node(node.key, type=node.type, **node.props)
    for tie_type in sorted(f.tie_types) if f.tie_types is not None else [None]:
        for tie in store.iter_ties(tie_type):
            if tie.start not in graph or tie.end not in graph or (f.as_of and not _valid_on(tie, f.as_of)):
                continue
            symmetric = store.schema.tie_types[tie.type].symmetric
            graph.add_edge(tie.start, tie.end, key=tie.id, type=tie.type, symmetric=symmetric, **tie.props)
            if symmetric:
                graph.add_edge(tie.end, tie.start, key=tie.id, type=tie.type, symmetric=True, **tie.props)
    return graph


def project(store: GraphStore, *, node_types: Collection[str] | None = None, kinds: Collection[str] | None = None,
            tie_types: Collection[str] | None = None, municipality: str | None = None,
            as_of: dt.date | None = None) -> Graph:  # fmt: skip
    """The (filtered) store as a frozen MultiDiGraph; rebuilt only after the store changes."""
    filters = Filters(
        frozenset(node_types) if node_types is not None else None,
        frozenset(kinds) if kinds is not None else None,
        frozenset(tie_types) if tie_types is not None else None,
        municipality,
        as_of,
    )
    version = store.version()
    cached = _CACHE.setdefault(store, {}).get(filters)
    if cached is not None and cached[0] == version:
        return cached[1]
    graph: Graph = nx.freeze(_build(store, filters))
    _CACHE[store][filters] = (version, graph)
    return graph
