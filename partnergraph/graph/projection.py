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

The graph is frozen (read-only) because it is shared by every caller until the store changes:
its structure (``nx.freeze``) and its attribute dicts too (changing ``graph.nodes[k]["name"]``
raises ``TypeError``; ``dict(graph.nodes[k])`` or ``graph.copy()`` give a private copy).

Algorithms that need only the structure use :func:`project_structure` instead: integer node
indices, edge arrays and a few per-node columns, no properties — about ten times cheaper to
build than the networkx graph at 100k organisations (see bench/README.md, "Analyses").

Both caches keep at most :data:`CACHE_SIZE` filter combinations per store (least recently used
dropped) and rebuild after the store's write version changes.

    >>> from partnergraph.graph.sqlite import SqliteStore
    >>> project(SqliteStore(":memory:")).number_of_nodes()
    0
    >>> project_structure(SqliteStore(":memory:")).n
    0
"""

from __future__ import annotations

import copy
import datetime as dt
import weakref
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from typing import Any, NoReturn, TypeAlias, TypeVar

import networkx as nx

from partnergraph.graph.base import GraphStore
from partnergraph.records import Tie

__all__ = ["CACHE_SIZE", "LOCATION_TIE", "Filters", "FrozenAttrs", "Structure", "project", "project_structure"]

LOCATION_TIE = "LOCATED_IN"
"""The tie type that places organisations and events in a municipality."""

CACHE_SIZE = 8
"""At most this many filter combinations are cached per store and per kind of projection."""

Graph: TypeAlias = "nx.MultiDiGraph[Any]"
T = TypeVar("T")


@dataclass(frozen=True)
class Filters:
    """Which part of the store to project (see the module docs)."""

    node_types: frozenset[str] | None = None
    kinds: frozenset[str] | None = None
    tie_types: frozenset[str] | None = None
    municipality: str | None = None
    as_of: dt.date | None = None


class FrozenAttrs(dict[str, Any]):
    """An attribute dict of the shared graph: readable like a dict, changes raise ``TypeError``.

    ``copy()``, ``copy.copy`` and ``copy.deepcopy`` give ordinary (mutable) dicts, so
    ``graph.copy()`` and ``graph.to_undirected()`` still work.
    """

    def _refuse(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("the projected graph is shared and read-only: work on dict(attrs) or graph.copy()")

    __setitem__ = __delitem__ = __ior__ = update = pop = popitem = clear = setdefault = _refuse

    def copy(self) -> dict[str, Any]:
        return dict(self)

    def __copy__(self) -> dict[str, Any]:
        return dict(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, Any]:
        return copy.deepcopy(dict(self), memo)

    def __reduce__(self) -> tuple[Any, ...]:
        return (dict, (dict(self),))


@dataclass
class Structure:
    """The organisation network as integers: what structural algorithms need, no properties.

    Node ``i`` is ``keys[i]`` (sorted keys; ``index[key] == i``); ``kind``, ``sector`` and
    ``municipality`` (the key of the municipality it is LOCATED_IN, or None) are per node.
    Tie ``e`` goes ``src[e]`` → ``dst[e]``, has type ``tie_type[e]`` and ``strength[e]`` (None
    when not given); a symmetric tie is stored once (ends in key order) with ``symmetric[e]``.
    """

    keys: list[str]
    index: dict[str, int]
    names: list[str]
    kind: list[str | None]
    sector: list[str | None]
    municipality: list[str | None]
    src: list[int] = field(default_factory=list)
    dst: list[int] = field(default_factory=list)
    tie_type: list[str] = field(default_factory=list)
    strength: list[float | None] = field(default_factory=list)
    symmetric: list[bool] = field(default_factory=list)
    version: int = 0
    cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """Things derived from this structure (an igraph graph …), dropped with it."""

    @property
    def n(self) -> int:
        return len(self.keys)

    @property
    def m(self) -> int:
        return len(self.src)


_GRAPHS: weakref.WeakKeyDictionary[GraphStore, OrderedDict[Filters, tuple[int, Graph]]] = weakref.WeakKeyDictionary()
_STRUCTURES: weakref.WeakKeyDictionary[GraphStore, OrderedDict[Filters, tuple[int, Structure]]] = (
    weakref.WeakKeyDictionary()
)


def _cached(
    cache: weakref.WeakKeyDictionary[GraphStore, OrderedDict[Filters, tuple[int, T]]],
    store: GraphStore,
    filters: Filters,
    build: Callable[[GraphStore, Filters], T],
) -> T:
    """``build(store, filters)``, reused until the store's version changes; LRU-bounded per store."""
    version = store.version()
    entries = cache.setdefault(store, OrderedDict())
    hit = entries.get(filters)
    if hit is not None and hit[0] == version:
        entries.move_to_end(filters)
        return hit[1]
    value = build(store, filters)
    entries[filters] = (version, value)
    entries.move_to_end(filters)
    while len(entries) > CACHE_SIZE:
        entries.popitem(last=False)
    return value


