"""Where an organisation is: its municipality, county and voivodeship, cached per store version.

An organisation is placed by its ``LOCATED_IN`` tie (→ Municipality); the county and the
voivodeship come from ``PART_OF`` ties (Municipality → County → Voivodeship) or, where those
are missing, from the TERYT code itself: a 7-digit gmina code's first 4 digits are its county,
the first 2 its voivodeship (``3014022`` → ``3014`` → ``30``).

    >>> county_code("3014022"), voivodeship_code("3014022")
    ('3014', '30')
    >>> from partnergraph.graph.sqlite import SqliteStore
    >>> places(SqliteStore(":memory:")).of("org:none")
    Place(municipality=None, county=None, voivodeship=None)
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TypeVar

from partnergraph.graph.base import GraphStore
from partnergraph.graph.projection import LOCATION_TIE, read_cache

__all__ = [
    "NOWHERE",
    "PER_VERSION_KEPT",
    "Place",
    "Places",
    "cached_per_version",
    "county_code",
    "no_cyclic_gc",
    "places",
    "voivodeship_code",
]

PART_OF = "PART_OF"
AREA_TYPES = ("Municipality", "County", "Voivodeship")
TERYT_PREFIX = "teryt:"

T = TypeVar("T")
PER_VERSION_KEPT = 64
"""At most this many named values per read cache (:func:`cached_per_version`; least recently used dropped)."""
_GC_LOCK = threading.Lock()
_gc_pauses = 0
_gc_was_enabled = False


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """The cyclic garbage collector paused for a short burst of allocation (reference counting still frees).

    Building a large index, or a query over one, makes tens of thousands of objects that outlive a
    generation-0 pass; they push the collector into full passes over every long-lived object (about
    0.2 s at 100k organisations, measured in bench/bench_matching.py). Nothing made here forms cycles.

    Threads may overlap their pauses: the collector is enabled again (if it was) when the last ends.
    """
    global _gc_pauses, _gc_was_enabled
    with _GC_LOCK:
        if not _gc_pauses:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pauses += 1
    try:
        yield
    finally:
        with _GC_LOCK:
            _gc_pauses -= 1
            if not _gc_pauses and _gc_was_enabled:
                gc.enable()


def cached_per_version(store: GraphStore, name: str, build: Callable[[GraphStore], T]) -> T:
    """``build(store)``, kept until the store's write version changes, in the store's read cache.

    The cache is the store's own, or the one it shares with the other stores of its URL
    (:func:`~partnergraph.graph.projection.share_read_cache`); one thread builds, others wait.
    """

    def built() -> T:
        with no_cyclic_gc():
            return build(store)

    return read_cache(store).get(store, "per_version", name, built, size=PER_VERSION_KEPT)


def county_code(teryt: str) -> str | None:
    """The county (powiat) code of a 7-digit gmina code, or None."""
    return teryt[:4] if len(teryt) == 7 and teryt.isdigit() else None


def voivodeship_code(teryt: str) -> str | None:
    """The voivodeship code of a 4- or 7-digit TERYT code, or None."""
    return teryt[:2] if len(teryt) in (4, 7) and teryt.isdigit() else None


@dataclass(frozen=True)
class Place:
    """The keys of an organisation's municipality, county and voivodeship (None when unknown)."""

    municipality: str | None = None
    county: str | None = None
    voivodeship: str | None = None


NOWHERE = Place()


@dataclass
class Places:
    """Organisations' places and the areas' names."""

    located: dict[str, str] = field(default_factory=dict)
    """Organisation key → municipality key."""
    parent: dict[str, str] = field(default_factory=dict)
    """Area key → the key of the area it is part of."""
    names: dict[str, str] = field(default_factory=dict)
    """Area key → name."""
    _places: dict[str, Place] = field(default_factory=dict)

    def of(self, key: str) -> Place:
        """The place of organisation ``key`` (computed for every located organisation when built)."""
        place = self._places.get(key)
        if place is None:
            municipality = self.located.get(key)
            if municipality is None:
                return NOWHERE
            county = self._up(municipality, county_code)
            place = Place(municipality, county, self._up(county, voivodeship_code))
            self._places[key] = place
        return place

    def _up(self, area: str | None, by_code: Callable[[str], str | None]) -> str | None:
        if area is None:
            return None
        if area in self.parent:
            return self.parent[area]
        code = by_code(area.removeprefix(TERYT_PREFIX)) if area.startswith(TERYT_PREFIX) else None
        return TERYT_PREFIX + code if code else None

    def name(self, area: str) -> str:
        """The area's name (its key when the store has no node for it)."""
        return self.names.get(area, area)


def _build(store: GraphStore) -> Places:
    result = Places()
    for area_type in AREA_TYPES:
        for node in store.iter_nodes(area_type):
            result.names[node.key] = str(node.props.get("name", node.key))
    for tie in store.iter_ties(PART_OF):
        if tie.start in result.names:
            result.parent[tie.start] = tie.end
    for tie in store.iter_ties(LOCATION_TIE):
        if tie.end in result.names or tie.end.startswith(TERYT_PREFIX):
            known = result.located.get(tie.start)
            result.located[tie.start] = (
                tie.end if known is None else min(known, tie.end)
            )  # deterministic on both backends
    for (
        key
    ) in result.located:  # now, not lazily during queries (long-lived objects made then slow the garbage collector)
        result.of(key)
    return result


def places(store: GraphStore) -> Places:
    """Every organisation's place in ``store`` (rebuilt only after the store changes)."""
    return cached_per_version(store, "places", _build)
