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

Where the caches live: a :class:`ReadCache`, one per store by default. Stores opened on the same
URL can share one (:func:`share_read_cache`; the web app does, so its worker threads, each with
its own SQLite connection, build each projection once rather than once per thread). A read cache
is thread-safe: a value missing for the current write version is built by one thread while the
others asking for it wait, and a newer write version drops every value of the older ones.

    >>> from partnergraph.graph.sqlite import SqliteStore
    >>> project(SqliteStore(":memory:")).number_of_nodes()
    0
    >>> project_structure(SqliteStore(":memory:")).n
    0
"""

from __future__ import annotations

import copy
import datetime as dt
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Collection, Hashable, Iterator
from dataclasses import dataclass, field
from typing import Any, NoReturn, TypeAlias, TypeVar

import networkx as nx

from partnergraph.graph.base import GraphStore
from partnergraph.records import Tie
from partnergraph.schema import load_schema

__all__ = [
    "CACHE_SIZE",
    "LOCATION_TIE",
    "Filters",
    "FrozenAttrs",
    "ReadCache",
    "Structure",
    "project",
    "project_structure",
    "read_cache",
    "share_read_cache",
]

LOCATION_TIE = load_schema().place_tie  # models.ttl: pg:placeTie
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


class _Flight:
    """The lock that one thread holds while it builds a value, and how many threads want it."""

    __slots__ = ("lock", "waiting")

    def __init__(self) -> None:
        self.lock = threading.RLock()  # re-entrant: a build may ask for another value of the same cache
        self.waiting = 0


class ReadCache:
    """Values derived from a store, kept for its current write version; thread-safe and bounded.

    Values are kept in sections (``"graphs"``, ``"structures"``, ``"per_version"`` …), each a
    least-recently-used table of at most ``size`` keys. A value is looked up under the write
    version the asking store reports; when that version is newer than the cache's, every value of
    the older versions is dropped (memory holds one version's values). While one thread builds a
    value the others asking for the same section and key wait for it instead of building it too.

    Values are shared by every thread and every store using the cache: they must not be changed.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sections: dict[str, OrderedDict[Hashable, tuple[int, Any]]] = {}
        self._flights: dict[tuple[str, Hashable], _Flight] = {}
        self.version = -1
        """The newest write version seen (the values kept are of this version)."""

    def get(self, store: GraphStore, section: str, key: Hashable, build: Callable[[], T], *, size: int) -> T:
        """The value under ``(section, key)`` for ``store``'s write version, ``build()`` when missing."""
        version = store.version()  # read before building: a write during the build makes the next call rebuild
        name = (section, key)
        with self._lock:
            found = self._find(section, key, version)
            if found is not None:
                return found[1]  # type: ignore[no-any-return]
            flight = self._flights.get(name)
            if flight is None:
                flight = self._flights[name] = _Flight()
            flight.waiting += 1
        try:
            with flight.lock:  # one builder per (section, key); the others find its value after waiting
                with self._lock:
                    found = self._find(section, key, version)
                if found is not None:
                    return found[1]  # type: ignore[no-any-return]
                value = build()
                with self._lock:
                    self._keep(section, key, version, value, size)
                return value
        finally:
            with self._lock:
                flight.waiting -= 1
                if not flight.waiting:
                    del self._flights[name]

    def clear(self) -> None:
        """Drop every value (the next lookups build them again)."""
        with self._lock:
            self._sections.clear()

    def __len__(self) -> int:
        """The number of values kept, over all sections."""
        with self._lock:
            return sum(len(entries) for entries in self._sections.values())

    def _find(self, section: str, key: Hashable, version: int) -> tuple[int, Any] | None:
        entries = self._sections.get(section)
        hit = entries.get(key) if entries is not None else None
        if hit is None or hit[0] != version:
            return None
        assert entries is not None
        entries.move_to_end(key)
        return hit

    def _keep(self, section: str, key: Hashable, version: int, value: Any, size: int) -> None:
        if version < self.version:  # built from an older state than the cache already holds: used once, not kept
            return
        if version > self.version:
            self.version = version
            self._sections.clear()
        entries = self._sections.setdefault(section, OrderedDict())
        entries[key] = (version, value)
        entries.move_to_end(key)
        while len(entries) > size:
            entries.popitem(last=False)


_READ_CACHES: weakref.WeakKeyDictionary[GraphStore, ReadCache] = weakref.WeakKeyDictionary()
_READ_CACHES_LOCK = threading.Lock()


def read_cache(store: GraphStore) -> ReadCache:
    """The read cache of ``store``: the one shared with it (:func:`share_read_cache`), else its own."""
    with _READ_CACHES_LOCK:
        cache = _READ_CACHES.get(store)
        if cache is None:
            cache = _READ_CACHES[store] = ReadCache()
        return cache


def share_read_cache(store: GraphStore, cache: ReadCache) -> None:
    """Let ``store`` use ``cache`` (kept as long as the store lives).

    Only for stores of the same database (the same URL): values are told apart by write version
    alone.
    """
    with _READ_CACHES_LOCK:
        _READ_CACHES[store] = cache


def _cached(section: str, store: GraphStore, filters: Filters, build: Callable[[GraphStore, Filters], T]) -> T:
    """``build(store, filters)``, reused until the store's version changes; LRU-bounded per cache."""
    return read_cache(store).get(store, section, filters, lambda: build(store, filters), size=CACHE_SIZE)


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
    return _cached("graphs", store, filters, lambda s, f: nx.freeze(_build(s, f)))


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
    return _cached("structures", store, filters, lambda s, f: _build_structure(s, f))