def _filters(
    node_types: Collection[str] | None,
    kinds: Collection[str] | None,
    tie_types: Collection[str] | None,
    municipality: str | None,
    as_of: dt.date | None,
) -> Filters:
    def fz(values: Collection[str] | None) -> frozenset[str] | None:
        return frozenset(values) if values is not None else None

    return Filters(fz(node_types), fz(kinds), fz(tie_types), municipality, as_of)


def _valid_on(tie: Tie, day: dt.date) -> bool:
    since, until = tie.props.get("since"), tie.props.get("until")
    return not (isinstance(since, dt.date) and since > day) and not (isinstance(until, dt.date) and until < day)


def _located(store: GraphStore, f: Filters) -> set[str] | None:
    if f.municipality is None:
        return None
    return {t.start for t in store.iter_ties(LOCATION_TIE) if t.end == f.municipality} | {f.municipality}


def _keep(f: Filters, located: set[str] | None, key: str, type_: str, props: Any) -> bool:
    if f.node_types is not None and type_ not in f.node_types:
        return False
    if f.kinds is not None and "kind" in props and props["kind"] not in f.kinds:
        return False
    return located is None or key in located


def _freeze_attrs(graph: Graph) -> None:
    inner: Any = graph  # networkx keeps attribute dicts in _node, _succ and _pred (one dict per edge, shared)
    for key, attrs in inner._node.items():
        inner._node[key] = FrozenAttrs(attrs)
    for u, targets in inner._succ.items():
        for v, keyed in targets.items():
            for k, attrs in keyed.items():
                frozen = FrozenAttrs(attrs)
                keyed[k] = frozen
                inner._pred[v][u][k] = frozen


def _build(store: GraphStore, f: Filters) -> Graph:
    graph: Graph = nx.MultiDiGraph()
    located = _located(store, f)
    for node in store.iter_nodes():
        if _keep(f, located, node.key, node.type, node.props):
            graph.add_node(node.key, type=node.type, **node.props)
    for tie_type in sorted(f.tie_types) if f.tie_types is not None else [None]:
        for tie in store.iter_ties(tie_type):
            if tie.start not in graph or tie.end not in graph or (f.as_of and not _valid_on(tie, f.as_of)):
                continue
            symmetric = store.schema.tie_types[tie.type].symmetric
            graph.add_edge(tie.start, tie.end, key=tie.id, type=tie.type, symmetric=symmetric, **tie.props)
            if symmetric:
                graph.add_edge(tie.end, tie.start, key=tie.id, type=tie.type, symmetric=True, **tie.props)
    _freeze_attrs(graph)
    return graph


def project(
    store: GraphStore,
    *,
    node_types: Collection[str] | None = None,
    kinds: Collection[str] | None = None,
    tie_types: Collection[str] | None = None,
    municipality: str | None = None,
    as_of: dt.date | None = None,
) -> Graph:
    """The (filtered) store as a frozen MultiDiGraph; rebuilt only after the store changes."""
    filters = _filters(node_types, kinds, tie_types, municipality, as_of)
    return _cached(_GRAPHS, store, filters, lambda s, f: nx.freeze(_build(s, f)))


NodeRow: TypeAlias = tuple[str, str, Any, Any, Any]
"""(key, type, name, kind, sector) of a node."""
TieRow: TypeAlias = tuple[str, str, str, Any, Any, Any]
"""(type, start, end, strength, since, until) of a tie; dates as ISO text."""


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


