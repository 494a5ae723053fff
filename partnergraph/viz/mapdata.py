"""What a network map holds — nodes, edges, legend, caption — independent of how it is drawn.

:class:`NetworkMap` is plain data (the HTML page in :mod:`partnergraph.viz.page` and tests read
it); :class:`Styler` assigns colour groups from models.ttl's vocabularies, so a kind has the
same colour on every map.

    >>> from partnergraph.schema import load_schema
    >>> styler = Styler(load_schema(), "kind")
    >>> styler.group({"kind": "ces"}), styler.colour("ces") == styler.colour("ces")
    ('ces', True)
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from partnergraph.graph.projection import Graph
from partnergraph.i18n import Msg, current_language
from partnergraph.schema import Schema
from partnergraph.viz.charts import PALETTE

__all__ = ["GREY", "MapEdge", "MapNode", "NetworkMap", "Styler", "group_edges", "sized"]

GREY = "#9e9e9e"
"""The colour of nodes whose kind or sector is unknown."""
MIN_SIZE, MAX_SIZE = 8.0, 40.0
"""Node radius range in pixels; the largest metric value gets :data:`MAX_SIZE`."""


@dataclass(frozen=True)
class MapNode:
    """A node as drawn: ``label`` on the canvas, ``title`` as a plain-text tooltip."""

    id: str
    label: str
    title: str
    group: str
    colour: str
    size: float = MIN_SIZE
    x: float | None = None
    y: float | None = None
    marked: bool = False
    """The ego of an ego view, a member in a partnership view: drawn with a thick border."""


@dataclass(frozen=True)
class MapEdge:
    """An edge as drawn: one per pair and tie type, ``weight`` ties behind it."""

    source: str
    target: str
    title: str
    weight: float = 1.0
    arrow: bool = True
    kind: str = ""


@dataclass
class NetworkMap:
    """A map ready to draw."""

    title: str
    nodes: list[MapNode]
    edges: list[MapEdge]
    legend: list[tuple[str, str, int]]
    """(label, colour, count) per colour group present, in vocabulary order."""
    size_label: str
    """What node size shows (a metric, or the number of organisations)."""
    colour_label: str = ""
    """What colour shows (kind or sector), in the current language."""
    physics: bool = True
    layout: str = ""
    """The precomputed layout's name when physics is off (e.g. ``Fruchterman–Reingold (igraph, grid)``)."""
    aggregated: bool = False
    marked_label: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def with_positions(self, positions: Sequence[tuple[float, float]], layout: str) -> NetworkMap:
        """The same map with fixed positions (one per node, in order) and physics off."""
        nodes = [replace(node, x=x, y=y) for node, (x, y) in zip(self.nodes, positions, strict=True)]
        return replace(self, nodes=nodes, physics=False, layout=layout)


class Styler:
    """Colour groups (kind or sector) from models.ttl, their colours and the legend."""

    def __init__(self, schema: Schema, color: str) -> None:
        self.color = color
        self.kinds = schema.vocabularies["OrganisationKinds"]
        self.sectors = schema.vocabularies["Sectors"]
        self.vocabulary = self.kinds if color == "kind" else self.sectors
        self.order = sorted(self.vocabulary.concepts)
        self.seen: Counter[str] = Counter()

    def group(self, props: Mapping[str, Any]) -> str:
        """The colour group of an organisation (its kind, or its sector — the kind's default when unset)."""
        kind = str(props.get("kind", ""))
        if self.color == "kind":
            value = kind
        else:
            concept = self.kinds.concepts.get(kind)
            value = str(props.get("sector") or (concept.default_sector if concept else "") or "")
        self.seen[value] += 1
        return value

    def colour(self, group: str) -> str:
        return PALETTE[self.order.index(group) % len(PALETTE)] if group in self.order else GREY

    def label(self, group: str) -> str:
        concept = self.vocabulary.concepts.get(group)
        if concept is not None:
            return concept.label(current_language())
        return group or str(Msg("viz.netmap.no_sector"))

    def description(self, props: Mapping[str, Any]) -> str:
        """``kind label · sector label`` for a tooltip."""
        kind = self.kinds.concepts.get(str(props.get("kind", "")))
        sector = self.sectors.concepts.get(str(props.get("sector") or (kind.default_sector if kind else "") or ""))
        language = current_language()
        return " · ".join(part.label(language) for part in (kind, sector) if part is not None)

    def legend(self, counts: Counter[str] | None = None) -> list[tuple[str, str, int]]:
        """(label, colour, count) for each group present, vocabulary order first, unknown groups last."""
        counts = self.seen if counts is None else counts
        present = sorted(counts, key=lambda g: (g not in self.order, self.order.index(g) if g in self.order else 0, g))
        return [(self.label(g), self.colour(g), counts[g]) for g in present if counts[g]]


def group_edges(graph: Graph) -> dict[tuple[str, str, str, bool], dict[str, Mapping[str, Any]]]:
    """Ties grouped by (start, end, type, symmetric) — a symmetric tie once, with its ends in key order — by tie id."""
    groups: dict[tuple[str, str, str, bool], dict[str, Mapping[str, Any]]] = {}
    for start, end, key, data in graph.edges(keys=True, data=True):
        symmetric = bool(data.get("symmetric"))
        if symmetric and start > end:
            start, end = end, start
        groups.setdefault((start, end, str(data.get("type", "")), symmetric), {})[str(key)] = data
    return groups


def sized(nodes: Sequence[MapNode], values: Mapping[str, float]) -> list[MapNode]:
    """``nodes`` with radius from :data:`MIN_SIZE` to :data:`MAX_SIZE` by the square root of their value (area ∝ value)."""
    top = max((values.get(node.id, 0.0) for node in nodes), default=0.0)
    if top <= 0 or math.isnan(top):
        return list(nodes)
    return [
        replace(node, size=MIN_SIZE + (MAX_SIZE - MIN_SIZE) * math.sqrt(max(values.get(node.id, 0.0), 0.0) / top))
        for node in nodes
    ]
