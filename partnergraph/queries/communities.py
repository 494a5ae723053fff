"""Communities: Louvain on the undirected, strength-weighted organisation network, with a fixed seed.

Communities are numbered 1, 2, … by size (descending), then by their smallest member key, so the
same seed and resolution give the same numbering on every run and backend. Each is described by
its dominant municipalities and kinds with their shares and its largest members (by degree).
``community-members`` gives every organisation's community.

    >>> from partnergraph.graph.sqlite import SqliteStore
    >>> communities(SqliteStore(":memory:")).rows
    []
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from partnergraph.errors import Problem, ValidationError
from partnergraph.graph.base import GraphStore
from partnergraph.graph.projection import Structure
from partnergraph.i18n import Msg, Plural, register_messages
from partnergraph.queries import engine
from partnergraph.queries.base import FILTER_PARAMS, Analysis, Param, Result
from partnergraph.queries.metrics import degrees, filter_params, kind_labels, municipality_names, structure

__all__ = ["ANALYSES", "CommunityRow", "MemberRow", "communities", "community_members", "membership"]

register_messages(
    {
        "q.communities.bad_resolution": "{param}: a number > 0 is needed, got {value}",
        "q.communities.small": Plural(
            "Left out {count} community smaller than {size} organisations ({orgs} organisations).",
            "Left out {count} communities smaller than {size} organisations ({orgs} organisations).",
        ),
        "q.communities.none": "none",
    }
)

SHOWN = 3
"""Municipalities, kinds and members listed per community."""


@dataclass(frozen=True)
class CommunityRow:
    """One community."""

    id: int
    size: int
    internal_ties: int
    modularity: float
    municipalities: str
    kinds: str
    largest_members: list[str]

    LABELS: ClassVar[dict[str, str]] = {
        "id": "id",
        "size": "organisations",
        "internal_ties": "internal ties",
        "modularity": "modularity share",
        "municipalities": "municipalities",
        "kinds": "kinds",
        "largest_members": "largest members",
    }


@dataclass(frozen=True)
class MemberRow:
    """One organisation and its community."""

    key: str
    name: str
    community: int
    community_size: int

    LABELS: ClassVar[dict[str, str]] = {
        "key": "key",
        "name": "name",
        "community": "community",
        "community_size": "community size",
    }


def _check(resolution: float) -> None:
    if not resolution > 0:
        raise ValidationError([Problem(Msg("q.communities.bad_resolution", param="--resolution", value=resolution))])


def _numbered(s: Structure, raw: Sequence[int]) -> list[int]:
    """Renumber ``raw`` community labels 1, 2, … by size descending, then smallest member key."""
    first: dict[int, str] = {}
    for i, c in enumerate(raw):
        if c not in first or s.keys[i] < first[c]:
            first[c] = s.keys[i]
    sizes = Counter(raw)
    order = sorted(sizes, key=lambda c: (-sizes[c], first[c]))
    number = {c: i + 1 for i, c in enumerate(order)}
    return [number[c] for c in raw]


def membership(
    store: GraphStore,
    *,
    seed: int = 42,
    resolution: float = 1.0,
    kinds: Sequence[str] | None = None,
    tie_types: Sequence[str] | None = None,
    municipality: str | None = None,
    as_of: dt.date | None = None,
) -> dict[str, int]:
    """Organisation key → its community number (1 = the largest)."""
    _check(resolution)
    s = structure(store, kinds=kinds, tie_types=tie_types, municipality=municipality, as_of=as_of)
    return dict(zip(s.keys, _numbered(s, engine.louvain(s, resolution=resolution, seed=seed)[0]), strict=True))


def _shares(values: Sequence[str | None], names: dict[str, str]) -> str:
    counts = Counter(v for v in values if v is not None)
    top = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:SHOWN]
    return (
        ", ".join(f"{names.get(v, v)} {round(100 * n / len(values))}%" for v, n in top)
        or Msg("q.communities.none").render()
    )


def _describe(store: GraphStore, s: Structure, number: list[int], resolution: float) -> list[CommunityRow]:
    members: dict[int, list[int]] = {}
    for i, c in enumerate(number):
        members.setdefault(c, []).append(i)
    weights = engine.simple_edges(s, directed=False)
    total = sum(weights.values()) or 1.0
    inside: dict[int, float] = dict.fromkeys(members, 0.0)
    strength: dict[int, float] = dict.fromkeys(members, 0.0)
    ties: Counter[int] = Counter(number[u] for u, v in zip(s.src, s.dst, strict=True) if number[u] == number[v])
    for (u, v), w in weights.items():
        strength[number[u]] += w
        strength[number[v]] += w
        if number[u] == number[v]:
            inside[number[u]] += w
    degree, places, kinds = degrees(s)["degree"], municipality_names(store), kind_labels(store)
    rows = []
    for c, nodes in sorted(members.items()):
        q = inside[c] / total - resolution * (strength[c] / (2 * total)) ** 2
        largest = sorted(nodes, key=lambda i: (-degree[i], s.keys[i]))[:SHOWN]
        rows.append(
            CommunityRow(
                c,
                len(nodes),
                ties[c],
                round(q, 6),
                _shares([s.municipality[i] for i in nodes], places),
                _shares([s.kind[i] for i in nodes], kinds),
                [s.names[i] for i in largest],
            )
        )
    return rows


def _algorithm(seed: int, resolution: float) -> str:
    return (
        f"Louvain ({engine.ENGINE} community_multilevel, seed {seed}, resolution {resolution}) on the undirected simple graph, "
        "edge weight = summed tie strength (missing = 1); communities numbered by size, then smallest member key"
    )


def communities(
    store: GraphStore,
    *,
    seed: int = 42,
    resolution: float = 1.0,
    min_size: int = 2,
    kinds: Sequence[str] | None = None,
    tie_types: Sequence[str] | None = None,
    municipality: str | None = None,
    as_of: dt.date | None = None,
) -> Result:
    """One row per community of at least ``min_size`` organisations; the overall modularity in meta."""
    _check(resolution)
    s = structure(store, kinds=kinds, tie_types=tie_types, municipality=municipality, as_of=as_of)
    raw, q = engine.louvain(s, resolution=resolution, seed=seed)
    all_rows = _describe(store, s, _numbered(s, raw), resolution)
    rows = [r for r in all_rows if r.size >= min_size]
    small = [r for r in all_rows if r.size < min_size]
    notes = (
        [Msg("q.communities.small", count=len(small), size=min_size, orgs=sum(r.size for r in small)).render()]
        if small
        else []
    )
    params: dict[str, Any] = {"seed": seed, "resolution": resolution, "min_size": min_size}
    meta = {"modularity": round(q, 6), "communities": len(all_rows), "organisations": s.n, "engine": engine.ENGINE}
    return Result(
        "communities",
        _algorithm(seed, resolution),
        {**params, **filter_params(kinds, tie_types, municipality, as_of)},
        rows,
        CommunityRow,
        notes,
        meta,
    )


def community_members(
    store: GraphStore,
    *,
    seed: int = 42,
    resolution: float = 1.0,
    kinds: Sequence[str] | None = None,
    tie_types: Sequence[str] | None = None,
    municipality: str | None = None,
    as_of: dt.date | None = None,
) -> Result:
    """One row per organisation with its community (the numbering of :func:`communities`), by community then key."""
    found = membership(
        store,
        seed=seed,
        resolution=resolution,
        kinds=kinds,
        tie_types=tie_types,
        municipality=municipality,
        as_of=as_of,
    )
    s = structure(store, kinds=kinds, tie_types=tie_types, municipality=municipality, as_of=as_of)
    sizes = Counter(found.values())
    rows = sorted(
        (MemberRow(k, s.names[s.index[k]], c, sizes[c]) for k, c in found.items()), key=lambda r: (r.community, r.key)
    )
    params = {"seed": seed, "resolution": resolution, **filter_params(kinds, tie_types, municipality, as_of)}
    return Result(
        "community-members", _algorithm(seed, resolution), params, rows, MemberRow, [], {"communities": len(sizes)}
    )


_COMMON = (
    Param(
        "seed",
        "int",
        "Random seed (same seed, same result).",
        42,
    ),
    Param(
        "resolution",
        "float",
        "Modularity resolution (higher = smaller communities).",
        1.0,
    ),
)

ANALYSES = (
    Analysis(
        "communities",
        "Communities",
        "Louvain communities (fixed seed), each described by its dominant municipalities and organisation kinds.",
        (
            *_COMMON,
            Param(
                "min_size",
                "int",
                "Leave out communities smaller than this many organisations.",
                2,
            ),
            *FILTER_PARAMS,
        ),
        communities,
    ),
    Analysis(
        "community-members",
        "Community members",
        "Every organisation and its community number (numbered as in 'communities').",
        (*_COMMON, *FILTER_PARAMS),
        community_members,
    ),
)