class _Reader:
    """The few columns a :class:`Structure` needs, through the store contract (any backend)."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store

    def nodes(self, types: Collection[str] | None) -> Iterator[NodeRow]:
        for type_ in sorted(types) if types is not None else [None]:
            for n in self.store.iter_nodes(type_):
                yield n.key, n.type, n.props.get("name"), n.props.get("kind"), n.props.get("sector")

    def ties(self, types: Collection[str] | None, *, dated: bool = True) -> Iterator[TieRow]:
        for type_ in sorted(types) if types is not None else [None]:
            for t in self.store.iter_ties(type_):
                p = t.props
                yield t.type, t.start, t.end, p.get("strength"), _iso(p.get("since")), _iso(p.get("until"))


class _SqliteReader(_Reader):
    """The same columns read by SQL (json_extract) from an embedded store: no property decoding.

    tests/graph/test_projection.py checks that it gives what :class:`_Reader` gives.
    """

    def _select(self, sql: str, types: Collection[str] | None) -> Iterator[Any]:
        if types is None:
            return iter(self.store.db.execute(sql))  # type: ignore[attr-defined]
        marks = ", ".join("?" * len(types))
        return iter(self.store.db.execute(f"{sql} WHERE type IN ({marks})", sorted(types)))  # type: ignore[attr-defined]

    def nodes(self, types: Collection[str] | None) -> Iterator[NodeRow]:
        return self._select(_NODE_SQL, types)

    def ties(self, types: Collection[str] | None, *, dated: bool = True) -> Iterator[TieRow]:
        return self._select(_TIE_SQL if dated else _UNDATED_TIE_SQL, types)


_NODE_SQL = "SELECT key, type, json_extract(props, '$.name'), json_extract(props, '$.kind'), json_extract(props, '$.sector') FROM nodes"
_TIE_SQL = (
    "SELECT type, start, \"end\", json_extract(props, '$.strength'), json_extract(props, '$.since'), "
    "json_extract(props, '$.until') FROM ties"
)
_UNDATED_TIE_SQL = "SELECT type, start, \"end\", json_extract(props, '$.strength'), NULL, NULL FROM ties"


def _reader(store: GraphStore) -> _Reader:
    from partnergraph.graph.sqlite import SqliteStore

    return _SqliteReader(store) if type(store) is SqliteStore else _Reader(store)


def _valid_iso(since: Any, until: Any, day: str) -> bool:
    return not (isinstance(since, str) and since[:10] > day) and not (isinstance(until, str) and until[:10] < day)


def _structure_nodes(reader: _Reader, f: Filters) -> Structure:
    located = None
    if f.municipality is not None:
        located = {start for _, start, end, *_ in reader.ties([LOCATION_TIE]) if end == f.municipality} | {
            f.municipality
        }
    rows = sorted(
        r
        for r in reader.nodes(f.node_types)
        if _keep(f, located, r[0], r[1], {"kind": r[3]} if r[3] is not None else {})
    )
    keys = [r[0] for r in rows]
    index = {k: i for i, k in enumerate(keys)}
    where: list[str | None] = [None] * len(keys)
    for _, start, end, *_ in reader.ties([LOCATION_TIE]):
        i = index.get(start)
        if i is not None and where[i] is None:
            where[i] = end
    names = [str(r[2]) if r[2] is not None else r[0] for r in rows]
    text = [[v if isinstance(v, str) else None for v in (r[3], r[4])] for r in rows]
    return Structure(
        keys, index, names, [t[0] for t in text], [t[1] for t in text], where, version=reader.store.version()
    )


def _build_structure(store: GraphStore, f: Filters, reader: _Reader | None = None) -> Structure:
    reader = reader or _reader(store)
    s = _structure_nodes(reader, f)
    index, symmetric_types = s.index, {name for name, t in store.schema.tie_types.items() if t.symmetric}
    day = f.as_of.isoformat() if f.as_of else None
    src, dst, types, strengths, symmetric = (
        s.src.append,
        s.dst.append,
        s.tie_type.append,
        s.strength.append,
        s.symmetric.append,
    )
    get = index.get
    for type_, start, end, strength, since, until in reader.ties(f.tie_types, dated=day is not None):
        i, j = get(start), get(end)
        if i is None or j is None or (day and not _valid_iso(since, until, day)):
            continue
        src(i)
        dst(j)
        types(type_)
        strengths(float(strength) if type(strength) in (int, float) else None)
        symmetric(type_ in symmetric_types)
    return s


def project_structure(
    store: GraphStore,
    *,
    node_types: Collection[str] | None = ("Organisation",),
    kinds: Collection[str] | None = None,
    tie_types: Collection[str] | None = None,
    municipality: str | None = None,
    as_of: dt.date | None = None,
) -> Structure:
    """The (filtered) network as a :class:`Structure` (organisations only by default), cached like :func:`project`.

    The result is shared by every caller until the store changes: do not modify it.
    """
    filters = _filters(node_types, kinds, tie_types, municipality, as_of)
    return _cached(_STRUCTURES, store, filters, lambda s, f: _build_structure(s, f))
